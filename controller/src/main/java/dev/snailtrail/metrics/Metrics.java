package dev.snailtrail.metrics;

import dev.snailtrail.rollout.RolloutStatus;
import dev.snailtrail.spec.Rollout;
import dev.snailtrail.trail.PassOutcome;
import java.time.Duration;

/**
 * What the controller tells its metrics. Every method defaults to doing nothing ({@link #NOOP}), so
 * callers never check for a registry; Micrometer lives in one implementation.
 */
public interface Metrics {

  /**
   * A reconcile pass finished.
   *
   * @param before the status the pass started from
   * @param outcome what it left (new status, events)
   * @param took how long the pass ran
   */
  default void passCompleted(
      Rollout rollout, RolloutStatus before, PassOutcome outcome, Duration took) {}

  /**
   * A status was written outside a pass: a pass that could not reach the provider marks the
   * rollout's status {@code ProviderUnavailable} (passes that complete report through {@link
   * #passCompleted}).
   */
  default void statusMarked(String rollout, RolloutStatus status) {}

  /** A pass threw (a provider error or a bug); it will be retried with backoff. */
  default void passFailed(String rollout, Throwable error, Duration took) {}

  /** Keys waiting in the work queue now. */
  default void workQueueDepth(int depth) {}

  /**
   * How long a key waited in the queue between becoming due and a worker taking it, in real time
   * (not the controller's clock, which may be sped up).
   */
  default void workQueueLatency(Duration waited) {}

  /**
   * An apply waited for the workers to catch up before it was stored (applies that did not wait are
   * not told).
   */
  default void applyHeld(Duration held) {}

  /**
   * A change arrived on the event feed.
   *
   * @param kind {@code service} or {@code alarm}
   * @param matched whether it concerned any rollout (and woke it)
   */
  default void changeReceived(String kind, boolean matched) {}

  /** One AWS API call at the resilience boundary. */
  default void awsCall(String service, String operation, String outcome, Duration took) {}

  /**
   * Whether a rollout's files in the store cannot be read (a {@code StoreDamaged} rollout, left
   * alone until a person repairs them); said when that changes.
   */
  default void storeDamaged(String rollout, boolean damaged) {}

  /** A rollout was deleted: forget its series. */
  default void forget(String rollout) {}

  Metrics NOOP = new Metrics() {};
}
