package dev.snailtrail.provider.decorate;

import dev.snailtrail.provider.ServiceRef;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.function.Supplier;

/**
 * The ECS services the controller's rollouts move, by rollout name, and which of them are in flux
 * (a rollout deploying, waiting for ECS or rolling back). {@link ClusterBatchingEcs} reads it to
 * know which services of a cluster to describe together, and how fresh each must be; the controller
 * keeps it up to date as rollouts are applied, found in the store, pass and are deleted.
 * Thread-safe.
 *
 * <p>Every read of every pass asks for its cluster's services and those in flux, and every pass may
 * move its rollout in or out of flux, so the per-cluster sets are indexes that a change of one
 * rollout updates by its one service: a read is a lookup, a change costs what one service costs,
 * never a pass over every rollout (with thousands of them, rebuilding the sets after each change
 * cost more than the passes did).
 */
public final class ManagedServices {

  private record ClusterKey(String region, String cluster) {}

  private record ServiceKey(String region, String service) {}

  private final Map<String, ServiceRef> byRollout = new HashMap<>();
  private final Set<String> inFlux = new HashSet<>();
  // Sorted, so that batches are the same from pass to pass; the flux sets are only asked whether
  // they hold a service, by every fetch for every service of the cluster, so they are hashed.
  private final Index names = new Index(ConcurrentSkipListSet::new);
  private final Index fluxNames = new Index(ConcurrentHashMap::newKeySet);

  /** Per region and service name, the rollouts that move a service of that name. */
  private final Map<ServiceKey, Set<String>> rollouts = new HashMap<>();

  /**
   * Service names per cluster, each with how many rollouts count it; readers look at the sets while
   * rollouts come and go.
   */
  private static final class Index {
    private final Map<ClusterKey, Map<String, Integer>> counts = new HashMap<>();
    private final Map<ClusterKey, Set<String>> sets = new ConcurrentHashMap<>();
    private final Supplier<Set<String>> newSet;

    /**
     * @param newSet a set readers may use while it changes: sorted, or hashed for lookups
     */
    Index(Supplier<Set<String>> newSet) {
      this.newSet = newSet;
    }

    void add(ServiceRef ref) {
      ClusterKey key = new ClusterKey(ref.region(), ref.cluster());
      if (counts.computeIfAbsent(key, k -> new HashMap<>()).merge(ref.service(), 1, Integer::sum)
          == 1) {
        sets.computeIfAbsent(key, k -> newSet.get()).add(ref.service());
      }
    }

    void remove(ServiceRef ref) {
      ClusterKey key = new ClusterKey(ref.region(), ref.cluster());
      Map<String, Integer> c = counts.get(key);
      if (c != null && c.merge(ref.service(), -1, Integer::sum) == 0) {
        c.remove(ref.service());
        sets.get(key).remove(ref.service());
      }
    }

    Set<String> of(String region, String cluster) {
      return Collections.unmodifiableSet(
          sets.computeIfAbsent(new ClusterKey(region, cluster), k -> newSet.get()));
    }
  }

  /** The rollout moves {@code service} (replacing whatever it moved before). */
  public synchronized void manage(String rollout, ServiceRef service) {
    ServiceRef before = byRollout.put(rollout, service);
    if (service.equals(before)) {
      return;
    }
    if (before != null) {
      unindex(rollout, before);
    }
    names.add(service);
    if (inFlux.contains(rollout)) {
      fluxNames.add(service);
    }
    rollouts
        .computeIfAbsent(new ServiceKey(service.region(), service.service()), k -> new HashSet<>())
        .add(rollout);
  }

  private void unindex(String rollout, ServiceRef ref) {
    names.remove(ref);
    if (inFlux.contains(rollout)) {
      fluxNames.remove(ref);
    }
    ServiceKey key = new ServiceKey(ref.region(), ref.service());
    Set<String> of = rollouts.get(key);
    if (of != null && of.remove(rollout) && of.isEmpty()) {
      rollouts.remove(key);
    }
  }

  /**
   * Whether the rollout's service is in flux: its reads must be fresh (the deployment it waits for
   * may complete any moment), where a settled rollout's service may be read from an older snapshot.
   */
  public synchronized void inFlux(String rollout, boolean flux) {
    if (flux ? inFlux.add(rollout) : inFlux.remove(rollout)) {
      ServiceRef ref = byRollout.get(rollout);
      if (ref != null) {
        if (flux) {
          fluxNames.add(ref);
        } else {
          fluxNames.remove(ref);
        }
      }
    }
  }

  /** The rollout is gone. */
  public synchronized void forget(String rollout) {
    ServiceRef before = byRollout.remove(rollout);
    if (before != null) {
      unindex(rollout, before);
    }
    inFlux.remove(rollout);
  }

  /**
   * The rollouts that move a service of this name in the region, on {@code cluster} (a name or
   * ARN), or on any cluster when it is null (an event that names no cluster).
   */
  public synchronized Set<String> rolloutsOf(String region, String cluster, String service) {
    String clusterName = cluster == null ? null : Batches.shortName(cluster);
    Set<String> out = new TreeSet<>();
    for (String rollout : rollouts.getOrDefault(new ServiceKey(region, service), Set.of())) {
      ServiceRef ref = byRollout.get(rollout);
      if (clusterName == null || Batches.shortName(ref.cluster()).equals(clusterName)) {
        out.add(rollout);
      }
    }
    return out;
  }

  /**
   * The names of the managed services of one cluster, sorted (so that batches are the same from
   * pass to pass): a view that follows the rollouts as they come and go.
   */
  public Set<String> in(String region, String cluster) {
    return names.of(region, cluster);
  }

  /** The names of the managed services of one cluster that are in flux (a view, unordered). */
  public Set<String> inFluxIn(String region, String cluster) {
    return fluxNames.of(region, cluster);
  }
}
