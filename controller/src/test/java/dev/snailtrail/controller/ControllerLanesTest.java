package dev.snailtrail.controller;

import static dev.snailtrail.controller.ControllerRolesTest.spec;
import static org.assertj.core.api.Assertions.assertThat;

import dev.snailtrail.controller.ControllerChangesTest.QueueFeed;
import dev.snailtrail.gate.GateEvaluator;
import dev.snailtrail.provider.Change;
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
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Lanes come and go with the rollouts that act as their identity, in a controller on three
 * simulated accounts (its own, role A's, role B's) whose resolver counts the ports it built and
 * those given back: the last rollout of a role deleted (or moved to another role) gives the role's
 * ports back, and nothing goes through them after; a rollout of the role applied again acts through
 * ports built anew and reaches Healthy; a pass under way keeps its lane while the lane's last other
 * rollout is deleted; news of a change reaches the lane in use.
 */
class ControllerLanesTest {
  static final String A = LanesTest.A;
  static final String B = LanesTest.B;
  static final String OWN = CountingResolver.OWN;

  @TempDir Path dir;

  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-23T10:00:00Z"));
  private final ManualScheduler scheduler = new ManualScheduler(clock);
  private final ByteArrayOutputStream log = new ByteArrayOutputStream();
  private final QueueFeed feed = new QueueFeed();
  private Map<String, Simulator> accounts;
  private CountingResolver resolver;
  private FileStore store;
  private Controller controller;

  @BeforeEach
  void start() {
    accounts = Map.of(OWN, new Simulator(clock), A, new Simulator(clock), B, new Simulator(clock));
    resolver = new CountingResolver(accounts);
    store = new FileStore(dir.resolve("store"), clock);
    Set<String> seeded = ConcurrentHashMap.newKeySet();
    controller =
        Controller.builder(store, resolver, GateEvaluator.withDefaults(), clock)
            .scheduler(scheduler)
            .workers(2)
            .changes(feed)
            .hooks(
                new Controller.Hooks() {
                  @Override
                  public void prepare(Rollout r) {
                    String role = CountingResolver.roleOf(r);
                    if (seeded.add(role + "/" + r.name())) {
                      accounts.get(role).seed(r, Seed.existingService("1.26"));
                    }
                  }
                })
            .log(new PrintStream(log, true, StandardCharsets.UTF_8))
            .build();
    controller.start();
  }

  @AfterEach
  void stop() {
    controller.close();
    accounts.values().forEach(Simulator::close);
  }

  @Test
  void theLastRolloutOfARoleDeletedGivesItsPortsBackAndTheRoleAppliedAgainWorksOnNewOnes()
      throws Exception {
    apply("mine", null);
    apply("a-1", A);
    apply("a-2", A);
    runUntilHealthy("mine", "a-1", "a-2");
    assertThat(resolver.liveRoles()).containsExactly(A, OWN);
    CountingResolver.Built first = resolver.last(A);

    assertThat(controller.controlPlane().delete("a-1")).isTrue();
    assertThat(resolver.released).as("a-2 still acts as A").isEmpty();
    assertThat(controller.controlPlane().delete("a-2")).isTrue();

    assertThat(resolver.released).containsExactly(first);
    assertThat(resolver.liveRoles()).containsExactly(OWN);
    assertThat(controller.access().lanes.size()).isEqualTo(1);

    apply("a-1", A);
    runUntilHealthy("mine", "a-1");

    CountingResolver.Built again = resolver.last(A);
    assertThat(again).isNotSameAs(first);
    assertThat(resolver.builtFor(A)).isEqualTo(2);
    assertThat(again.callsAbout("describeServices", "a-1"))
        .as("the applied-again rollout reads through the new ports")
        .isPositive();
    assertThat(resolver.callsAfterRelease()).as("nothing used the released ports").isZero();
    assertThat(controller.failedPasses()).as(log()).isZero();
    assertThat(resolver.unexpected).isEmpty();
  }

  @Test
  void newsOfAChangeReachesTheLaneBuiltAnew() throws Exception {
    apply("a-1", A);
    runUntilHealthy("a-1");
    controller.controlPlane().delete("a-1");
    apply("a-1", A);
    runUntilHealthy("a-1");
    settle();
    CountingResolver.Built lane = resolver.last(A);
    long describedBefore = lane.callsAbout("describeServices", "a-1");
    long passesBefore = controller.passes();

    // The clock stands still: only the news makes the settled rollout look, and read afresh.
    feed.put(new Change.ServiceChanged("eu-west-1", "default", "a-1", "STOPPED"));
    awaitReally(
        () ->
            controller.passes() > passesBefore
                && lane.callsAbout("describeServices", "a-1") > describedBefore);

    assertThat(controller.passes()).as(log()).isGreaterThan(passesBefore);
    assertThat(lane.callsAbout("describeServices", "a-1"))
        .as("the lane in use forgot what it saw of the service")
        .isGreaterThan(describedBefore);
    assertThat(resolver.callsAfterRelease()).isZero();
  }

