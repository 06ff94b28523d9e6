package dev.snailtrail.provider.decorate;

import dev.snailtrail.provider.ServiceRef;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The ECS services the controller's rollouts move, by rollout name, and which of them are in flux
 * (a rollout deploying, waiting for ECS or rolling back). {@link ClusterBatchingEcs} reads it to
 * know which services of a cluster to describe together, and how fresh each must be; the controller
 * keeps it up to date as rollouts are applied, found in the store, pass and are deleted.
 * Thread-safe; the per-cluster sets are kept between changes, so a read costs a map lookup.
 */
public final class ManagedServices {

  private record ClusterKey(String region, String cluster) {}

  private final Map<String, ServiceRef> byRollout = new HashMap<>();
  private final Set<String> inFlux = new HashSet<>();
  private Map<ClusterKey, Set<String>> names;
  private Map<ClusterKey, Set<String>> fluxNames;

  /** The rollout moves {@code service} (replacing whatever it moved before). */
  public synchronized void manage(String rollout, ServiceRef service) {
    if (!service.equals(byRollout.put(rollout, service))) {
      changed();
    }
  }

  /**
   * Whether the rollout's service is in flux: its reads must be fresh (the deployment it waits for
   * may complete any moment), where a settled rollout's service may be read from an older snapshot.
   */
  public synchronized void inFlux(String rollout, boolean flux) {
    if (flux ? inFlux.add(rollout) : inFlux.remove(rollout)) {
      fluxNames = null;
    }
  }

  /** The rollout is gone. */
  public synchronized void forget(String rollout) {
    if (byRollout.remove(rollout) != null) {
      changed();
    }
    inFlux.remove(rollout);
  }

  private void changed() {
    names = null;
    fluxNames = null;
  }

  /**
   * The rollouts that move a service of this name in the region, on {@code cluster} (a name or
   * ARN), or on any cluster when it is null (an event that names no cluster).
   */
  public synchronized Set<String> rolloutsOf(String region, String cluster, String service) {
    String clusterName = cluster == null ? null : Batches.shortName(cluster);
    Set<String> rollouts = new TreeSet<>();
    byRollout.forEach(
        (rollout, ref) -> {
          if (ref.region().equals(region)
              && ref.service().equals(service)
              && (clusterName == null || Batches.shortName(ref.cluster()).equals(clusterName))) {
            rollouts.add(rollout);
          }
        });
    return rollouts;
  }

  /**
   * The names of the managed services of one cluster, sorted (so that batches are the same from
   * pass to pass).
   */
  public synchronized Set<String> in(String region, String cluster) {
    if (names == null) {
      names = index(byRollout.keySet());
    }
    return names.getOrDefault(new ClusterKey(region, cluster), Set.of());
  }

  /** The names of the managed services of one cluster that are in flux. */
  public synchronized Set<String> inFluxIn(String region, String cluster) {
    if (fluxNames == null) {
      fluxNames = index(inFlux);
    }
    return fluxNames.getOrDefault(new ClusterKey(region, cluster), Set.of());
  }

  private Map<ClusterKey, Set<String>> index(Set<String> rollouts) {
    Map<ClusterKey, Set<String>> out = new HashMap<>();
    for (String rollout : rollouts) {
      ServiceRef ref = byRollout.get(rollout);
      if (ref != null) {
        out.computeIfAbsent(new ClusterKey(ref.region(), ref.cluster()), k -> new TreeSet<>())
            .add(ref.service());
      }
    }
    out.replaceAll((k, v) -> java.util.Collections.unmodifiableSet(v));
    return out;
  }
}
