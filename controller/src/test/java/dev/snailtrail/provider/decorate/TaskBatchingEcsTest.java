package dev.snailtrail.provider.decorate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.snailtrail.provider.Ecs.TaskState;
import dev.snailtrail.provider.HealthStatus;
import dev.snailtrail.provider.LaunchType;
import dev.snailtrail.provider.ProviderException;
import dev.snailtrail.provider.ServiceRef;
import dev.snailtrail.provider.TaskStatus;
import dev.snailtrail.provider.TaskStopCode;
import dev.snailtrail.time.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class TaskBatchingEcsTest {
  static final String REGION = "eu-west-1";
  static final String CLUSTER = "default";
  static final Duration FRESH = Duration.ofSeconds(1);
  static final Duration SETTLED = Duration.ofSeconds(33);

  final MutableClock clock = new MutableClock(Instant.parse("2026-12-02T10:00:00Z"));
  final TaskWorld real = new TaskWorld();
  final ManagedServices managed = new ManagedServices();
  final TaskBatchingEcs ecs = new TaskBatchingEcs(real, managed, clock, FRESH, SETTLED);

  static ServiceRef ref(String service) {
    return new ServiceRef(REGION, CLUSTER, service);
  }

  static String name(int i) {
    return String.format(Locale.ROOT, "svc-%03d", i);
  }

  /** {@code n} managed services, each running {@code tasks} tasks on td:1. */
  void manage(int n, int tasks) {
    for (int i = 0; i < n; i++) {
      managed.manage("rollout-" + i, ref(name(i)));
      for (int t = 0; t < tasks; t++) {
        real.run(name(i), "td:1");
      }
    }
  }

  @Test
  void manyRolloutsOnOneClusterShareOneListingOfTheClusterPerWindow() {
    manage(250, 2);

    for (int i = 0; i < 250; i++) {
      assertThat(ecs.listTasks(ref(name(i)), true)).hasSize(2);
    }
    clock.advance(SETTLED.minusSeconds(1));
    for (int i = 0; i < 250; i++) {
      ecs.listTasks(ref(name(i)), true);
    }

    assertThat(real.clusterListings).hasSize(1);
    assertThat(real.serviceListings).isZero();
    // 500 running tasks: 5 pages of ListTasks RUNNING, 1 of STOPPED, 5 DescribeTasks of 100,
    // where a listing per service would have cost 250 × (2 ListTasks + 1 DescribeTasks).
    assertThat(real.requests()).isEqualTo(11);

    clock.advance(Duration.ofSeconds(1));
    ecs.listTasks(ref(name(7)), true);
    assertThat(real.clusterListings).as("a settled listing is kept a resync").hasSize(2);
  }

  @Test
  void aServiceInFluxIsListedAgainAfterTheShortFreshnessAndSoIsOneListedWhileInFlux() {
    manage(3, 1);
    managed.inFlux("rollout-0", true);

    ecs.listTasks(ref(name(0)), false);
    clock.advance(FRESH);
    ecs.listTasks(ref(name(1)), false);
    assertThat(real.clusterListings).as("svc-001 is settled: the listing still answers").hasSize(1);
    ecs.listTasks(ref(name(0)), false);
    assertThat(real.clusterListings).as("svc-000 is in flux").hasSize(2);

    managed.inFlux("rollout-0", false);
    clock.advance(FRESH);
    real.run(name(0), "td:2");
    assertThat(ecs.listTasks(ref(name(0)), false))
        .as("just settled: what its deployment showed is not served for a resync")
        .extracting(TaskState::taskDefinitionArn)
        .contains("td:2");
    assertThat(real.clusterListings).hasSize(3);
  }

  @Test
  void newsOfAChangeForgetsTheServiceSoAStoppedTaskIsSeenAtOnce() {
    manage(2, 1);
    assertThat(stopped(ecs.listTasks(ref(name(0)), true))).isEmpty();

    String task = real.tasks.get(name(0)).get(0).taskArn();
    real.stop(name(0), task);
    assertThat(stopped(ecs.listTasks(ref(name(0)), true)))
        .as("before the news, the settled listing answers")
        .isEmpty();
    ecs.changed(REGION, "arn:aws:ecs:eu-west-1:123456789012:cluster/" + CLUSTER, name(0));

    assertThat(stopped(ecs.listTasks(ref(name(0)), true))).containsExactly(task);
    assertThat(real.clusterListings).hasSize(2);
    ecs.listTasks(ref(name(1)), true);
    assertThat(real.clusterListings).as("the other service's tasks are still fresh").hasSize(2);
  }

  @Test
  void aWriteForgetsTheWrittenServiceInBothListings() {
    manage(1, 1);
    ecs.listTasks(ref(name(0)), true);
    ecs.listTasks(ref(name(0)), false);

    ecs.updateService(ref(name(0)), "td:2", 1);
    real.run(name(0), "td:2");

    assertThat(ecs.listTasks(ref(name(0)), true)).hasSize(2);
    assertThat(ecs.listTasks(ref(name(0)), false)).hasSize(2);
    assertThat(real.clusterListings).hasSize(4);
  }

  @Test
  void aListingInFlightDuringAWriteDoesNotAnswerForTheWrittenService() {
    manage(2, 1);
    // The write lands while the listing is out: what it saw of svc-000 is from before the write.
    real.duringListing =
        () -> {
          real.duringListing = () -> {};
          ecs.updateService(ref(name(0)), "td:2", 1);
          real.run(name(0), "td:2");
        };
    assertThat(ecs.listTasks(ref(name(1)), true)).hasSize(1);

    assertThat(ecs.listTasks(ref(name(0)), true)).hasSize(2);
    assertThat(real.clusterListings).hasSize(2);
    ecs.listTasks(ref(name(1)), true);
    assertThat(real.clusterListings).as("svc-001 was kept from the first listing").hasSize(2);
  }

  @Test
  void listingsWithAndWithoutStoppedTasksAreKeptApart() {
    manage(1, 1);
    String task = real.tasks.get(name(0)).get(0).taskArn();
    real.stop(name(0), task);

    assertThat(ecs.listTasks(ref(name(0)), false)).isEmpty();
    assertThat(ecs.listTasks(ref(name(0)), true)).hasSize(1);
    assertThat(real.clusterListings)
        .extracting(Listing::includeStopped)
        .containsExactly(false, true);
  }

  @Test
  void unmanagedServicesGoStraightThroughAndAFailedListingIsNotKept() {
    manage(1, 1);
    real.run("other", "td:9");
    assertThat(ecs.listTasks(ref("other"), true)).hasSize(1);
    assertThat(real.serviceListings).isEqualTo(1);
    assertThat(real.clusterListings).isEmpty();

    real.failure =
        new ProviderException(ProviderException.Kind.THROTTLED, "ecs", "ListTasks", "slow down");
    assertThat(catchThrowable(() -> ecs.listTasks(ref(name(0)), true))).isSameAs(real.failure);
    real.failure = null;
    assertThat(ecs.listTasks(ref(name(0)), true)).hasSize(1);
    assertThat(real.clusterListings).hasSize(2);
  }

  private static List<String> stopped(List<TaskState> tasks) {
    return tasks.stream()
        .filter(t -> t.lastStatus() == TaskStatus.STOPPED)
        .map(TaskState::taskArn)
        .toList();
  }

  record Listing(Set<String> services, boolean includeStopped) {}

  /** Tasks by service, and the listings asked for, costed as the AWS port sends them. */
  static final class TaskWorld extends ForwardingEcs {
    final Map<String, List<TaskState>> tasks = new TreeMap<>();
    final List<Listing> clusterListings = new ArrayList<>();
    int serviceListings;
    long listPages;
    long describes;
    RuntimeException failure;
    Runnable duringListing = () -> {};
    private int next;

    TaskWorld() {
      super(new ClusterBatchingEcsTest.CountingEcs());
    }

    void run(String service, String taskDefinition) {
      String arn = "arn:task/" + (++next);
      tasks
          .computeIfAbsent(service, s -> new ArrayList<>())
          .add(task(arn, taskDefinition, TaskStatus.RUNNING, null));
    }

    void stop(String service, String arn) {
      tasks
          .get(service)
          .replaceAll(
              t ->
                  t.taskArn().equals(arn)
                      ? task(arn, t.taskDefinitionArn(), TaskStatus.STOPPED, Instant.EPOCH)
                      : t);
    }

    static TaskState task(String arn, String td, TaskStatus status, Instant stoppedAt) {
      return new TaskState(
          arn,
          td,
          status,
          status,
          HealthStatus.UNKNOWN,
          stoppedAt == null ? null : TaskStopCode.ESSENTIAL_CONTAINER_EXITED,
          null,
          LaunchType.FARGATE,
          List.of(),
          null,
          null,
          Instant.EPOCH,
          stoppedAt);
    }

    long requests() {
      return listPages + describes;
    }

    private List<TaskState> of(String service, boolean includeStopped) {
      return tasks.getOrDefault(service, List.of()).stream()
          .filter(t -> includeStopped || t.lastStatus() != TaskStatus.STOPPED)
          .toList();
    }

    @Override
    public List<TaskState> listTasks(ServiceRef ref, boolean includeStopped) {
      serviceListings++;
      return of(ref.service(), includeStopped);
    }

    @Override
    public Map<String, List<TaskState>> listTasks(
        String region, String cluster, Set<String> services, boolean includeStopped) {
      clusterListings.add(new Listing(Set.copyOf(services), includeStopped));
      if (failure != null) {
        throw failure;
      }
      Map<String, List<TaskState>> out = new TreeMap<>();
      services.forEach(s -> out.put(s, of(s, includeStopped)));
      duringListing.run(); // answered as the world was when asked
      long all = tasks.values().stream().mapToLong(List::size).sum();
      long stopped = all - tasks.keySet().stream().mapToLong(s -> of(s, false).size()).sum();
      listPages += Math.max(1, (all - stopped + 99) / 100);
      listPages += includeStopped ? Math.max(1, (stopped + 99) / 100) : 0;
      describes += (all + 99) / 100;
      return out;
    }
  }
}
