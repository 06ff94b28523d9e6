package dev.snailtrail.provider.decorate;

import dev.snailtrail.provider.DeploymentStrategy;
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
import java.util.concurrent.ConcurrentHashMap;

/**
 * An {@link Ecs} port that describes the controller's services a cluster at a time. Each pass of
 * each rollout describes its own service; with many rollouts on one cluster that is one {@code
 * DescribeServices} per rollout per pass, though ECS takes 10 names a call and throttles by call.
 * So a read of a managed service is answered from what one {@link Ecs#describeServices} of all the
 * cluster's stale managed services saw ({@link ManagedServices}; the AWS port splits it into calls
 * of 10).
 *
 * <p>How stale is stale depends on the service. One in flux (its rollout deploys, waits for ECS or
 * rolls back: {@link ManagedServices#inFlux}) is read again once {@code freshness} has passed,
 * since its deployment may complete any moment; a settled one (its rollout analyses, bakes, waits
 * for approval or is done) once {@code settledFreshness} has: the controller sets that to about its
 * resync, so one snapshot per cluster per resync serves every pass of its settled rollouts. News of
 * a change ({@link #changed}, from an ECS event) forgets the service at once.
 *
 * <p>Concurrent readers of a cluster whose services are stale wait for the one fetch in flight
 * instead of starting their own; if it fails, each of them gets the same exception, and the next
 * read tries again (failures are not kept). A write through this port ({@code createService},
 * {@code updateService}) forgets the written service, and what a fetch in flight during the write
 * saw of it is not kept, so a pass never reads back the world from before its own write. A fetch
 * asks for every stale or missing managed service of the cluster, never the fresh ones. Services no
 * rollout manages, and every other call, go straight to the real port.
 */
public final class ClusterBatchingEcs extends ForwardingEcs {

  /** How long what was seen of a service in flux answers reads unless told otherwise. */
  public static final Duration DEFAULT_FRESHNESS = Duration.ofSeconds(1);

  private final ManagedServices managed;
  private final Clock clock;
  private final Duration freshness;
  private final Duration settledFreshness;
  private final Map<ClusterKey, Cache> caches = new ConcurrentHashMap<>();

  /**
   * A port whose every managed service is read again after {@code freshness}.
   *
   * @param real the port that does the asking
   * @param managed which services to describe together, per cluster
   * @param freshness how long what was seen answers reads (zero: only readers that arrive while it
   *     is being fetched share it)
   */
  public ClusterBatchingEcs(Ecs real, ManagedServices managed, Clock clock, Duration freshness) {
    this(real, managed, clock, freshness, freshness);
  }

  /**
   * @param freshness how long what was seen of a service in flux answers reads
   * @param settledFreshness the same for a settled service (at least {@code freshness})
   */
  public ClusterBatchingEcs(
      Ecs real,
      ManagedServices managed,
      Clock clock,
      Duration freshness,
      Duration settledFreshness) {
    super(real);
    this.managed = Objects.requireNonNull(managed, "managed");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.freshness = Objects.requireNonNull(freshness, "freshness");
    this.settledFreshness = Objects.requireNonNull(settledFreshness, "settledFreshness");
    if (freshness.isNegative() || settledFreshness.compareTo(freshness) < 0) {
      throw new IllegalArgumentException(
          "freshness must not be negative nor settledFreshness shorter, were "
              + freshness
              + " and "
              + settledFreshness);
    }
  }

  private record ClusterKey(String region, String cluster) {}

  /**
   * What was seen of a service (empty: it does not exist).
   *
   * @param takenAt when the fetch that saw it began
   */
  private record Seen(Optional<ServiceState> state, Instant takenAt) {}

  /** One cluster's services seen, the fetch in flight and the writes; guarded by its monitor. */
  private static final class Cache {
    final Map<String, Seen> seen = new HashMap<>();
    CompletableFuture<Map<String, Seen>> fetching;
    Set<String> fetchingNames;
    long writes;
    final Map<String, Long> lastWrite = new HashMap<>();

