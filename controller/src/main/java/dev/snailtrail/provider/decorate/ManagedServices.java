package dev.snailtrail.provider.decorate;

import dev.snailtrail.provider.ServiceRef;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The ECS services the controller's rollouts move, by rollout name. {@link ClusterBatchingEcs}
 * reads it to know which services of a cluster to describe together; the controller keeps it up to
 * date as rollouts are applied, found in the store and deleted. Thread-safe.
 */
public final class ManagedServices {

  private final Map<String, ServiceRef> byRollout = new ConcurrentHashMap<>();

  /** The rollout moves {@code service} (replacing whatever it moved before). */
  public void manage(String rollout, ServiceRef service) {
    byRollout.put(rollout, service);
  }

  /** The rollout is gone. */
  public void forget(String rollout) {
    byRollout.remove(rollout);
  }

  /**
   * The rollouts that move a service of this name in the region, on {@code cluster} (a name or
   * ARN), or on any cluster when it is null (an event that names no cluster).
   */
  public Set<String> rolloutsOf(String region, String cluster, String service) {
    String clusterName = cluster == null ? null : cluster.substring(cluster.lastIndexOf('/') + 1);
    Set<String> rollouts = new TreeSet<>();
    byRollout.forEach(
        (rollout, ref) -> {
          String refCluster = ref.cluster().substring(ref.cluster().lastIndexOf('/') + 1);
          if (ref.region().equals(region)
              && ref.service().equals(service)
              && (clusterName == null || refCluster.equals(clusterName))) {
            rollouts.add(rollout);
          }
        });
    return rollouts;
  }

  /**
   * The names of the managed services of one cluster, sorted (so that batches are the same from
   * pass to pass).
   */
  public Set<String> in(String region, String cluster) {
    Set<String> names = new TreeSet<>();
    for (ServiceRef ref : byRollout.values()) {
      if (ref.region().equals(region) && ref.cluster().equals(cluster)) {
        names.add(ref.service());
      }
    }
    return names;
  }
}
