package dev.snailtrail.sim;

import dev.snailtrail.files.AtomicFiles;
import dev.snailtrail.json.Json;
import dev.snailtrail.spec.Rollout;
import dev.snailtrail.time.ScaledClock;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The simulator behind {@code snailtrail controller --provider sim}, made to outlive the process:
 * one world for every rollout, seeded for a rollout the first time it is seen ({@link #prepare}),
 * and saved to a state file after every pass ({@link #afterPass}), so a restarted controller finds
 * the same services, task definitions and deployments. The composition root calls these from the
 * controller's hooks.
 *
 * <p>Simulated time runs at {@code speed} from the end of the controller's first pass (or {@link
 * #resume}) and stands still before, and while no controller runs: the state file records the
 * simulated instant it was saved at, and a restarted world continues from there. At high speeds
 * this matters: at 600× the second a JVM takes to start would otherwise be ten simulated minutes in
 * which no controller looks, and progress deadlines would pass that a steadily running controller
 * meets. The world is saved before the pass's trail and status are written, so the status never
 * records an action the saved world lacks; an action whose save a crash cut off is simply taken
 * again, and yields the same result because the simulator is deterministic.
 */
public final class PersistentSimulator implements AutoCloseable {
  private final Path stateFile;
  private final ScaledClock clock;
  private final Simulator simulator;
  private final Set<String> seeded;

  /** What the state file holds. */
  record State(Instant now, List<String> seeded, String snapshot) {}

  private final HeldClock held;

  private PersistentSimulator(
      Path stateFile, HeldClock held, ScaledClock clock, Simulator simulator, Set<String> seeded) {
    this.stateFile = stateFile;
    this.held = held;
    this.clock = clock;
    this.simulator = simulator;
    this.seeded = seeded;
  }

  /**
   * Restores the world from {@code stateFile}, or starts an empty one when the file does not exist.
   *
   * @param speed simulated seconds per real second
   * @param real the real clock
   */
  public static PersistentSimulator open(Path stateFile, double speed, Clock real) {
    if (!Files.exists(stateFile)) {
      HeldClock held = new HeldClock(real, real.instant());
      ScaledClock clock = new ScaledClock(held, speed);
      return new PersistentSimulator(stateFile, held, clock, new Simulator(clock), new TreeSet<>());
    }
    State state;
    try {
      state = Json.mapper().readValue(Files.readAllBytes(stateFile), State.class);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read simulator state " + stateFile, e);
    }
    // A clock whose origin is the saved instant: simulated time goes on from where it stopped.
    HeldClock held = new HeldClock(real, state.now());
    ScaledClock clock = new ScaledClock(held, speed);
    Simulator sim = Simulator.restore(clock, state.snapshot());
    return new PersistentSimulator(stateFile, held, clock, sim, new TreeSet<>(state.seeded()));
  }

  /**
   * Lets simulated time run; until then it stands at the instant the world was opened at. The first
   * completed pass calls it; the composition root calls it after a few real seconds at the latest,
   * for when no pass completes (no rollouts yet, or passes that keep failing).
   */
  public void resume() {
    held.release();
  }

  public ScaledClock clock() {
    return clock;
  }

  public Simulator simulator() {
    return simulator;
  }

  /** Seeds the world for a rollout seen for the first time (by name). */
  public synchronized void prepare(Rollout rollout) {
    if (seeded.add(rollout.name())) {
      simulator.seed(rollout, Seed.defaults());
      save();
    }
  }

  /**
   * Lets simulated time run once a pass has completed (the JVM is warm and working), and saves the
   * world: call it before the pass's trail and status are written.
   */
  public void afterPass(String rollout) {
    held.release();
    save();
  }

  /** Writes the world to the state file atomically. */
  public synchronized void save() {
    String snapshot = simulator.snapshot();
    // Read after the snapshot: no recorded change is later than the instant a restart resumes at.
    Instant now = clock.instant();
    State state = new State(now, List.copyOf(seeded), snapshot);
    AtomicFiles.write(
        stateFile, Json.mapper().writeValueAsString(state).getBytes(StandardCharsets.UTF_8));
  }

  /** Reads a state file's simulated instant and snapshot, for tests and tools. */
  public static Simulator restoreForInspection(Path stateFile, Clock clock) throws IOException {
    State state = Json.mapper().readValue(Files.readAllBytes(stateFile), State.class);
    return Simulator.restore(clock, state.snapshot());
  }

  /** The simulated instant a state file was saved at. */
  public static Instant savedAt(Path stateFile) throws IOException {
    return Json.mapper().readValue(Files.readAllBytes(stateFile), State.class).now();
  }

  @Override
  public void close() {
    simulator.close();
  }

  /** Stands at {@code start} until released, then moves with the real clock from there. */
  private static final class HeldClock extends Clock {
    private final Clock real;
    private final Instant start;
    private volatile Duration offset;

    HeldClock(Clock real, Instant start) {
      this.real = real;
      this.start = start;
    }

    synchronized void release() {
      if (offset == null) {
        offset = Duration.between(real.instant(), start);
      }
    }

    @Override
    public Instant instant() {
      Duration o = offset;
      return o == null ? start : real.instant().plus(o);
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }
  }
}
