package dev.snailtrail.provider.decorate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.snailtrail.provider.Ecs;
import dev.snailtrail.provider.LaunchType;
import dev.snailtrail.provider.ProviderException;
import dev.snailtrail.provider.ServiceRef;
import dev.snailtrail.provider.ServiceStatus;
import dev.snailtrail.provider.TaskDefinition;
import dev.snailtrail.provider.TaskDefinitionSpec;
import dev.snailtrail.time.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ClusterBatchingEcsTest {
  static final String REGION = "eu-west-1";
  static final String CLUSTER = "default";

  final MutableClock clock = new MutableClock(Instant.parse("2026-11-23T10:00:00Z"));
  final CountingEcs real = new CountingEcs();
  final ManagedServices managed = new ManagedServices();

  static ServiceRef ref(String service) {
    return new ServiceRef(REGION, CLUSTER, service);
  }

  static String name(int i) {
    return String.format(Locale.ROOT, "svc-%02d", i);
  }

  /** 25 managed services in one cluster, each one existing with the given task definition. */
  void manage25() {
    for (int i = 0; i < 25; i++) {
      managed.manage("rollout-" + i, ref(name(i)));
      real.exists(name(i), "td:1");
    }
  }

  @Test
  void concurrentReadersOfOneClusterShareOneDescribeOfAllItsManagedServices() throws Exception {
    manage25();
    // Freshness zero: no snapshot is kept, so only waiting for the fetch in flight can share it.
    ClusterBatchingEcs ecs = new ClusterBatchingEcs(real, managed, clock, Duration.ZERO);
    real.holdFetches();

    Map<String, Optional<Ecs.ServiceState>> seen = new ConcurrentHashMap<>();
    List<Thread> readers = new ArrayList<>();
    for (int i = 0; i < 25; i++) {
      String service = name(i);
      readers.add(reader(() -> seen.put(service, ecs.describeService(ref(service)))));
    }
    awaitAllWaiting(readers);
    real.releaseFetches();
    joinAll(readers);

    assertThat(real.calls).hasSize(1);
    assertThat(real.calls.get(0)).hasSize(25).doesNotHaveDuplicates();
    assertThat(seen).hasSize(25);
    assertThat(seen.values())
        .allSatisfy(
            s ->
                assertThat(s)
                    .hasValueSatisfying(v -> assertThat(v.taskDefinitionArn()).isEqualTo("td:1")));
  }

  /**
   * A fetch asks every managed service of the cluster whether it is stale, so what that costs a
   * service is paid by every fetch for every service: with thousands of rollouts on one cluster it
   * was most of a pass's work. Counted in bytes allocated (the work of the look, where a clock
   * would count the machine's load as well): 446 MB for these 2,000 fetches before, 13 MB now.
   */
  @Test
  void withTwentyThousandServicesAReadThatFetchesStillCostsLittle() {
    int n = 20_000;
    for (int i = 0; i < n; i++) {
      String service = String.format(Locale.ROOT, "bench-%05d", i);
      managed.manage(service, ref(service));
      managed.inFlux(service, i % 2 == 0);
      real.exists(service, "td:1");
    }
    ClusterBatchingEcs ecs =
        new ClusterBatchingEcs(real, managed, clock, Duration.ofSeconds(1), Duration.ofSeconds(33));
    ecs.describeService(ref("bench-00000"));
    clock.advance(Duration.ofSeconds(2)); // the settled ones are fresh, those in flux are not
    ecs.describeService(ref("bench-00000"));
    var threads =
        (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();

    long before = threads.getCurrentThreadAllocatedBytes();
    for (int i = 0; i < 2_000; i++) {
      // What news of one service does: the next read of it fetches, with any other stale one.
      String service = String.format(Locale.ROOT, "bench-%05d", 2 * i + 1);
      ecs.changed(REGION, CLUSTER, service);
      assertThat(ecs.describeService(ref(service))).isPresent();
    }
    long bytes = threads.getCurrentThreadAllocatedBytes() - before;

    assertThat(real.calls).hasSize(2 + 2_000);
    assertThat(real.calls.get(2 + 1_999)).containsExactly("bench-03999");
    assertThat(bytes / 1_000_000).as("MB allocated by 2,000 fetches").isLessThan(100);
  }

  @Test
  void aSnapshotAnswersWhileFreshAndAWriteOrItsAgeMakesTheNextReadAskAgain() {
    manage25();
    ClusterBatchingEcs ecs = new ClusterBatchingEcs(real, managed, clock, Duration.ofSeconds(1));

    assertThat(ecs.describeService(ref("svc-03")).orElseThrow().taskDefinitionArn())
        .isEqualTo("td:1");
    assertThat(ecs.describeService(ref("svc-07"))).isPresent();
    clock.advance(Duration.ofMillis(999));
    assertThat(ecs.describeServices(REGION, CLUSTER, List.of("svc-01", "svc-02"))).hasSize(2);
    assertThat(real.calls).hasSize(1);

    ecs.updateService(ref("svc-03"), "td:2", 1);
    assertThat(ecs.describeService(ref("svc-03")).orElseThrow().taskDefinitionArn())
        .as("a pass reads its own write")
        .isEqualTo("td:2");
    assertThat(ecs.describeService(ref("svc-04"))).isPresent();
    assertThat(real.calls).hasSize(2);
    assertThat(real.calls.get(1))
        .as("only the written service is asked again")
        .containsExactly("svc-03");

    clock.advance(Duration.ofMillis(1));
    ecs.describeService(ref("svc-03"));
    assertThat(real.calls).as("each service is as old as the fetch that saw it").hasSize(2);
    ecs.describeService(ref("svc-04"));
    assertThat(real.calls).hasSize(3);
    assertThat(real.calls.get(0)).hasSize(25);
    assertThat(real.calls.get(2))
        .as("every stale service of the cluster, not the fresh one")
        .hasSize(24)
        .doesNotContain("svc-03");
  }

  @Test
  void tagsWrittenShowInWhatWasSeenWithoutAskingAgain() {
    manage25();
    ClusterBatchingEcs ecs = new ClusterBatchingEcs(real, managed, clock, Duration.ofSeconds(1));
    Ecs.ServiceState before = ecs.describeService(ref("svc-03")).orElseThrow();
    assertThat(before.tags()).isEmpty();

    ecs.tagService(REGION, before.arn(), Map.of("snailtrail.dev/rollout", "r3"));

    assertThat(ecs.describeService(ref("svc-03")).orElseThrow().tags())
        .containsExactly(Map.entry("snailtrail.dev/rollout", "r3"));
    assertThat(ecs.describeService(ref("svc-04")).orElseThrow().tags()).isEmpty();
    assertThat(real.calls).hasSize(1);
  }

  @Test
  void aSettledServiceIsReadFromAnOlderSnapshotThanOneInFluxAndNewsForgetsIt() {
    manage25();
    managed.inFlux("rollout-1", true); // svc-01's rollout waits for its deployment
    ClusterBatchingEcs ecs =
        new ClusterBatchingEcs(real, managed, clock, Duration.ofSeconds(1), Duration.ofSeconds(27));
    ecs.describeService(ref("svc-02"));
    assertThat(real.calls).hasSize(1);

    clock.advance(Duration.ofSeconds(5));
    assertThat(ecs.describeServices(REGION, CLUSTER, List.of("svc-02", "svc-03"))).hasSize(2);
    assertThat(real.calls).as("settled services answer for 27 s").hasSize(1);
    ecs.describeService(ref("svc-01"));
    assertThat(real.calls).as("one in flux is read again after 1 s").hasSize(2);
    assertThat(real.calls.get(1)).containsExactly("svc-01");

    real.exists("svc-02", "td:9"); // someone else changed it; ECS says so
    ecs.changed(REGION, null, "svc-02");
    assertThat(ecs.describeService(ref("svc-02")).orElseThrow().taskDefinitionArn())
        .isEqualTo("td:9");
    assertThat(real.calls.get(2)).containsExactly("svc-02");

    clock.advance(Duration.ofSeconds(22));
    ecs.describeService(ref("svc-03"));
    assertThat(real.calls).as("at 27 s, one fetch of every stale service").hasSize(4);
    assertThat(real.calls.get(3)).hasSize(24).contains("svc-01").doesNotContain("svc-02");
  }

  @Test
  void aFailedFetchReachesEveryWaiterAsTheSameExceptionAndIsNotKept() throws Exception {
    manage25();
    ClusterBatchingEcs ecs = new ClusterBatchingEcs(real, managed, clock, Duration.ofSeconds(1));
    ProviderException throttled =
        new ProviderException(
            ProviderException.Kind.THROTTLED, "ecs", "DescribeServices", "slow down");
    real.failWith(throttled);
    real.holdFetches();

    Map<String, Throwable> thrown = new ConcurrentHashMap<>();
    List<Thread> readers = new ArrayList<>();
    for (int i = 0; i < 25; i++) {
      String service = name(i);
      readers.add(
          reader(
              () -> thrown.put(service, catchThrowable(() -> ecs.describeService(ref(service))))));
    }
    awaitAllWaiting(readers);
    real.releaseFetches();
    joinAll(readers);

    assertThat(real.calls).hasSize(1);
    assertThat(thrown).hasSize(25);
    assertThat(thrown.values()).allSatisfy(t -> assertThat(t).isSameAs(throttled));

    real.failWith(null);
    assertThat(ecs.describeService(ref("svc-00"))).isPresent();
    assertThat(real.calls).hasSize(2);
  }

  @Test
  void servicesNoRolloutManagesGoStraightThrough() {
    manage25();
    real.exists("stranger", "td:9");
    ClusterBatchingEcs ecs = new ClusterBatchingEcs(real, managed, clock, Duration.ofSeconds(1));

    assertThat(ecs.describeService(ref("stranger")).orElseThrow().taskDefinitionArn())
        .isEqualTo("td:9");
    assertThat(ecs.describeService(ref("stranger"))).isPresent();
    assertThat(ecs.describeService(ref("nobody"))).isEmpty();
    assertThat(real.calls)
        .containsExactly(List.of("stranger"), List.of("stranger"), List.of("nobody"));

    Map<String, Ecs.ServiceState> mixed =
        ecs.describeServices(REGION, CLUSTER, List.of("svc-00", "stranger", "nobody", "svc-24"));
    assertThat(mixed).containsOnlyKeys("svc-00", "stranger", "svc-24");
    assertThat(real.calls).hasSize(5);
    assertThat(real.calls.get(3)).hasSize(25);
    assertThat(real.calls.get(4)).containsExactly("stranger", "nobody");
  }

  @Test
  void aRolloutAddedToTheClusterIsFetchedAtOnceAndADeletedOneIsNoLongerAskedFor() {
    manage25();
    ClusterBatchingEcs ecs = new ClusterBatchingEcs(real, managed, clock, Duration.ofSeconds(1));
    ecs.describeService(ref("svc-00"));

    managed.manage("late", ref("late-svc"));
    real.exists("late-svc", "td:1");
    assertThat(ecs.describeService(ref("late-svc"))).isPresent();
    managed.forget("rollout-0");
    clock.advance(Duration.ofSeconds(2));
    ecs.describeService(ref("svc-01"));

    assertThat(real.calls).hasSize(3);
    assertThat(real.calls.get(1)).as("only the new one is asked for").containsExactly("late-svc");
    assertThat(real.calls.get(2)).hasSize(25).contains("late-svc").doesNotContain("svc-00");
  }

  @Test
  void whatAFetchSawOfAServiceWrittenWhileItWasInFlightIsNotKept() throws Exception {
    manage25();
    ClusterBatchingEcs ecs = new ClusterBatchingEcs(real, managed, clock, Duration.ofSeconds(1));
    real.holdFetches();
    Thread reader = reader(() -> ecs.describeService(ref("svc-10")));
    awaitAllWaiting(List.of(reader));

    ecs.updateService(ref("svc-03"), "td:2", 1);
    real.releaseFetches();
    joinAll(List.of(reader));

    assertThat(ecs.describeService(ref("svc-03")).orElseThrow().taskDefinitionArn())
        .isEqualTo("td:2");
    assertThat(ecs.describeService(ref("svc-04"))).isPresent();
    assertThat(real.calls).hasSize(2);
    assertThat(real.calls.get(1)).containsExactly("svc-03");
  }

  /** How long a test waits for its reader threads to park or to finish. */
  static final Duration WAIT_LIMIT = Duration.ofSeconds(30);

  /** A reader thread; a daemon, so one left stuck by a failed test cannot keep the JVM alive. */
  static Thread reader(Runnable read) {
    return Thread.ofPlatform().daemon().start(read);
  }

  /**
   * Waits until every reader is parked, at most {@link #WAIT_LIMIT}. A reader that ended instead
   * (it threw, or it did not wait for the held fetch) fails the test at once.
   */
  static void awaitAllWaiting(List<Thread> readers) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT_LIMIT.toNanos();
    while (!readers.stream().allMatch(ClusterBatchingEcsTest::parked)) {
      assertThat(readers)
          .as("a reader ended before it waited for the held fetch")
          .noneMatch(t -> t.getState() == Thread.State.TERMINATED);
      assertThat(System.nanoTime())
          .as("readers parked within %s: %s", WAIT_LIMIT, states(readers))
          .isLessThan(deadline);
      Thread.sleep(1);
    }
  }

  /** Joins every reader, failing when one is still running after {@link #WAIT_LIMIT}. */
  static void joinAll(List<Thread> readers) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT_LIMIT.toNanos();
    for (Thread t : readers) {
      t.join(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
    }
    assertThat(readers)
        .as("readers finished within %s: %s", WAIT_LIMIT, states(readers))
        .noneMatch(Thread::isAlive);
  }

  /** Waiting for the held fetch (the fetcher itself waits with a time limit). */
  private static boolean parked(Thread t) {
    return t.getState() == Thread.State.WAITING || t.getState() == Thread.State.TIMED_WAITING;
  }

  private static List<Thread.State> states(List<Thread> readers) {
    return readers.stream().map(Thread::getState).toList();
  }

  /** An ECS whose services are a map; records the names of every describe and can hold them. */
  static final class CountingEcs implements Ecs {
    final List<List<String>> calls = Collections.synchronizedList(new ArrayList<>());
    final Map<String, String> services = new ConcurrentHashMap<>();
    volatile CountDownLatch hold = new CountDownLatch(0);
    volatile RuntimeException failure;

    void exists(String service, String taskDefinition) {
      services.put(service, taskDefinition);
    }

    void holdFetches() {
      hold = new CountDownLatch(1);
    }

    void releaseFetches() {
      hold.countDown();
    }

    void failWith(RuntimeException e) {
      failure = e;
    }

    @Override
    public Map<String, ServiceState> describeServices(
        String region, String cluster, List<String> names) {
      calls.add(List.copyOf(names));
      // The world as it is when asked, answered after the hold (like a slow request).
      Map<String, ServiceState> out = new LinkedHashMap<>();
      for (String n : names) {
        String td = services.get(n);
        if (td != null) {
          out.put(n, state(new ServiceRef(region, cluster, n), td));
        }
      }
      try {
        if (!hold.await(WAIT_LIMIT.toSeconds(), TimeUnit.SECONDS)) {
          throw new IllegalStateException("the test never released the held fetch");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
      if (failure != null) {
        throw failure;
      }
      return out;
    }

    static ServiceState state(ServiceRef ref, String td) {
      return new ServiceState(
          ref,
          "arn:" + ref,
          ServiceStatus.ACTIVE,
          td,
          1,
          1,
          0,
          LaunchType.FARGATE,
          null,
          List.of(),
          List.of(),
          List.of(),
          Map.of());
    }

    @Override
    public ServiceState updateService(
        ServiceRef ref, String taskDefinitionArn, Integer desiredCount) {
      services.put(ref.service(), taskDefinitionArn);
      return state(ref, taskDefinitionArn);
    }

    @Override
    public ServiceState createService(CreateServiceRequest request) {
      return updateService(request.ref(), request.taskDefinitionArn(), request.desiredCount());
    }

    @Override
    public Optional<ClusterState> describeCluster(String region, String cluster) {
      return Optional.empty();
    }

    @Override
    public TaskDefinition registerTaskDefinition(String region, TaskDefinitionSpec spec) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Optional<TaskDefinition> describeTaskDefinition(String region, String arn) {
      return Optional.empty();
    }

    @Override
    public Optional<TaskDefinition> findTaskDefinitionByHash(
        String region, String family, String contentHash) {
      return Optional.empty();
    }

    @Override
    public Map<String, String> serviceTags(String region, String serviceArn) {
      return Map.of();
    }

    @Override
    public void tagService(String region, String serviceArn, Map<String, String> tags) {}

    @Override
    public List<TaskState> listTasks(ServiceRef ref, boolean includeStopped) {
      return List.of();
    }
  }
}
