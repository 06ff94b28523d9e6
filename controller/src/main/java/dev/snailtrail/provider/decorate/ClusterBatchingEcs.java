package dev.snailtrail.provider.decorate;

import dev.snailtrail.provider.Ecs;
import dev.snailtrail.provider.ServiceRef;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An {@link Ecs} port that describes the controller's services a cluster at a time. Each pass of
 * each rollout describes its own service; with many rollouts on one cluster that is one {@code
 * DescribeServices} per rollout per pass, though ECS takes 10 names a call and throttles by call.
 * So a read of a managed service is answered from a snapshot of all the cluster's managed services
 * ({@link ManagedServices}), taken with one {@link Ecs#describeServices} of them all (which the AWS
 * port splits into calls of 10) and kept for a short freshness window of the injected clock.
 *
 * <p>Concurrent readers of a cluster whose snapshot is missing or stale wait for the one fetch in
 * flight instead of starting their own; if it fails, each of them gets the same exception, and the
 * next read tries again (failures are not kept). A write through this port ({@code createService},
 * {@code updateService}) drops the written service from the snapshot, and what a fetch in flight
 * during the write saw of that service is not kept, so a pass never reads back the world from
 * before its own write. Only that service is dropped, and a read of services missing from a fresh
 * snapshot (written, or newly managed) fetches just the missing ones: with hundreds of services on
 * a cluster, refetching all of them after every write would cost more than it saves. Services no
 * rollout manages, and every other call, go straight to the real port.
 */
public final class ClusterBatchingEcs extends ForwardingEcs {

  /** How long a cluster's snapshot answers reads unless told otherwise. */
  public static final Duration DEFAULT_FRESHNESS = Duration.ofSeconds(1);

  private final ManagedServices managed;
  private final Clock clock;
  private final Duration freshness;
  private final Map<ClusterKey, Cache> caches = new ConcurrentHashMap<>();

  /**
   * @param real the port that does the asking
   * @param managed which services to describe together, per cluster
   * @param freshness how long a snapshot answers reads (zero: only readers that arrive while it is
   *     being fetched share it)
   */
  public ClusterBatchingEcs(Ecs real, ManagedServices managed, Clock clock, Duration freshness) {
    super(real);
    this.managed = Objects.requireNonNull(managed, "managed");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.freshness = Objects.requireNonNull(freshness, "freshness");
    if (freshness.isNegative()) {
      throw new IllegalArgumentException("freshness must not be negative, was " + freshness);
    }
  }

  private record ClusterKey(String region, String cluster) {}

  /**
   * What was seen of some services (empty: it does not exist), as old as its oldest part.
   *
   * @param takenAt when the oldest part's fetch began
   */
  private record Snapshot(Instant takenAt, Map<String, Optional<ServiceState>> services) {

    static Snapshot of(Instant takenAt, Set<String> asked, Map<String, ServiceState> found) {
      Map<String, Optional<ServiceState>> services = new HashMap<>();
      for (String name : asked) {
        services.put(name, Optional.ofNullable(found.get(name)));
      }
      return new Snapshot(takenAt, services);
    }

    Snapshot plus(Snapshot other) {
      Map<String, Optional<ServiceState>> merged = new HashMap<>(services);
      merged.putAll(other.services);
      Instant oldest = takenAt.isBefore(other.takenAt) ? takenAt : other.takenAt;
      return new Snapshot(oldest, merged);
    }

    Snapshot without(Set<String> names) {
      Map<String, Optional<ServiceState>> left = new HashMap<>(services);
      left.keySet().removeAll(names);
      return new Snapshot(takenAt, left);
    }
  }

  /** One cluster's snapshot, the fetch in flight and the writes; guarded by its own monitor. */
  private static final class Cache {
    Snapshot snapshot;
    CompletableFuture<Snapshot> fetching;
    Set<String> fetchingNames;
    long writes;
    final Map<String, Long> lastWrite = new HashMap<>();

    Set<String> writtenAfter(long write) {
      Set<String> names = new HashSet<>();
      lastWrite.forEach(
          (name, w) -> {
            if (w > write) {
              names.add(name);
            }
          });
      return names;
    }
  }

  @Override
  public Map<String, ServiceState> describeServices(
      String region, String cluster, List<String> services) {
    Set<String> managedNames = managed.in(region, cluster);
    Set<String> wanted = new HashSet<>();
    List<String> passThrough = new ArrayList<>();
    for (String s : services) {
      if (managedNames.contains(s)) {
        wanted.add(s);
      } else {
        passThrough.add(s);
      }
    }
    Snapshot snapshot =
        wanted.isEmpty() ? null : snapshot(new ClusterKey(region, cluster), wanted, managedNames);
    Map<String, ServiceState> direct =
        passThrough.isEmpty() ? Map.of() : real.describeServices(region, cluster, passThrough);
    Map<String, ServiceState> out = new LinkedHashMap<>();
    for (String s : services) {
      Optional<ServiceState> state =
          wanted.contains(s) ? snapshot.services().get(s) : Optional.ofNullable(direct.get(s));
      state.ifPresent(v -> out.put(s, v));
    }
    return out;
  }

