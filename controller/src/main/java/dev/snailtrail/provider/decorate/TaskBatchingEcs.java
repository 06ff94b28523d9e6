package dev.snailtrail.provider.decorate;

import dev.snailtrail.provider.DeploymentStrategy;
import dev.snailtrail.provider.Ecs;
import dev.snailtrail.provider.ServiceRef;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An {@link Ecs} port that lists the controller's services' tasks a cluster at a time. The {@code
 * ecsTasks} gate, the task-reading gates and preflight list a service's tasks on every look; with
 * many rollouts on one cluster that is a {@code ListTasks} or two and a {@code DescribeTasks} per
 * rollout per look. So a task read of a managed service ({@link ManagedServices}) is answered from
 * one {@link Ecs#listTasks(String, String, Set, boolean)} of all the cluster's managed services (on
 * AWS, {@code ListTasks} of the cluster and {@code DescribeTasks} of 100 tasks a call). Reads with
 * and without the stopped tasks are kept apart, as ECS lists them apart.
 *
 * <p>How long a listing answers depends on the service, as in {@link ClusterBatchingEcs}: one in
 * flux, or listed while it was in flux, is listed again after {@code freshness} (its deployment
 * starts and stops tasks); a settled one after {@code settledFreshness}, about a resync. So the
 * first look of a rollout that has just settled lists afresh, never from what its deployment
 * showed. News of a change ({@link #changed}: an ECS task or service event that outdates what was
 * read) and a write of the service through this port forget the service's tasks at once, and what a
 * listing in flight during the write saw of it is not kept: a pass never reads back tasks from
 * before its own write or before the news. Concurrent readers share the listing in flight, and its
 * error if it fails; failures are not kept. Services no rollout manages, and every other call, go
 * straight through.
 */
public final class TaskBatchingEcs extends ForwardingEcs {

  private final ManagedServices managed;
  private final Clock clock;
  private final Duration freshness;
  private final Duration settledFreshness;
  private final Map<ListingKey, Cache> caches = new ConcurrentHashMap<>();

  /**
   * @param real the port that does the listing
   * @param managed which services to list together, per cluster, and which are in flux
   * @param freshness how long a listing answers reads of a service in flux
   * @param settledFreshness the same for a settled service (at least {@code freshness})
   */
  public TaskBatchingEcs(
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

  private record ListingKey(String region, String cluster, boolean includeStopped) {}

  /**
   * A service's tasks as one listing saw them.
   *
   * @param takenAt when the listing began
   * @param inFlux whether the service was in flux then
   */
  private record Seen(List<TaskState> tasks, Instant takenAt, boolean inFlux) {}

  /** One listing's services seen, the listing in flight and the writes; guarded by its monitor. */
  private static final class Cache {
    final Map<String, Seen> seen = new HashMap<>();
    CompletableFuture<Map<String, Seen>> fetching;
    Set<String> fetchingNames;
    long writes;
    final Map<String, Long> lastWrite = new HashMap<>();
  }

  @Override
  public List<TaskState> listTasks(ServiceRef ref, boolean includeStopped) {
    Set<String> managedNames = managed.in(ref.region(), ref.cluster());
    if (!managedNames.contains(ref.service())) {
      return real.listTasks(ref, includeStopped);
    }
    ListingKey key = new ListingKey(ref.region(), ref.cluster(), includeStopped);
    return seen(key, ref.service(), managedNames).tasks();
  }

  /**
   * What was seen of the service: kept while fresh, else from the listing in flight or a new one.
   */
  private Seen seen(ListingKey key, String service, Set<String> allManaged) {
    Cache cache = caches.computeIfAbsent(key, k -> new Cache());
    CompletableFuture<Map<String, Seen>> fetch;
    Set<String> names;
    Set<String> flux;
    long writes;
    synchronized (cache) {
      Instant now = clock.instant();
      flux = managed.inFluxIn(key.region(), key.cluster());
      Seen kept = cache.seen.get(service);
      if (fresh(kept, flux.contains(service), now)) {
        return kept;
      }
      if (cache.fetching != null && cache.fetchingNames.contains(service)) {
        fetch = cache.fetching;
        names = null;
        writes = 0;
      } else {
        // The listing is of the whole cluster anyway: every managed service is taken from it. Which
        // of them are in flux is as of now: a listing taken in flux answers as one.
        names = new TreeSet<>(allManaged);
        flux = new HashSet<>(flux);
        fetch = new CompletableFuture<>();
        cache.fetching = fetch;
        cache.fetchingNames = names;
        writes = cache.writes;
      }
    }
    if (names != null) {
      fetch(key, cache, fetch, names, flux, writes); // on this caller's thread, outside the lock
    }
    Map<String, Seen> fetched = Batches.await(fetch);
    return fetched.get(service);
  }

  private void fetch(
      ListingKey key,
      Cache cache,
      CompletableFuture<Map<String, Seen>> fetch,
      Set<String> names,
      Set<String> flux,
      long writes) {
    Instant takenAt = clock.instant();
    try {
      Map<String, List<TaskState>> found =
          real.listTasks(key.region(), key.cluster(), names, key.includeStopped());
      Map<String, Seen> taken = new HashMap<>();
      for (String name : names) {
        List<TaskState> tasks = found.getOrDefault(name, List.of());
        taken.put(name, new Seen(tasks, takenAt, flux.contains(name)));
      }
      synchronized (cache) {
        if (cache.fetching == fetch) {
          cache.fetching = null;
        }
        taken.forEach(
            (name, s) -> {
              Seen kept = cache.seen.get(name);
              boolean written = cache.lastWrite.getOrDefault(name, 0L) > writes;
              if (!written && (kept == null || !kept.takenAt().isAfter(takenAt))) {
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
  }

  private boolean fresh(Seen s, boolean inFlux, Instant now) {
    if (s == null) {
      return false;
    }
    Duration limit = inFlux || s.inFlux() ? freshness : settledFreshness;
    return Duration.between(s.takenAt(), now).compareTo(limit) < 0;
  }

  /**
   * News that a managed service or one of its tasks changed (an ECS event): its tasks are
   * forgotten, so the pass the news wakes lists them afresh. With {@code cluster} null (the news
   * names none) the service of that name is forgotten on every cluster of the region.
   */
  public void changed(String region, String cluster, String service) {
    String clusterName = cluster == null ? null : Batches.shortName(cluster);
    caches.forEach(
        (key, cache) -> {
          if (key.region().equals(region)
              && (clusterName == null || Batches.shortName(key.cluster()).equals(clusterName))) {
            forget(cache, service);
          }
        });
  }

  /**
   * Forgets what was seen of the service's tasks, keeps a listing in flight from answering for it,
   * and stops new readers from joining that listing.
   */
  private static void forget(Cache cache, String service) {
    synchronized (cache) {
      cache.writes++;
      cache.lastWrite.put(service, cache.writes);
      cache.seen.remove(service);
      cache.fetching = null;
    }
  }

  private void written(ServiceRef ref) {
    for (boolean stopped : new boolean[] {false, true}) {
      Cache cache = caches.get(new ListingKey(ref.region(), ref.cluster(), stopped));
      if (cache != null) {
        forget(cache, ref.service());
      }
    }
  }

  @Override
  public ServiceState createService(CreateServiceRequest request) {
    try {
      return real.createService(request);
    } finally {
      written(request.ref());
    }
  }

  @Override
  public ServiceState updateService(
      ServiceRef ref, String taskDefinitionArn, Integer desiredCount) {
    try {
      return real.updateService(ref, taskDefinitionArn, desiredCount);
    } finally {
      written(ref);
    }
  }

  @Override
  public ServiceState updateService(
      ServiceRef ref, String taskDefinitionArn, Integer desiredCount, DeploymentStrategy strategy) {
    try {
      return real.updateService(ref, taskDefinitionArn, desiredCount, strategy);
    } finally {
      written(ref);
    }
  }
}
