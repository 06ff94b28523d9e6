package dev.snailtrail.run;

import dev.snailtrail.metrics.Metrics;
import dev.snailtrail.provider.ProviderException;
import dev.snailtrail.reconcile.Commands;
import dev.snailtrail.reconcile.Outages;
import dev.snailtrail.reconcile.ReconcileResult;
import dev.snailtrail.rollout.RolloutStatus;
import dev.snailtrail.rollout.StatusPhase;
import dev.snailtrail.rollout.Step;
import dev.snailtrail.spec.Rollout;
import dev.snailtrail.time.Backoff;
import dev.snailtrail.time.Sleeper;
import dev.snailtrail.trail.TrailEvent;
import dev.snailtrail.trail.TrailSink;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * Drives one rollout in this process until it settles (Healthy, Degraded, Failed or Paused) or
 * reaches a phase its {@link Approval} does not approve: the loop behind {@code snailtrail run}.
 * Provider errors while acting are retried with backoff and never turn into a rollback. Any other
 * exception from a pass is a bug: the driver records it in the status as an internal error, prints
 * its stack trace once, and stops.
 */
public final class RolloutDriver {
  /** After a provider error: 1 s, doubling up to a minute; a pass that ends resets it. */
  private static final Backoff BACKOFF =
      Backoff.exponential(Duration.ofSeconds(1), Duration.ofMinutes(1));

  /**
   * After an outage (the provider could not be asked): 1 s, then every 2 s, so the rollout goes on
   * within seconds of the provider answering again. Errors that are answers (not found, invalid)
   * keep the longer back-off.
   */
  private static final Backoff OUTAGE_BACKOFF =
      Backoff.exponential(Duration.ofSeconds(1), Duration.ofSeconds(2));

  /**
   * One reconcile pass as the driver runs it: normally {@code Reconciler::reconcile}.
   *
   * <p>It throws {@link ProviderException} when a provider could not be asked (the driver backs off
   * and runs it again), and any other exception only on a bug.
   */
  @FunctionalInterface
  public interface Reconcile {
    ReconcileResult pass(Rollout rollout, long generation, RolloutStatus status);
  }

  private final Reconcile reconcile;
  private final Commands commands;
  private final Clock clock;
  private final TrailSink sink;
  private final Sleeper sleeper;
  private final Approval approval;
  private final PrintStream warnings;
  private final PassListener passes;
  private final Metrics metrics;
  private final List<TrailEvent> events = new ArrayList<>();
  private int passCount;
  private int providerErrors;

  private RolloutDriver(Builder b) {
    this.reconcile = b.reconcile;
    this.commands = b.commands;
    this.clock = b.clock;
    this.sleeper = b.sleeper;
    this.sink = b.sink;
    this.approval = b.approval;
    this.warnings = b.warnings;
    this.passes = b.passes;
    this.metrics = b.metrics;
  }

  /**
   * A driver.
   *
   * @param reconcile runs one pass, e.g. {@code reconciler::reconcile}
   * @param commands approves the phases that {@link Builder#approval} approves
   * @param clock stamps an internal error, and the start of an outage, in the status
   * @param sleeper lets time pass between passes and before a retry
   */
  public static Builder builder(
      Reconcile reconcile, Commands commands, Clock clock, Sleeper sleeper) {
    return new Builder(reconcile, commands, clock, sleeper);
  }

  /**
   * Runs passes until the rollout settles or waits for an approval its {@link Approval} does not
   * give; returns its last status.
   */
  public RolloutStatus run(Rollout rollout, long generation, RolloutStatus start)
      throws InterruptedException {
    return run(rollout, generation, start, s -> false);
  }

  /**
   * Runs passes until the rollout settles, waits for an approval its {@link Approval} does not
   * give, or {@code stopAfter} holds for the status a pass produced (checked before a phase
   * awaiting approval is decided on); returns the last status. A bug in a pass ends the run too:
   * the status returned is the one the pass started from, marked with {@link
   * RolloutStatus#withInternalError}.
   */
  public RolloutStatus run(
      Rollout rollout, long generation, RolloutStatus start, Predicate<RolloutStatus> stopAfter)
      throws InterruptedException {
    RolloutStatus status = start;
    int errorsInARow = 0;
    while (true) {
      passes.beforePass(status);
      long started = System.nanoTime();
      ReconcileResult result;
      try {
        result = reconcile.pass(rollout, generation, status);
      } catch (ProviderException e) {
        if (e.isOutage()) {
          ReconcileResult marked =
              Outages.unreachable(rollout, generation, status, e, clock.instant());
          if (!marked.events().isEmpty()) {
            metrics.statusMarked(rollout.name(), marked.status());
          }
          status = publish(marked);
        }
        backOff(rollout, e, ++errorsInARow, started);
        continue;
      } catch (RuntimeException e) {
        return stopOnBug(rollout, status, e, started);
      }
      errorsInARow = 0;
      passCount++;
      metrics.passCompleted(rollout, status, result, since(started));
      status = publish(result);
      passes.afterPass(status, result.events());
      if (stopAfter.test(status)) {
        return status;
      }
      if (result.requeueAfter() == null) {
        if (awaitsApproval(status)
            && approval.decide(rollout, status) instanceof Approval.Approved(String by)) {
          ReconcileResult approved = commands.approve(rollout, generation, status, by);
          metrics.passCompleted(rollout, status, approved, Duration.ZERO);
          status = publish(approved);
          continue;
        }
        return status;
      }
      if (!result.requeueAfter().isZero()) {
        sleeper.sleep(result.requeueAfter());
      }
    }
  }