  @Test
  void aRolloutMovedToAnotherRoleLeavesItsFirstRolesLaneWhenItWasTheLast() throws Exception {
    apply("x", A);
    runUntilHealthy("x");
    CountingResolver.Built asA = resolver.last(A);

    // A new image, in B's account, where the service runs 1.26 too.
    String moved = spec("x", B).replace("nginx:1.27", "nginx:1.28");
    accounts
        .get(B)
        .seed(
            new SpecLoader().parseSelfContained(moved, "x.yaml").get(0),
            Seed.existingService("1.26"));
    controller.controlPlane().apply("x.yaml", moved);
    runUntil(() -> generationHealthy("x", 2));

    assertThat(resolver.released).containsExactly(asA);
    assertThat(resolver.liveRoles()).containsExactly(B);
    assertThat(resolver.last(B).callsAbout("updateService", "x"))
        .as(
            "x deploys in B's account now: %s; trail %s",
            resolver.last(B).calls, controller.controlPlane().trail("x", 0, 0))
        .isPositive();
    assertThat(resolver.callsAfterRelease()).isZero();
    assertThat(controller.failedPasses()).as(log()).isZero();
  }

  @Test
  void aPassUnderWayKeepsItsLaneWhileTheLanesLastOtherRolloutIsDeleted() throws Exception {
    apply("x", A);
    apply("y", A);
    AtomicInteger releasedDuringPass = new AtomicInteger(-1);
    resolver.onCall =
        (role, call) -> {
          // x's pass is about to update its service: y goes meanwhile, on another thread.
          if (call.equals("updateService x") && releasedDuringPass.get() < 0) {
            Thread delete = Thread.ofVirtual().start(() -> controller.controlPlane().delete("y"));
            try {
              delete.join(Duration.ofSeconds(30));
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
            releasedDuringPass.set(resolver.released.size());
          }
        };
    runUntilHealthy("x");

    assertThat(releasedDuringPass.get()).as("y was deleted during x's update").isZero();
    assertThat(controller.controlPlane().get("y")).isEmpty();
    assertThat(resolver.callsAfterRelease()).isZero();
    assertThat(controller.failedPasses()).as(log()).isZero();

    controller.controlPlane().delete("x");
    assertThat(resolver.released).extracting(b -> b.role).containsExactly(A);
  }

  @Test
  void aRolloutDeletedBehindTheControllersBackIsForgottenAtTheResync() throws Exception {
    apply("a-1", A);
    runUntilHealthy("a-1");
    settle();

    store.delete("a-1"); // another replica's delete, or a person's
    assertThat(controller.queue().dueWithin("a-1", Duration.ofSeconds(31)))
        .as("no pass of a-1 comes before the resync to find it gone")
        .isFalse();
    clock.set(clock.instant().plus(Duration.ofSeconds(31)));
    scheduler.runDue();
    settle();

    assertThat(resolver.released).extracting(b -> b.role).containsExactly(A);
    assertThat(controller.access().lanes.managed()).isEmpty();
  }

  @Test
  void closingTheControllerGivesEveryPortBack() throws Exception {
    apply("mine", null);
    apply("a-1", A);
    apply("b-1", B);
    runUntilHealthy("mine", "a-1", "b-1");

    controller.close();

    assertThat(resolver.liveRoles()).isEmpty();
    assertThat(resolver.released).hasSameSizeAs(resolver.built).hasSize(3);
  }

  private void apply(String name, String role) throws Exception {
    controller.controlPlane().apply(name + ".yaml", spec(name, role));
  }

  private boolean generationHealthy(String name, long generation) {
    return controller
        .controlPlane()
        .get(name)
        .map(
            v ->
                v.generation() == generation
                    && v.status().observedGeneration() == generation
                    && v.status().phase() == StatusPhase.Healthy)
        .orElse(false);
  }

  private void runUntilHealthy(String... names) throws InterruptedException {
    runUntil(
        () ->
            List.of(names).stream()
                .allMatch(
                    n ->
                        controller
                            .controlPlane()
                            .get(n)
                            .map(v -> v.status().phase() == StatusPhase.Healthy)
                            .orElse(false)));
    assertThat(controller.controlPlane().list())
        .as(log())
        .filteredOn(v -> List.of(names).contains(v.name()))
        .hasSize(names.length)
        .allSatisfy(v -> assertThat(v.status().phase()).isEqualTo(StatusPhase.Healthy));
  }

  /** Steps the manual clock to each next timer until {@code done}, at most an hour of it. */
  private void runUntil(BooleanSupplier done) throws InterruptedException {
    Instant limit = clock.instant().plus(Duration.ofHours(1));
    while (clock.instant().isBefore(limit)) {
      settle();
      if (done.getAsBoolean()) {
        return;
      }
      var next = scheduler.nextDue();
      if (next.isEmpty()) {
        return;
      }
      if (next.get().isAfter(clock.instant())) {
        clock.set(next.get());
      }
      scheduler.runDue();
    }
  }

  private void settle() throws InterruptedException {
    assertThat(controller.queue().awaitIdle(Duration.ofMinutes(1))).as("passes finish").isTrue();
  }

  /** Waits in real time (bounded) for what a worker or the event thread does by itself. */
  private void awaitReally(BooleanSupplier done) throws InterruptedException {
    long until = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (!done.getAsBoolean() && System.nanoTime() < until) {
      Thread.sleep(10);
    }
    settle();
  }

  private String log() {
    return "log: " + log.toString(StandardCharsets.UTF_8);
  }
}