    /** Whether the service was written after write number {@code write}. */
    boolean writtenAfter(String name, long write) {
      return lastWrite.getOrDefault(name, 0L) > write;
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
    Map<String, Seen> seen =
        wanted.isEmpty()
            ? Map.of()
            : seen(new ClusterKey(region, cluster), wanted, managedNames, region, cluster);
    Map<String, ServiceState> direct =
        passThrough.isEmpty() ? Map.of() : real.describeServices(region, cluster, passThrough);
    Map<String, ServiceState> out = new LinkedHashMap<>();
    for (String s : services) {
      Optional<ServiceState> state =
          wanted.contains(s) ? seen.get(s).state() : Optional.ofNullable(direct.get(s));
      state.ifPresent(v -> out.put(s, v));
    }
    return out;
  }

  /**
   * What was seen of {@code wanted}: kept while fresh, else from the fetch in flight, else from a
   * new fetch of every stale or missing managed service of the cluster.
   */
  private Map<String, Seen> seen(
      ClusterKey key, Set<String> wanted, Set<String> allManaged, String region, String cluster) {
    Cache cache = caches.computeIfAbsent(key, k -> new Cache());
    CompletableFuture<Map<String, Seen>> fetch;
    Set<String> names;
    long writes;
    synchronized (cache) {
      Instant now = clock.instant();
      Set<String> flux = managed.inFluxIn(region, cluster);
      Instant fluxCutoff = now.minus(freshness);
      Instant settledCutoff = now.minus(settledFreshness);
      Set<String> stale = new TreeSet<>();
      for (String name : wanted) {
        if (!fresh(cache.seen.get(name), name, flux, fluxCutoff, settledCutoff)) {
          stale.add(name);
        }
      }
      if (stale.isEmpty()) {
        return pick(cache.seen, wanted);
      }
      if (cache.fetching != null && cache.fetchingNames.containsAll(stale)) {
        fetch = cache.fetching;
        names = null;
        writes = 0;
      } else {
        names = new TreeSet<>(stale);
        for (String name : allManaged) {
          if (!fresh(cache.seen.get(name), name, flux, fluxCutoff, settledCutoff)) {
            names.add(name);
          }
        }
        fetch = new CompletableFuture<>();
        cache.fetching = fetch;
        cache.fetchingNames = names;
        writes = cache.writes;
      }
    }
    if (names == null) {
      return merged(cache, Batches.await(fetch), wanted); // outside the lock: the fetcher needs it
    }
    // The fetch runs on this caller's thread, outside the lock; others wait on its future.
    Instant takenAt = clock.instant();
    try {
      Map<String, ServiceState> found =
          real.describeServices(key.region(), key.cluster(), List.copyOf(names));
      Map<String, Seen> taken = new HashMap<>();
      for (String name : names) {
        taken.put(name, new Seen(Optional.ofNullable(found.get(name)), takenAt));
      }
      synchronized (cache) {
        if (cache.fetching == fetch) {
          cache.fetching = null;
        }
        taken.forEach(
            (name, s) -> {
              Seen kept = cache.seen.get(name);
              if (!cache.writtenAfter(name, writes)
                  && (kept == null || !kept.takenAt().isAfter(takenAt))) {
                cache.seen.put(name, s);
              }
            });
      }
      fetch.complete(taken);
    } catch (RuntimeException | Error e) {
      synchronized (cache) {
        if (cache.fetching == fetch) {
          cache.fetching = null;
        }
      }
      fetch.completeExceptionally(e);
    }
    return merged(cache, Batches.await(fetch), wanted);
  }

  /** The wanted services from a fetch, and those it did not ask for from what is kept. */
  private static Map<String, Seen> merged(
      Cache cache, Map<String, Seen> fetched, Set<String> wanted) {
    Map<String, Seen> out = new HashMap<>();
    synchronized (cache) {
      for (String name : wanted) {
        Seen s = fetched.containsKey(name) ? fetched.get(name) : cache.seen.get(name);
        out.put(name, s != null ? s : new Seen(Optional.empty(), Instant.EPOCH));
      }
    }
    return out;
  }

