package dev.snailtrail.controller;

import static org.assertj.core.api.Assertions.assertThat;

import dev.snailtrail.gate.GateEvaluator;
import dev.snailtrail.provider.Ecs;
import dev.snailtrail.provider.Providers;
import dev.snailtrail.provider.ProvidersResolver;
import dev.snailtrail.provider.ServiceRef;
import dev.snailtrail.provider.decorate.ForwardingEcs;
import dev.snailtrail.rollout.StatusPhase;
import dev.snailtrail.sim.Seed;
import dev.snailtrail.sim.Simulator;
import dev.snailtrail.spec.Rollout;
import dev.snailtrail.spec.load.SpecLoader;
import dev.snailtrail.store.FileStore;
import dev.snailtrail.time.MutableClock;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rollouts that act as different identities in one controller, on two simulated accounts: each
 * rollout's calls reach only the account its resolver names, and batched describes ask an account
 * (and task listings) only for the services of rollouts acting in it, while rollouts that act alike
 * still share them.
 */
class ControllerRolesTest {
  static final String ROLE = "arn:aws:iam::111111111111:role/deployer";

  @TempDir Path dir;

  /** Each describe's names and each written service of one account's ECS. */
  static final class Recorded extends ForwardingEcs {
    final List<Set<String>> describes = new CopyOnWriteArrayList<>();
    final Set<String> written = java.util.concurrent.ConcurrentHashMap.newKeySet();
    final List<Set<String>> listings = new CopyOnWriteArrayList<>();

    Recorded(Ecs real) {
      super(real);
    }

    @Override
    public Map<String, ServiceState> describeServices(
        String region, String cluster, List<String> services) {
      describes.add(new TreeSet<>(services));
      return real.describeServices(region, cluster, services);
    }

    @Override
    public List<TaskState> listTasks(ServiceRef ref, boolean includeStopped) {
      listings.add(Set.of(ref.service()));
      return real.listTasks(ref, includeStopped);
    }

    @Override
    public Map<String, List<TaskState>> listTasks(
        String region, String cluster, Set<String> services, boolean includeStopped) {
      listings.add(new TreeSet<>(services));
      return real.listTasks(region, cluster, services, includeStopped);
    }

    @Override
    public ServiceState updateService(ServiceRef ref, String taskDefinitionArn, Integer count) {
      written.add(ref.service());
      return real.updateService(ref, taskDefinitionArn, count);
    }

    @Override
    public ServiceState createService(CreateServiceRequest request) {
      written.add(request.ref().service());
      return real.createService(request);
    }

    Set<String> describedNames() {
      Set<String> all = new TreeSet<>();
      describes.forEach(all::addAll);
      return all;
    }
  }

  /** A rollout of the minimal example on its own service, acting as {@code role} if not null. */
  static String spec(String name, String role) throws Exception {
    String minimal =
        Files.readString(
            Path.of(System.getProperty("snailtrail.root"), "spec-examples", "minimal.yaml"));
    String target =
        "    service: " + name + "\n" + (role == null ? "" : "    roleArn: " + role + "\n");
    return minimal
        .replace("name: hello-web", "name: " + name)
        .replace("    service: hello-web          # the service must already exist", target + "#")
        .replace("family: hello-web", "family: " + name);
  }

