package dev.snailtrail.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.snailtrail.controller.ControlPlane.RolloutView;
import dev.snailtrail.controller.ControlPlane.Verb;
import dev.snailtrail.gate.GateEvaluator;
import dev.snailtrail.metrics.Metrics;
import dev.snailtrail.provider.Ecs;
import dev.snailtrail.provider.Ecs.ServiceState;
import dev.snailtrail.provider.ProviderException;
import dev.snailtrail.provider.Providers;
import dev.snailtrail.provider.ServiceRef;
import dev.snailtrail.provider.decorate.ForwardingEcs;
import dev.snailtrail.rollout.Condition;
import dev.snailtrail.rollout.RolloutStatus;
import dev.snailtrail.rollout.StatusPhase;
import dev.snailtrail.rollout.Step;
import dev.snailtrail.rollout.VerbRefused;
import dev.snailtrail.sim.Seed;
import dev.snailtrail.sim.Simulator;
import dev.snailtrail.spec.Rollout;
import dev.snailtrail.spec.load.SpecException;
import dev.snailtrail.store.FileStore;
import dev.snailtrail.time.MutableClock;
import dev.snailtrail.trail.EventType;
import dev.snailtrail.trail.NoteKind;
import dev.snailtrail.trail.TrailEvent;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ControllerTest {
  static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");

  @TempDir Path dir;
  final MutableClock clock = new MutableClock(T0);
  final ManualScheduler scheduler = new ManualScheduler(clock);
  final Simulator sim = new Simulator(clock);
  final ByteArrayOutputStream log = new ByteArrayOutputStream();
  final AtomicBoolean ecsDown = new AtomicBoolean();
  final AtomicBoolean ecsBug = new AtomicBoolean();
  final AtomicInteger reconcileErrors = new AtomicInteger();
  Controller controller;
  FileStore store;

  /** Seeds the simulator once per rollout, as the controller command does. */
  final Controller.Hooks seeding =
      new Controller.Hooks() {
        final Set<String> seeded = ConcurrentHashMap.newKeySet();

        @Override
        public void prepare(Rollout r) {
          if (seeded.add(r.name())) {
            sim.seed(r, Seed.defaults());
          }
        }
      };

  static String example(String name) throws Exception {
    return Files.readString(Path.of(System.getProperty("snailtrail.root"), "spec-examples", name));
  }

  Controller start() {
    store = new FileStore(dir.resolve("store"), clock);
    controller =
        Controller.builder(
                store, flaky(buggy(sim.providers())), GateEvaluator.withDefaults(), clock)
            .scheduler(scheduler)
            .metrics(
                new Metrics() {
                  @Override
                  public void passFailed(String rollout, Throwable error, Duration took) {
                    reconcileErrors.incrementAndGet();
                  }
                })
            .workers(3)
            .resync(Duration.ofSeconds(30))
            .hooks(seeding)
            .log(new PrintStream(log, true, StandardCharsets.UTF_8))
            .build();
    controller.start();
    return controller;
  }

  /** The simulator's ports, with ECS answering errors while {@link #ecsDown} is set. */
  Providers flaky(Providers p) {
    Ecs ecs =
        (Ecs)
            Proxy.newProxyInstance(
                Ecs.class.getClassLoader(),
                new Class<?>[] {Ecs.class},
                (proxy, method, args) -> {
                  if (ecsDown.get()) {
                    throw new ProviderException(
                        ProviderException.Kind.UNAVAILABLE, "ecs", method.getName(), "down");
                  }
                  try {
                    return method.invoke(p.ecs(), args);
                  } catch (java.lang.reflect.InvocationTargetException e) {
                    throw e.getCause();
                  }
                });
    return p.withEcs(ecs);
  }

  /** The simulator's ports, with ECS reads failing on a bug while {@link #ecsBug} is set. */
  Providers buggy(Providers p) {
    return p.withEcs(
        new ForwardingEcs(p.ecs()) {
          @Override
          public Map<String, ServiceState> describeServices(
              String region, String cluster, List<String> services) {
            if (ecsBug.get()) {
              throw new NullPointerException("deployments is null");
            }
            return super.describeServices(region, cluster, services);
          }
        });
  }

  @AfterEach
  void stop() {
    if (controller != null) {
      controller.close();
    }
    sim.close();
  }

  /** Lets the workers finish what is queued now. */
  void settleQueue() {
    try {
      assertThat(controller.queue().awaitIdle(Duration.ofMinutes(1))).as("passes finish").isTrue();
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
  }

  /** Moves the clock to the next timer, runs it, and lets the workers finish. */
  boolean step() {
    settleQueue();
    var next = scheduler.nextDue();
    if (next.isEmpty()) {
      return false;
    }
    if (next.get().isAfter(clock.instant())) {
      clock.set(next.get());
    }
    scheduler.runDue();
    settleQueue();
    return true;
  }

  RolloutStatus status(String name) {
    return controller.controlPlane().get(name).orElseThrow().status();
  }

  /** Steps until the rollout settles or waits for approval, within a simulated hour. */
  RolloutStatus runUntilItWaitsOrSettles(String name) {
    Instant limit = clock.instant().plus(Duration.ofHours(1));
    settleQueue();
    while (clock.instant().isBefore(limit)) {
      RolloutStatus s = status(name);
      if (s.phase().isSettled() || s.step() == Step.AwaitingApproval) {
        return s;
      }
      if (!step()) {
        break;
      }
    }
    return status(name);
  }

  @Test
  void aNoteTakesTheNextNumberInTheTrailAndTheRolloutGoesOnNumberingAfterIt() throws Exception {
    start();
    controller.controlPlane().apply("ml-down.yaml", SimController.drill());
    settleQueue();
    ControlPlane plane = controller.controlPlane();
    RolloutStatus before = status("shine-api-gateway-drill");
    TrailEvent decision =
        plane.note("shine-api-gateway-drill", NoteKind.decision, "Go with phase 1", "alice");
    assertThat(decision.sequence()).isEqualTo(before.eventSeq() + 1);
    assertThat(decision.phase()).isEqualTo("first-steps");
    RolloutStatus after = status("shine-api-gateway-drill");
    assertThat(after.eventSeq()).isEqualTo(decision.sequence());
    assertThat(after.phase()).isEqualTo(before.phase());
    assertThat(after.step()).isEqualTo(before.step());

    RolloutStatus end = runUntilItWaitsOrSettles("shine-api-gateway-drill");
    assertThat(end.phase()).isEqualTo(StatusPhase.Degraded);
    TrailEvent challenge =
        plane.note("shine-api-gateway-drill", NoteKind.challenge, "ML was down", "bob");
    assertThat(challenge.phase())
        .as("the failed phase, not the one rolled back to")
        .isEqualTo("victory-lap");
    List<TrailEvent> trail = plane.trail("shine-api-gateway-drill", 0, 0);
    Set<String> ids = new HashSet<>();
    assertThat(trail).allMatch(e -> ids.add(e.id()), "each event id once");
    assertThat(trail)
        .filteredOn(e -> e.type() == EventType.Note)
        .containsExactly(decision, challenge);
    assertThatThrownBy(() -> plane.note("nobody", NoteKind.note, "hi", "me"))
        .isInstanceOf(ControlPlane.NotFound.class);
  }

  @Test
  void rollsTheSnailTrailToHealthyWithAnApprovalAndStoresEveryEventOnce() throws Exception {
    start();
    String text = example("snail-trail.yaml");

    List<ControlPlane.Applied> applied = controller.controlPlane().apply("snail-trail.yaml", text);
    assertThat(applied).containsExactly(new ControlPlane.Applied("shine-api-gateway", 1, true));

    RolloutStatus waiting = runUntilItWaitsOrSettles("shine-api-gateway");
    assertThat(waiting.step()).isEqualTo(Step.AwaitingApproval);
    assertThat(waiting.currentPhase().name()).isEqualTo("victory-lap");
    assertThat(waiting.stablePhase().name()).isEqualTo("foundation");

    // Applying the same spec again while it waits changes nothing.
    assertThat(controller.controlPlane().apply("snail-trail.yaml", text))
        .containsExactly(new ControlPlane.Applied("shine-api-gateway", 1, false));

    RolloutView approved =
        controller.controlPlane().command("shine-api-gateway", Verb.approve, "ops@example.com");
    assertThat(approved.status().approvedPhase()).isEqualTo(3);

    RolloutStatus end = runUntilItWaitsOrSettles("shine-api-gateway");
    assertThat(end.phase()).isEqualTo(StatusPhase.Healthy);
    assertThat(end.stablePhase().name()).isEqualTo("victory-lap");
    assertThat(end.progress()).isEqualTo(100);
    assertThat(controller.controlPlane().get("shine-api-gateway").orElseThrow().generation())
        .isEqualTo(1);

    List<TrailEvent> trail = controller.controlPlane().trail("shine-api-gateway", 0, 0);
    Set<String> ids = new HashSet<>();
    assertThat(trail).allMatch(e -> ids.add(e.id()), "each event id once");
    assertThat(trail)
        .extracting(TrailEvent::type)
        .contains(EventType.ApprovalRequired, EventType.Promoted, EventType.RolloutCompleted)
        .filteredOn(t -> t == EventType.PhaseCompleted)
        .hasSize(4);
    assertThat(trail)
        .filteredOn(e -> e.type() == EventType.Promoted)
        .singleElement()
        .satisfies(e -> assertThat(e.message()).contains("ops@example.com"));
    long lines =
        Files.readAllLines(dir.resolve("store/shine-api-gateway/trail.jsonl")).stream()
            .filter(l -> !l.isBlank())
            .count();
    assertThat(lines).isEqualTo(trail.size());
    assertThat(controller.controlPlane().trail("shine-api-gateway", 0, 3))
        .containsExactlyElementsOf(trail.subList(trail.size() - 3, trail.size()));
    assertThat(
            controller
                .controlPlane()
                .trail("shine-api-gateway", ControlPlaneService.sequence(trail.get(4)), 0))
        .containsExactlyElementsOf(trail.subList(5, trail.size()));
    assertThat(controller.controlPlane().health().ready()).isTrue();
  }

  @Test
  void manualVerbsTheStateDoesNotAllowAreRefusedAndUnknownRolloutsAreNotFound() throws Exception {
    start();
    controller.controlPlane().apply("snail-trail.yaml", example("snail-trail.yaml"));
    settleQueue();

    assertThatThrownBy(
            () -> controller.controlPlane().command("shine-api-gateway", Verb.approve, "me"))
        .isInstanceOf(VerbRefused.class)
        .hasMessageContaining("nothing awaits approval");
    assertThatThrownBy(() -> controller.controlPlane().command("nobody", Verb.pause, "me"))
        .isInstanceOf(ControlPlane.NotFound.class);
    assertThatThrownBy(() -> controller.controlPlane().trail("nobody", 0, 0))
        .isInstanceOf(ControlPlane.NotFound.class);

    RolloutView paused = controller.controlPlane().command("shine-api-gateway", Verb.pause, "me");
    assertThat(paused.status().phase()).isEqualTo(StatusPhase.Paused);
    // A paused rollout stays paused through passes.
    for (int i = 0; i < 20; i++) {
      step();
    }
    assertThat(status("shine-api-gateway").phase()).isEqualTo(StatusPhase.Paused);
    assertThat(
            controller
                .controlPlane()
                .command("shine-api-gateway", Verb.resume, "me")
                .status()
                .phase())
        .isEqualTo(StatusPhase.Progressing);
  }

  @Test
  void anInvalidSpecIsRefusedWithLocationsAndNothingIsStored() throws Exception {
    start();
    String bad = example("minimal.yaml").replace("port: 8080", "port: 80800");

    assertThatThrownBy(() -> controller.controlPlane().apply("bad.yaml", bad))
        .isInstanceOfSatisfying(
            SpecException.class,
            e ->
                assertThat(e.problems())
                    .anySatisfy(p -> assertThat(p.format()).contains("bad.yaml:")));
    assertThat(controller.controlPlane().list()).isEmpty();
  }

  List<EventType> trailTypes(String name) {
    return controller.controlPlane().trail(name, 0, 0).stream().map(TrailEvent::type).toList();
  }

  @Test
  void anOutageIsMarkedOnceAndTheRolloutGoesOnWhenItEnds() throws Exception {
    start();
    controller.controlPlane().apply("snail-trail.yaml", example("snail-trail.yaml"));
    settleQueue();
    step();
    RolloutStatus before = status("shine-api-gateway");
    long rv = controller.controlPlane().get("shine-api-gateway").orElseThrow().resourceVersion();

    ecsDown.set(true);
    Instant down = clock.instant();
    for (int i = 0; i < 6; i++) {
      step();
    }
    assertThat(controller.failedPasses()).isGreaterThanOrEqualTo(3);
    // Marked once: one status write, one trail event, whatever the retries.
    assertThat(controller.controlPlane().get("shine-api-gateway").orElseThrow().resourceVersion())
        .isEqualTo(rv + 1);
    RolloutStatus marked = status("shine-api-gateway");
    assertThat(marked.phase()).isEqualTo(before.phase());
    assertThat(marked.step()).isEqualTo(before.step());
    assertThat(marked.conditions())
        .filteredOn(c -> c.holds(Condition.Type.ProviderUnavailable))
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.message()).contains("cannot reach the provider since", "down");
              assertThat(c.lastTransitionTime()).isAfterOrEqualTo(down);
            });
    assertThat(trailTypes("shine-api-gateway"))
        .filteredOn(t -> t == EventType.ProviderUnavailable)
        .hasSize(1);
    assertThat(controller.queue().requeues("shine-api-gateway")).isGreaterThanOrEqualTo(3);
    // Retried every 2 s at most, however long it lasts.
    assertThat(controller.queue().readyAt("shine-api-gateway"))
        .get()
        .satisfies(at -> assertThat(at).isBeforeOrEqualTo(clock.instant().plusSeconds(2)));
    assertThat(log.toString(StandardCharsets.UTF_8))
        .containsOnlyOnce("cannot reach the provider")
        .contains("down");
    assertThat(controller.controlPlane().health().providerReachable()).isFalse();

    // Hours into an outage, the back-off of other failures would be at its 5 minutes.
    for (int i = 0; i < 20; i++) {
      step();
    }
    ecsDown.set(false);
    Instant up = clock.instant();
    RolloutStatus waiting = runUntilItWaitsOrSettles("shine-api-gateway");
    assertThat(waiting.step()).isEqualTo(Step.AwaitingApproval);
    assertThat(waiting.conditions()).noneMatch(c -> c.type() == Condition.Type.ProviderUnavailable);
    List<TrailEvent> recovered =
        controller.controlPlane().trail("shine-api-gateway", 0, 0).stream()
            .filter(e -> e.type() == EventType.ProviderRecovered)
            .toList();
    assertThat(recovered)
        .singleElement()
        .satisfies(
            e -> {
              // The next attempt after the provider answers again, 2 s (and jitter) at most.
              assertThat(Duration.between(up, e.time()))
                  .isLessThanOrEqualTo(Duration.ofMillis(2200));
              assertThat(e.message()).contains("answers again, after");
            });
    assertThat(log.toString(StandardCharsets.UTF_8)).contains("reaches the provider again");
    assertThat(controller.queue().requeues("shine-api-gateway")).isZero();
  }

  @Test
  void aBugMarksTheStatusLogsItsStackTraceOnceAndTheRolloutGoesOnWhenItIsFixed() throws Exception {
    start();
    controller.controlPlane().apply("snail-trail.yaml", example("snail-trail.yaml"));
    settleQueue();
    step();
    assertThat(internalError("shine-api-gateway")).isEmpty();

    ecsBug.set(true);
    for (int i = 0; i < 6; i++) {
      step();
    }
    RolloutStatus failing = status("shine-api-gateway");
    assertThat(internalError("shine-api-gateway"))
        .hasValueSatisfying(c -> assertThat(c.message()).contains("a bug", "NullPointerException"));
    assertThat(failing.message()).contains("internal error", "NullPointerException");
    assertThat(controller.failedPasses()).isGreaterThanOrEqualTo(3);
    assertThat(reconcileErrors.get()).isEqualTo((int) controller.failedPasses());
    assertThat(controller.queue().requeues("shine-api-gateway")).isGreaterThanOrEqualTo(3);
    assertThat(stackTraces()).as(log.toString(StandardCharsets.UTF_8)).isEqualTo(1);
    assertThat(log.toString(StandardCharsets.UTF_8))
        .contains("failed on a bug", "failed again on a bug (retry 3");

    ecsBug.set(false);
    step();
    assertThat(internalError("shine-api-gateway")).as("cleared by a good pass").isEmpty();
    assertThat(controller.queue().requeues("shine-api-gateway")).isZero();

    ecsBug.set(true);
    step();
    step();
    assertThat(stackTraces()).as("a new bug after a good pass is logged again").isEqualTo(2);

    ecsBug.set(false);
    RolloutStatus waiting = runUntilItWaitsOrSettles("shine-api-gateway");
    assertThat(waiting.step()).isEqualTo(Step.AwaitingApproval);
    assertThat(internalError("shine-api-gateway")).isEmpty();
  }

  Optional<Condition> internalError(String name) {
    return status(name).conditions().stream()
        .filter(c -> c.holds(Condition.Type.InternalError))
        .findFirst();
  }

  /** Stack traces in the controller's log: each starts with the exception's class at column 0. */
  long stackTraces() {
    return log.toString(StandardCharsets.UTF_8)
        .lines()
        .filter(l -> l.startsWith("java.lang.NullPointerException"))
        .count();
  }

  @Test
  void aRestartedControllerPicksUpWhereTheStoreIs() throws Exception {
    start();
    controller.controlPlane().apply("snail-trail.yaml", example("snail-trail.yaml"));
    for (int i = 0; i < 15; i++) {
      step();
    }
    RolloutStatus mid = status("shine-api-gateway");
    assertThat(mid.phase()).isEqualTo(StatusPhase.Progressing);
    controller.close();

    // Same world (the simulator lives on), new controller over the same store.
    start();
    RolloutStatus waiting = runUntilItWaitsOrSettles("shine-api-gateway");
    assertThat(waiting.step()).isEqualTo(Step.AwaitingApproval);
    List<TrailEvent> trail = controller.controlPlane().trail("shine-api-gateway", 0, 0);
    assertThat(trail).extracting(TrailEvent::id).doesNotHaveDuplicates();
    assertThat(sim.describeTaskDefinition("us-east-1", "shine-api-gateway:4")).isEmpty();
    assertThat(
            sim.describeService(
                new ServiceRef("us-east-1", "shine-ml-cluster", "shine-api-gateway")))
        .hasValueSatisfying(s -> assertThat(s.taskDefinitionArn()).endsWith("shine-api-gateway:3"));
  }

  /** A rollout that starts from the registered task definition in {@code task-def.json}. */
  static final String FROM_FILE =
      """
      apiVersion: snailtrail.dev/v1
      kind: Rollout
      metadata: {name: shine}
      spec:
        target:
          {region: us-east-1, cluster: shine-cluster, service: shine, createIfMissing: true,
           network: {subnets: [subnet-0a1b2c3d4e5f60718], assignPublicIp: true}}
        template: {fromFile: task-def.json}
        phases:
          - name: one
            gates: [ecsTasks]
          - name: two
            image: 396608803476.dkr.ecr.us-east-1.amazonaws.com/shine-api-gateway:hybrid
            desiredCount: 3
            gates: [ecsTasks]
      """;

  @Test
  void aTaskDefinitionFileIsReadOnceAtApplyAndTheRolloutCompletesWithoutIt() throws Exception {
    Path specs = Files.createDirectories(dir.resolve("specs"));
    Path taskDef = specs.resolve("task-def.json");
    Files.copy(Path.of("src/test/resources/good/task-def.json"), taskDef);
    start();

    // Through the API the controller would have to read the sender's file: refused, located.
    assertThatThrownBy(() -> controller.controlPlane().apply("shine.yaml", FROM_FILE))
        .isInstanceOfSatisfying(
            SpecException.class,
            e ->
                assertThat(e.problems())
                    .singleElement()
                    .satisfies(
                        p -> {
                          assertThat(p.format())
                              .startsWith("shine.yaml:8:24: spec.template.fromFile:");
                          assertThat(p.message()).contains("template.taskDefinition", "apply -f");
                        }));
    assertThat(controller.controlPlane().list()).isEmpty();

    // From a directory the controller reads (the watch directory), the file is read now.
    controller.controlPlane().apply("shine.yaml", FROM_FILE, specs);
    Files.delete(taskDef);
    for (int i = 0; i < 5; i++) {
      step();
    }
    controller.close();
    start(); // the restarted controller has only the stored spec, and no file

    RolloutStatus end = runUntilItWaitsOrSettles("shine");
    assertThat(end.phase()).as(end.message()).isEqualTo(StatusPhase.Healthy);
    assertThat(controller.failedPasses()).isZero();
    assertThat(Files.readString(dir.resolve("store/shine/spec.yaml")))
        .doesNotContain("fromFile")
        .contains("taskDefinition:", "shine-api-gateway");
    assertThat(
            sim.describeService(new ServiceRef("us-east-1", "shine-cluster", "shine"))
                .orElseThrow())
        .satisfies(
            s -> {
              assertThat(s.desiredCount()).isEqualTo(3);
              assertThat(sim.describeTaskDefinition("us-east-1", s.taskDefinitionArn()))
                  .hasValueSatisfying(
                      td -> assertThat(td.spec().container("api").image()).endsWith(":hybrid"));
            });
  }

  @Test
  void deleteForgetsTheRollout() throws Exception {
    start();
    controller.controlPlane().apply("minimal.yaml", example("minimal.yaml"));
    settleQueue();
    assertThat(controller.controlPlane().delete("hello-web")).isTrue();
    assertThat(controller.controlPlane().get("hello-web")).isEmpty();
    assertThat(controller.controlPlane().delete("hello-web")).isFalse();
    step(); // a delayed key of a deleted rollout is dropped quietly
    assertThat(controller.controlPlane().list()).isEmpty();
  }
}
