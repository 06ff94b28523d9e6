package dev.snailtrail.reconcile;

import dev.snailtrail.gate.GateEvaluator;
import dev.snailtrail.provider.Ecs.ServiceState;
import dev.snailtrail.provider.Providers;
import dev.snailtrail.provider.ServiceRef;
import dev.snailtrail.rollout.PreflightHook;
import dev.snailtrail.rollout.RolloutStatus;
import dev.snailtrail.run.PassListener;
import dev.snailtrail.run.RolloutDriver;
import dev.snailtrail.sim.Seed;
import dev.snailtrail.sim.Simulator;
import dev.snailtrail.spec.Rollout;
import dev.snailtrail.time.MutableClock;
import dev.snailtrail.trail.EventType;
import dev.snailtrail.trail.TrailEvent;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * Given/When/Then for rollouts on the simulator under a manual clock. The scenario runs the real
 * {@link RolloutDriver} (the loop behind {@code snailtrail run}) over the real reconciler, with a
 * sleeper that advances the clock: requeues, back-off after provider errors and approval are the
 * shipped ones. Between runs a test can act as a person (verbs, a new spec, a changed world).
 */
final class RolloutScenario implements AutoCloseable {
  static final Instant START = Instant.parse("2026-11-23T10:00:00Z");

  /** Pass attempts (provider errors included) before a run counts as stuck. */
  private static final int MAX_ATTEMPTS = 20_000;

  final MutableClock clock = new MutableClock(START);
  final Simulator sim = new Simulator(clock);
  final RecordingProviders recording;
  final Providers providers;
  final Reconciler reconciler;
  final Commands commands = new Commands(clock);
  final List<TrailEvent> trail = new ArrayList<>();
  final ByteArrayOutputStream warnings = new ByteArrayOutputStream();
  Rollout rollout;
  long generation = 1;
  RolloutStatus status = RolloutStatus.initial();
  boolean duplicateDelivery;
  boolean autoApprove;

  /** Passes that ended with a result, over every run. */
  int passes;

  private int attempts;
  private RolloutDriver driver;

  /** The status after the last pass, as the store would hold it for the dead-man's switch. */
  private volatile RolloutStatus latest;

  private RolloutScenario(Rollout rollout, Seed seed, double failureRate) {
    this(rollout, seed, failureRate, sim -> PreflightHook.NONE);
  }

  private RolloutScenario(
      Rollout rollout,
      Seed seed,
      double failureRate,
      java.util.function.Function<Simulator, PreflightHook> preflight) {
    this.rollout = rollout;
    sim.seed(rollout, seed);
    dev.snailtrail.sim.DeadMansSwitch.answer(
        sim,
        rollout,
        name ->
            java.util.Optional.ofNullable(latest)
                .map(RolloutStatus::traffic)
                .map(dev.snailtrail.rollout.TrafficStatus::ecs));
    recording = new RecordingProviders(42, failureRate);
    providers = recording.wrap(sim.providers());
    reconciler =
        new Reconciler(providers, GateEvaluator.withDefaults(), clock, preflight.apply(sim));
  }

  static RolloutScenario givenPreflight(
      Rollout rollout, java.util.function.Function<Simulator, PreflightHook> preflight) {
    return new RolloutScenario(rollout, Seed.defaults(), 0, preflight);
  }

  static RolloutScenario givenPreflight(
      Rollout rollout, Seed seed, java.util.function.Function<Simulator, PreflightHook> preflight) {
    return new RolloutScenario(rollout, seed, 0, preflight);
  }

  RolloutScenario resume() {
    apply(commands.resume(rollout, generation, status, "tester"));
    return this;
  }

  static RolloutScenario given(Rollout rollout) {
    return new RolloutScenario(rollout, Seed.defaults(), 0);
  }

  static RolloutScenario givenExistingService(Rollout rollout, String baselineTag) {
    return new RolloutScenario(rollout, Seed.existingService(baselineTag), 0);
  }

  static RolloutScenario givenSeed(Rollout rollout, Seed seed) {
    return new RolloutScenario(rollout, seed, 0);
  }

  static RolloutScenario givenFlaky(Rollout rollout, double failureRate) {
    return new RolloutScenario(rollout, Seed.defaults(), failureRate);
  }

  RolloutScenario withDuplicateDelivery() {
    duplicateDelivery = true;
    return this;
  }

  /** Phases that need approval are approved as soon as they are reached, as by {@code run}. */
  RolloutScenario withAutoApproval() {
    autoApprove = true;
    driver = null;
    return this;
  }

  /** Runs passes until the rollout settles (or waits for a person). */
  RolloutScenario whenReconciledUntilSettled() {
    return runUntil(s -> false);
  }

  /** Runs passes until {@code stop} holds after a pass, or the rollout settles. */
  RolloutScenario runUntil(Predicate<RolloutStatus> stop) {
    try {
      status = driver().run(rollout, generation, status, stop);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while driving the rollout", e);
    }
    return this;
  }

  private RolloutDriver driver() {
    if (driver == null) {
      driver =
          RolloutDriver.builder(this::pass, commands, clock, clock::advance)
              .sink(trail::add)
              .autoApprove(autoApprove)
              .warnings(new PrintStream(warnings, true, StandardCharsets.UTF_8))
              .passes(
                  new PassListener() {
                    @Override
                    public void beforePass(RolloutStatus s) {
                      if (++attempts > MAX_ATTEMPTS) {
                        throw new AssertionError(
                            "rollout did not settle within " + MAX_ATTEMPTS + " attempts: " + s);
                      }
                    }

                    @Override
                    public void afterPass(RolloutStatus s, List<TrailEvent> events) {
                      passes++;
                      latest = s;
                    }
                  })
              .build();
    }
    return driver;
  }

  private ReconcileResult pass(Rollout r, long g, RolloutStatus s) {
    if (duplicateDelivery) {
      // The pass is delivered again from the same status, as after a crash between its action and
      // its status write: the world already shows the first delivery's action.
      reconciler.reconcile(r, g, s);
    }
    return reconciler.reconcile(r, g, s);
  }

  RolloutScenario approve() {
    apply(commands.approve(rollout, generation, status, "tester"));
    return this;
  }

  /** A new spec: the generation moves only when the content changed, as the store does. */
  RolloutScenario applySpec(Rollout next, boolean changed) {
    rollout = next;
    if (changed) {
      generation++;
    }
    return this;
  }

  RolloutScenario advance(Duration d) {
    clock.advance(d);
    return this;
  }

  void apply(ReconcileResult r) {
    trail.addAll(r.events());
    status = r.status();
  }

  ServiceRef service() {
    var t = rollout.spec().target();
    return new ServiceRef(t.region(), t.cluster(), t.service());
  }

  ServiceState serviceState() {
    return sim.providers().ecs().describeService(service()).orElseThrow();
  }

  List<TrailEvent> events(EventType type) {
    return trail.stream().filter(e -> e.type() == type).toList();
  }

  List<String> messages(EventType type) {
    return events(type).stream().map(TrailEvent::message).toList();
  }

  /** The trail as the console prints it, for assertion messages. */
  String dump() {
    StringBuilder b = new StringBuilder();
    trail.forEach(
        e -> b.append(dev.snailtrail.trail.ConsoleTrailSink.format(e, true)).append('\n'));
    return b.append("status: ").append(status).toString();
  }

  @Override
  public void close() {
    if (System.getProperty("scenario.trail") != null) {
      System.out.println(dump());
    }
    sim.close();
  }
}