  /**
   * A snapshot holding {@code wanted}: the kept one while fresh, else the fetch in flight, else a
   * new fetch (of all managed services, or of those missing from a fresh snapshot).
   */
  private Snapshot snapshot(ClusterKey key, Set<String> wanted, Set<String> allManaged) {
    Cache cache = caches.computeIfAbsent(key, k -> new Cache());
    CompletableFuture<Snapshot> fetch;
    Snapshot base;
    Set<String> names;
    long writes;
    synchronized (cache) {
      Snapshot kept = cache.snapshot;
      boolean fresh = kept != null && fresh(kept);
      if (fresh && kept.services().keySet().containsAll(wanted)) {
        return kept;
      }
      if (cache.fetching != null && cache.fetchingNames.containsAll(wanted)) {
        fetch = cache.fetching;
        base = null;
        names = null;
        writes = 0;
      } else {
        base = fresh ? kept : null;
        names = new TreeSet<>(allManaged);
        if (base != null) {
          names.removeAll(base.services().keySet());
        }
        fetch = new CompletableFuture<>();
        cache.fetching = fetch;
        cache.fetchingNames = names;
        writes = cache.writes;
      }
    }
    if (names == null) {
      return await(fetch); // outside the lock: the fetcher needs it to finish
    }
    // The fetch runs on this caller's thread, outside the lock; others wait on its future.
    Instant takenAt = clock.instant();
    try {
      Snapshot taken =
          Snapshot.of(
              takenAt,
              names,
              real.describeServices(key.region(), key.cluster(), List.copyOf(names)));
      synchronized (cache) {
        if (cache.fetching == fetch) {
          cache.fetching = null;
        }
        keep(cache, taken.without(cache.writtenAfter(writes)), base != null);
      }
      fetch.complete(base == null ? taken : base.plus(taken));
    } catch (RuntimeException | Error e) {
      synchronized (cache) {
        if (cache.fetching == fetch) {
          cache.fetching = null;
        }
      }
      fetch.completeExceptionally(e);
    }
    return await(fetch);
  }

  /** Keeps what a fetch saw: the missing part joins the snapshot, a whole one replaces it. */
  private static void keep(Cache cache, Snapshot taken, boolean missingPart) {
    Snapshot current = cache.snapshot;
    if (current == null) {
      cache.snapshot = taken;
    } else if (missingPart) {
      cache.snapshot = current.plus(taken);
    } else if (!current.takenAt().isAfter(taken.takenAt())) {
      cache.snapshot = taken;
    }
  }

  private boolean fresh(Snapshot s) {
    return Duration.between(s.takenAt(), clock.instant()).compareTo(freshness) < 0;
  }

  /** The fetch's snapshot, or the very exception it failed with. */
  private static Snapshot await(CompletableFuture<Snapshot> fetch) {
    try {
      return fetch.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      if (e.getCause() instanceof Error err) {
        throw err;
      }
      throw e;
    }
  }

  /**
   * News that a managed service changed (an ECS event): what was seen of it is forgotten, so the
   * pass the news wakes reads it afresh. With {@code cluster} null (the news names none) the
   * service of that name is forgotten on every cluster of the region.
   */
  public void changed(String region, String cluster, String service) {
    String clusterName = cluster == null ? null : cluster.substring(cluster.lastIndexOf('/') + 1);
    caches.forEach(
        (key, cache) -> {
          String keyCluster = key.cluster().substring(key.cluster().lastIndexOf('/') + 1);
          if (key.region().equals(region)
              && (clusterName == null || keyCluster.equals(clusterName))) {
            invalidate(key, service);
          }
        });
  }

  /**
   * Forgets what was seen of the written service, and stops new readers from joining a fetch that
   * may have begun before the write.
   */
  private void invalidate(ServiceRef ref) {
    invalidate(new ClusterKey(ref.region(), ref.cluster()), ref.service());
  }

  private void invalidate(ClusterKey key, String service) {
    Cache cache = caches.get(key);
    if (cache == null) {
      return;
    }
    synchronized (cache) {
      cache.writes++;
      cache.lastWrite.put(service, cache.writes);
      if (cache.snapshot != null) {
        cache.snapshot = cache.snapshot.without(Set.of(service));
      }
      cache.fetching = null;
    }
  }

  @Override
  public ServiceState createService(CreateServiceRequest request) {
    try {
      return real.createService(request);
    } finally {
      invalidate(request.ref());
    }
  }

  @Override
  public ServiceState updateService(
      ServiceRef ref, String taskDefinitionArn, Integer desiredCount) {
    try {
      return real.updateService(ref, taskDefinitionArn, desiredCount);
    } finally {
      invalidate(ref);
    }
  }
}