  /** Whether the rollout waits for a phase to be approved (and nothing else, such as a pause). */
  public static boolean awaitsApproval(RolloutStatus s) {
    return s.phase() == StatusPhase.Progressing && s.step() == Step.AwaitingApproval;
  }

  /** A provider could not be asked: wait, longer with each error in a row, and run it again. */
  private void backOff(Rollout rollout, ProviderException e, int errorsInARow, long started)
      throws InterruptedException {
    providerErrors++;
    metrics.passFailed(rollout.name(), e, since(started));
    Duration backoff = (e.isOutage() ? OUTAGE_BACKOFF : BACKOFF).delay(errorsInARow);
    warnings.println("provider error, retrying in " + backoff.toSeconds() + "s: " + e.describe());
    sleeper.sleep(backoff);
  }

  /** A bug: running the pass again would only repeat it, so say so once, loudly, and stop. */
  private RolloutStatus stopOnBug(
      Rollout rollout, RolloutStatus status, RuntimeException e, long started) {
    metrics.passFailed(rollout.name(), e, since(started));
    warnings.println(
        "internal error (a bug, not an outage) in a pass over "
            + rollout.name()
            + "; stopping without retrying:");
    e.printStackTrace(warnings);
    return status.withInternalError(summary(e), clock.instant());
  }

  private static Duration since(long startedNanos) {
    return Duration.ofNanos(System.nanoTime() - startedNanos);
  }

  /** The exception and where it was thrown, on one line: the stack trace went to the warnings. */
  private static String summary(RuntimeException e) {
    StackTraceElement[] frames = e.getStackTrace();
    return frames.length == 0 ? e.toString() : e + " at " + frames[0];
  }

  private RolloutStatus publish(ReconcileResult result) {
    for (TrailEvent e : result.events()) {
      events.add(e);
      sink.accept(e);
    }
    return result.status();
  }

  /** Every event emitted so far, in order. */
  public List<TrailEvent> events() {
    return List.copyOf(events);
  }

  /** Passes that ended with a result (not those cut short by a provider error). */
  public int passes() {
    return passCount;
  }

  public int providerErrors() {
    return providerErrors;
  }

  /** The optional parts of a driver; each has a default. */
  public static final class Builder {
    private final Reconcile reconcile;
    private final Commands commands;
    private final Clock clock;
    private final Sleeper sleeper;
    private TrailSink sink = TrailSink.NOOP;
    private Approval approval = Approval.NOBODY;
    private PrintStream warnings = System.err;
    private PassListener passes = PassListener.NOOP;
    private Metrics metrics = Metrics.NOOP;

    private Builder(Reconcile reconcile, Commands commands, Clock clock, Sleeper sleeper) {
      this.reconcile = Objects.requireNonNull(reconcile, "reconcile");
      this.commands = Objects.requireNonNull(commands, "commands");
      this.clock = Objects.requireNonNull(clock, "clock");
      this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
    }

    /**
     * Where every trail event goes as it is emitted. Default: nowhere ({@link #events} keeps them).
     */
    public Builder sink(TrailSink s) {
      sink = Objects.requireNonNull(s);
      return this;
    }

    /**
     * Who decides on a phase that needs approval when the rollout reaches it. Default: {@link
     * Approval#NOBODY}, the run ends with the phase awaiting approval.
     */
    public Builder approval(Approval a) {
      approval = Objects.requireNonNull(a);
      return this;
    }

    /**
     * {@link Approval#AUTOMATIC} when on (each phase approved as soon as it is reached, recorded in
     * the trail as approved automatically), {@link Approval#NOBODY} when off.
     */
    public Builder autoApprove(boolean on) {
      return approval(on ? Approval.AUTOMATIC : Approval.NOBODY);
    }

    /** Where retried provider errors and internal errors are reported. Default: standard error. */
    public Builder warnings(PrintStream w) {
      warnings = Objects.requireNonNull(w);
      return this;
    }

    /** Hears each pass attempt before it runs and each result after it. Default: none. */
    public Builder passes(PassListener p) {
      passes = Objects.requireNonNull(p);
      return this;
    }

    /** Told about every pass (its duration, status and events). Default: none. */
    public Builder metrics(Metrics m) {
      metrics = Objects.requireNonNull(m);
      return this;
    }

    public RolloutDriver build() {
      return new RolloutDriver(this);
    }
  }
}