  private static Map<String, Seen> pick(Map<String, Seen> seen, Set<String> wanted) {
    Map<String, Seen> out = new HashMap<>();
    for (String name : wanted) {
      out.put(name, seen.get(name));
    }
    return out;
  }

  /**
   * Whether what was seen still answers: taken after {@code fluxCutoff} (fresh for any service), or
   * after {@code settledCutoff} for a service not in flux. A fetch asks it of every managed service
   * of the cluster, so it is cheap, and asks whether the service is in flux only when that decides.
   */
  private static boolean fresh(
      Seen s, String name, Set<String> flux, Instant fluxCutoff, Instant settledCutoff) {
    if (s == null) {
      return false;
    }
    Instant taken = s.takenAt();
    return taken.isAfter(fluxCutoff) || (taken.isAfter(settledCutoff) && !flux.contains(name));
  }

  /**
   * News that a managed service changed (an ECS event): what was seen of it is forgotten, so the
   * pass the news wakes reads it afresh. With {@code cluster} null (the news names none) the
   * service of that name is forgotten on every cluster of the region.
   */
  public void changed(String region, String cluster, String service) {
    String clusterName = cluster == null ? null : Batches.shortName(cluster);
    caches.forEach(
        (key, cache) -> {
          String keyCluster = Batches.shortName(key.cluster());
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
  private void invalidate(ClusterKey key, String service) {
    Cache cache = caches.get(key);
    if (cache == null) {
      return;
    }
    synchronized (cache) {
      cache.writes++;
      cache.lastWrite.put(service, cache.writes);
      cache.seen.remove(service);
      cache.fetching = null;
    }
  }

  /**
   * Tags the service, and what was seen of it shows the tags too: the rollout's next look at its
   * owner need not read them again.
   */
  @Override
  public void tagService(String region, String serviceArn, Map<String, String> tags) {
    real.tagService(region, serviceArn, tags);
    // A service ARN ends with the service's name (.../service/CLUSTER/NAME, or .../service/NAME).
    String name = serviceArn.substring(serviceArn.lastIndexOf('/') + 1);
    caches.forEach(
        (key, cache) -> {
          if (!key.region().equals(region)) {
            return;
          }
          synchronized (cache) {
            Seen s = cache.seen.get(name);
            if (s != null) {
              cache.seen.put(name, tagged(s, serviceArn, tags));
            }
          }
        });
  }

  private static Seen tagged(Seen s, String serviceArn, Map<String, String> tags) {
    ServiceState state = s.state().orElse(null);
    if (state == null || !serviceArn.equals(state.arn()) || state.tags() == null) {
      return s;
    }
    Map<String, String> all = new HashMap<>(state.tags());
    all.putAll(tags);
    return new Seen(Optional.of(state.withTags(all)), s.takenAt());
  }

  @Override
  public ServiceState createService(CreateServiceRequest request) {
    try {
      return real.createService(request);
    } finally {
      invalidate(
          new ClusterKey(request.ref().region(), request.ref().cluster()), request.ref().service());
    }
  }

  @Override
  public ServiceState updateService(
      ServiceRef ref, String taskDefinitionArn, Integer desiredCount) {
    try {
      return real.updateService(ref, taskDefinitionArn, desiredCount);
    } finally {
      invalidate(new ClusterKey(ref.region(), ref.cluster()), ref.service());
    }
  }

  @Override
  public ServiceState updateService(
      ServiceRef ref, String taskDefinitionArn, Integer desiredCount, DeploymentStrategy strategy) {
    try {
      return real.updateService(ref, taskDefinitionArn, desiredCount, strategy);
    } finally {
      invalidate(new ClusterKey(ref.region(), ref.cluster()), ref.service());
    }
  }
}
