package dev.snailtrail.controller;

import static org.assertj.core.api.Assertions.assertThat;

import dev.snailtrail.gate.GateEvaluator;
import dev.snailtrail.metrics.Metrics;
import dev.snailtrail.provider.ChangeFeed;
import dev.snailtrail.rollout.RolloutStatus;
import dev.snailtrail.rollout.Step;
import dev.snailtrail.sim.Seed;
import dev.snailtrail.sim.Simulator;
import dev.snailtrail.spec.Rollout;
import dev.snailtrail.store.Store;
import dev.snailtrail.time.MutableClock;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A controller on the simulator, a manual clock and a manual scheduler, over a store a test
 * chooses: tests step time by hand and read what the controller left in the store and its log.
 */
final class SimController implements AutoCloseable {
  static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");

  final MutableClock clock = new MutableClock(T0);
  final ManualScheduler scheduler = new ManualScheduler(clock);
  final Simulator sim = new Simulator(clock);
  final ByteArrayOutputStream log = new ByteArrayOutputStream();
  Controller controller;

  /** The world each rollout starts in: by default, everything it needs but its service. */
  Seed seed = Seed.defaults();

  /** Where the controller hears of changes, or null for none (polling and resync only). */
  ChangeFeed changes;

  /** The checks before each phase deploys (none unless a test asks for them). */
  java.util.function.Function<
          dev.snailtrail.provider.Providers, dev.snailtrail.rollout.PreflightHook>
      preflight = p -> dev.snailtrail.rollout.PreflightHook.NONE;

  /** What the controller's ports are made of the simulator's (a test may make them fail). */
  java.util.function.UnaryOperator<dev.snailtrail.provider.Providers> ports = p -> p;

  /** Seeds the simulator once per rollout, as the controller command does. */
  private final Controller.Hooks seeding =
      new Controller.Hooks() {
        final Set<String> seeded = ConcurrentHashMap.newKeySet();

        @Override
        public void prepare(Rollout r) {
          if (seeded.add(r.name())) {
            sim.seed(r, seed);
          }
          // The simulated lifecycle hook reads the verdict from the store, as the Lambda does.
          dev.snailtrail.sim.DeadMansSwitch.answer(
              sim,
              r,
              name ->
                  plane()
                      .get(name)
                      .map(v -> v.status().traffic())
                      .map(dev.snailtrail.rollout.TrafficStatus::ecs));
        }
      };

  static String example(String name) throws Exception {
    return Files.readString(Path.of(System.getProperty("snailtrail.root"), "spec-examples", name));
  }

  /** The ml-down drill without its manual approval: it fails phase 4 and rolls back by itself. */
  static String drill() throws Exception {
    return example("drills/ml-down.yaml").replace("      approval: manual\n", "");
  }

  /** Starts a controller over {@code store}; a test may start another after closing this one. */
  Controller start(Store store, Metrics metrics) {
    controller =
        Controller.builder(store, ports.apply(sim.providers()), GateEvaluator.withDefaults(), clock)
            .scheduler(scheduler)
            .metrics(metrics)
            .workers(2)
            .resync(Duration.ofSeconds(30))
            .hooks(seeding)
            .log(new PrintStream(log, true, StandardCharsets.UTF_8))
            .changes(changes)
            .preflightOver(preflight)
            .build();
    controller.start();
    return controller;
  }

  ControlPlaneService plane() {
    return controller.controlPlane();
  }

  String log() {
    return log.toString(StandardCharsets.UTF_8);
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
    return plane().get(name).orElseThrow().status();
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

  @Override
  public void close() {
    if (controller != null) {
      controller.close();
    }
    sim.close();
  }
}
