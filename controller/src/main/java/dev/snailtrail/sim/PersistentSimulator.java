package dev.snailtrail.sim;

import dev.snailtrail.spec.Rollout;
import dev.snailtrail.time.ScaledClock;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The simulator behind {@code snailtrail controller --provider sim}, made to outlive the process:
 * one world for every rollout, seeded for a rollout the first time it is seen ({@link #prepare}),
 * and saved after every pass ({@link #afterPass}), so a restarted controller finds the same
 * services, task definitions and deployments. The composition root calls these from the
 * controller's hooks. A save appends only what changed to the state file ({@link StateFile}): the
 * world of thousands of rollouts is megabytes, and rewriting it after every pass would cost more
 * than the passes.
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
  /** With no change, the saved instant is brought forward at most once per this much of it. */
  static final Duration CHECKPOINT = Duration.ofSeconds(10);

  private final StateFile file;
  private final ScaledClock clock;
  private final Simulator simulator;
  private final Set<String> seeded;
  private final HeldClock held;
  private final long seed;
  private final Instant start;
  private final List<String> seededUnsaved = new ArrayList<>();
  private int changesSaved;
  private Instant savedAt;

  private PersistentSimulator(
      StateFile file,
      HeldClock held,
      ScaledClock clock,
      Simulator simulator,
      StateFile.Content content) {
    this.file = file;
    this.held = held;
    this.clock = clock;
    this.simulator = simulator;
    this.seeded = new TreeSet<>(content.seeded());
    this.seed = content.seed();
    this.start = content.start();
    this.changesSaved = content.changes().size();
    this.savedAt = content.now();
  }

  /**
   * Restores the world from {@code stateFile}, or starts an empty one when the file does not exist.
   *
   * @param speed simulated seconds per real second
   * @param real the real clock
   */
  public static PersistentSimulator open(Path stateFile, double speed, Clock real) {
    StateFile file = new StateFile(stateFile);
    if (!Files.exists(stateFile)) {
      HeldClock held = new HeldClock(real, real.instant());
      ScaledClock clock = new ScaledClock(held, speed);
      Simulator sim = new Simulator(clock);
      Journal.Snapshot empty = Journal.read(sim.snapshot());
      StateFile.Content content =
          new StateFile.Content(
              empty.seed(), empty.start(), List.of(), new TreeSet<>(), clock.instant());
      file.rewrite(content);
      return new PersistentSimulator(file, held, clock, sim, content);
    }
    StateFile.Content content = StateFile.read(stateFile);
    // A clock whose origin is the saved instant: simulated time goes on from where it stopped.
    HeldClock held = new HeldClock(real, content.now());
    ScaledClock clock = new ScaledClock(held, speed);
    Simulator sim =
        Simulator.restore(
            clock, new Journal.Snapshot(content.seed(), content.start(), content.changes()));
    PersistentSimulator world = new PersistentSimulator(file, held, clock, sim, content);
    if (!isLines(stateFile)) {
      file.rewriteOnNextSave();
    }
    return world;
  }

  private static boolean isLines(Path stateFile) {
    try (var lines = Files.lines(stateFile)) {
      return lines.findFirst().map(l -> !l.contains("\"snapshot\"")).orElse(true);
    } catch (IOException e) {
      return true;
    }
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
      seededUnsaved.add(rollout.name());
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

  /**
   * Saves what changed since the last save: appends the new changes and seeded rollouts, and the
   * instant, to the state file and forces them to disk. With nothing new, only the instant, and
   * only once per {@link #CHECKPOINT} of simulated time: a restart resumes at most that much
   * earlier, which delays a bake or a gate by as much and changes no decision.
   */
  public synchronized void save() {
    List<Op> changes = simulator.changesSince(changesSaved);
    // Read after the changes: no saved change is later than the instant a restart resumes at.
    Instant now = clock.instant();
    boolean quiet = changes.isEmpty() && seededUnsaved.isEmpty();
    if (quiet && !file.needsRewrite() && now.isBefore(savedAt.plus(CHECKPOINT))) {
      return;
    }
    if (file.needsRewrite() || file.wantsCompaction(changesSaved + changes.size())) {
      List<Op> all = simulator.changesSince(0);
      file.rewrite(new StateFile.Content(seed, start, all, seeded, now));
      changesSaved = all.size();
    } else {
      file.append(changes, seededUnsaved, now);
      changesSaved += changes.size();
    }
    seededUnsaved.clear();
    savedAt = now;
  }

  /** Reads a state file's simulated instant and snapshot, for tests and tools. */
  public static Simulator restoreForInspection(Path stateFile, Clock clock) throws IOException {
    StateFile.Content c = read(stateFile);
    return Simulator.restore(clock, new Journal.Snapshot(c.seed(), c.start(), c.changes()));
  }

  /** The simulated instant a state file was saved at. */
  public static Instant savedAt(Path stateFile) throws IOException {
    return read(stateFile).now();
  }

  private static StateFile.Content read(Path stateFile) throws IOException {
    try {
      return StateFile.read(stateFile);
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
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
