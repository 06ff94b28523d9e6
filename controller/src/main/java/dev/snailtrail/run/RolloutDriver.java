package dev.snailtrail.run;

import dev.snailtrail.metrics.Metrics;
import dev.snailtrail.provider.ProviderException;
import dev.snailtrail.reconcile.Commands;
import dev.snailtrail.reconcile.ReconcileResult;
import dev.snailtrail.reconcile.Reconciler;
import dev.snailtrail.rollout.RolloutStatus;
import dev.snailtrail.rollout.Step;
import dev.snailtrail.spec.Rollout;
import dev.snailtrail.time.Backoff;
import dev.snailtrail.trail.TrailEvent;
import dev.snailtrail.trail.TrailSink;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Drives one rollout in this process until it settles (Healthy, Degraded, Failed or Paused): the
 * loop behind {@code snailtrail run}. Provider errors while acting are retried with backoff and
 * never turn into a rollback.
 */
public final class RolloutDriver {
  /** After a provider error: 1 s, doubling up to a minute; a pass that ends resets it. */
  private static final Backoff BACKOFF =
      Backoff.exponential(Duration.ofSeconds(1), Duration.ofMinutes(1));

  private final Reconciler reconciler;
  private final Commands commands;
  private final TrailSink sink;
  private final Sleeper sleeper;
  private final boolean autoApprove;
  private final PrintStream warnings;
  private final PassListener passes;
  private final Metrics metrics;
  private final List<TrailEvent> events = new ArrayList<>();
  private int passCount;
  private int providerErrors;

  /**
   * @param autoApprove approve phases that need approval as soon as they are reached (recorded in
   *     the trail as approved automatically)
   * @param warnings where retried provider errors are reported
   */
  public RolloutDriver(
      Reconciler reconciler,
      Commands commands,
      TrailSink sink,
      Sleeper sleeper,
      boolean autoApprove,
      PrintStream warnings) {
    this(
        reconciler,
        commands,
        sink,
        sleeper,
        autoApprove,
        warnings,
        PassListener.NOOP,
        Metrics.NOOP);
  }

  /**
   * As the other constructor, telling {@code passes} about every pass.
   *
   * @param passes hears each pass attempt before it runs and each result after it
   * @param metrics told about every pass (its duration, status and events)
   */
  public RolloutDriver(
      Reconciler reconciler,
      Commands commands,
      TrailSink sink,
      Sleeper sleeper,
      boolean autoApprove,
      PrintStream warnings,
      PassListener passes,
      Metrics metrics) {
    this.passes = passes;
    this.metrics = metrics;
    this.reconciler = reconciler;
    this.commands = commands;
    this.sink = sink;
    this.sleeper = sleeper;
    this.autoApprove = autoApprove;
    this.warnings = warnings;
  }

  /** Runs passes until the rollout settles; returns its last status. */
  public RolloutStatus run(Rollout rollout, long generation, RolloutStatus start)
      throws InterruptedException {
    RolloutStatus status = start;
    int errorsInARow = 0;
    while (true) {
      ReconcileResult result;
      passes.beforePass(status);
      long started = System.nanoTime();
      try {
        result = reconciler.reconcile(rollout, generation, status);
        errorsInARow = 0;
      } catch (ProviderException e) {
        providerErrors++;
        metrics.passFailed(rollout.name(), e, Duration.ofNanos(System.nanoTime() - started));
        Duration backoff = BACKOFF.delay(++errorsInARow);
        warnings.println(
            "provider error, retrying in " + backoff.toSeconds() + "s: " + e.describe());
        sleeper.sleep(backoff);
        continue;
      }
      passCount++;
      metrics.passCompleted(rollout, status, result, Duration.ofNanos(System.nanoTime() - started));
      status = publish(result);
      passes.afterPass(status, result.events());
      if (result.requeueAfter() == null) {
        if (autoApprove && status.step() == Step.AwaitingApproval) {
          ReconcileResult approved = commands.approve(rollout, generation, status, null);
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
}