  @Test
  void eachRolloutActsInItsOwnAccountAndBatchesNeverMixThem() throws Exception {
    MutableClock clock = new MutableClock(Instant.parse("2026-11-23T10:00:00Z"));
    ManualScheduler scheduler = new ManualScheduler(clock);
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    try (Simulator own = new Simulator(clock);
        Simulator other = new Simulator(clock)) {
      Recorded ownEcs = new Recorded(own.providers().ecs());
      Recorded otherEcs = new Recorded(other.providers().ecs());
      Providers ownPorts = own.providers().withEcs(ownEcs);
      Providers otherPorts = other.providers().withEcs(otherEcs);
      ProvidersResolver resolver = r -> r.spec().target().roleArn() == null ? ownPorts : otherPorts;
      Controller controller =
          Controller.builder(
                  new FileStore(dir, clock), resolver, GateEvaluator.withDefaults(), clock)
              .scheduler(scheduler)
              .workers(2)
              .hooks(
                  new Controller.Hooks() {
                    @Override
                    public void prepare(Rollout r) {
                      Simulator account = r.spec().target().roleArn() == null ? own : other;
                      account.seed(r, Seed.existingService("1.26"));
                    }
                  })
              .log(new PrintStream(log, true, StandardCharsets.UTF_8))
              .build();
      try {
        controller.start();
        controller.controlPlane().apply("mine.yaml", spec("mine", null));
        controller.controlPlane().apply("theirs-1.yaml", spec("theirs-1", ROLE));
        controller.controlPlane().apply("theirs-2.yaml", spec("theirs-2", ROLE));
        runUntilHealthy(controller, clock, scheduler, 3);

        assertThat(controller.controlPlane().list())
            .as("log: %s", log)
            .allSatisfy(v -> assertThat(v.status().phase()).isEqualTo(StatusPhase.Healthy));
        assertThat(ownEcs.written).containsExactly("mine");
        assertThat(otherEcs.written).containsExactlyInAnyOrder("theirs-1", "theirs-2");
        assertThat(ownEcs.describedNames()).containsExactly("mine");
        assertThat(otherEcs.describedNames()).containsExactlyInAnyOrder("theirs-1", "theirs-2");
        assertThat(otherEcs.describes)
            .as("the role's two rollouts share describes")
            .anySatisfy(names -> assertThat(names).hasSize(2));
        assertThat(ownEcs.listings).allSatisfy(names -> assertThat(names).containsExactly("mine"));
        assertThat(otherEcs.listings)
            .allSatisfy(names -> assertThat(names).isSubsetOf("theirs-1", "theirs-2"))
            .as("the role's two rollouts share task listings")
            .anySatisfy(names -> assertThat(names).hasSize(2));
      } finally {
        controller.close();
      }
    }
  }

  @Test
  void aSimulatorControllerActsForEveryRolloutInItsOneWorld() throws Exception {
    MutableClock clock = new MutableClock(Instant.parse("2026-11-23T10:00:00Z"));
    try (Simulator sim = new Simulator(clock)) {
      Providers world = sim.providers();
      ProvidersResolver one = ProvidersResolver.always(world);
      assertThat(one.forRollout(rollout("a", ROLE))).isSameAs(world);
      assertThat(one.forRollout(rollout("b", null))).isSameAs(world);
    }
  }

  @Test
  void aRolloutThatNowNamesARoleIsReadWithThatRolesServicesOnly() throws Exception {
    MutableClock clock = new MutableClock(Instant.parse("2026-11-23T10:00:00Z"));
    try (Simulator own = new Simulator(clock);
        Simulator other = new Simulator(clock)) {
      ProvidersResolver resolver =
          r -> r.spec().target().roleArn() == null ? own.providers() : other.providers();
      Lanes lanes =
          new Lanes(
              resolver,
              (base, guard) ->
                  new Lanes.Lane(
                      base,
                      null,
                      new dev.snailtrail.provider.decorate.ManagedServices(),
                      new dev.snailtrail.provider.decorate.ManagedAlarms(),
                      null,
                      null,
                      null),
              () -> {},
              System.err);
      Lanes.Lane before = lanes.manage(rollout("api", null));
      Lanes.Lane after = lanes.manage(rollout("api", ROLE));

      assertThat(after).isNotSameAs(before);
      assertThat(after.ports()).isEqualTo(other.providers());
      assertThat(before.services().in("eu-west-1", "default")).isEmpty();
      assertThat(after.services().in("eu-west-1", "default")).containsExactly("api");
      assertThat(lanes.manage(rollout("api", ROLE)))
          .as("the same lane though the resolver made new ports")
          .isSameAs(after);
      lanes.forget("api");
      assertThat(after.services().in("eu-west-1", "default")).isEmpty();
    }
  }

  static Rollout rollout(String name, String role) throws Exception {
    return new SpecLoader().parseSelfContained(spec(name, role), name + ".yaml").get(0);
  }

  private static void runUntilHealthy(
      Controller c, MutableClock clock, ManualScheduler scheduler, int rollouts)
      throws InterruptedException {
    Instant limit = clock.instant().plus(Duration.ofHours(1));
    while (!allHealthy(c, rollouts) && clock.instant().isBefore(limit)) {
      settle(c);
      var next = scheduler.nextDue();
      if (next.isEmpty()) {
        break;
      }
      if (next.get().isAfter(clock.instant())) {
        clock.set(next.get());
      }
      scheduler.runDue();
      settle(c);
    }
  }

  private static boolean allHealthy(Controller c, int rollouts) {
    var list = c.controlPlane().list();
    return list.size() == rollouts
        && list.stream().allMatch(v -> v.status().phase() == StatusPhase.Healthy);
  }

  private static void settle(Controller c) throws InterruptedException {
    assertThat(c.queue().awaitIdle(Duration.ofMinutes(1))).as("passes finish").isTrue();
  }
}
