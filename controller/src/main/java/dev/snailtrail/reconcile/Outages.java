package dev.snailtrail.reconcile;

import dev.snailtrail.provider.ProviderException;
import dev.snailtrail.rollout.Condition;
import dev.snailtrail.rollout.Reason;
import dev.snailtrail.rollout.RolloutStatus;
import dev.snailtrail.spec.Durations;
import dev.snailtrail.spec.Rollout;
import dev.snailtrail.trail.EventType;
import dev.snailtrail.trail.Severity;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

/**
 * An outage of the provider, as the rollout's status and trail show it. A pass that cannot reach
 * the provider changes nothing (its caller backs off and runs it again), but the caller marks the
 * status with {@link #unreachable}: the {@code ProviderUnavailable} condition, since the first
 * failed attempt, and one {@code ProviderUnavailable} event when the outage starts, not one per
 * retry. The first pass that completes afterwards ends it: one {@code ProviderRecovered} event, and
 * the condition goes.
 */
public final class Outages {
  private Outages() {}

  /**
   * The status marked as unable to reach the provider, with the event that says so when the outage
   * starts now; the same status, and no event, while it goes on.
   *
   * @param e the provider's failure; an outage ({@link ProviderException#isOutage()})
   */
  public static ReconcileResult unreachable(
      Rollout rollout, long generation, RolloutStatus status, ProviderException e, Instant now) {
    Pass p = new Pass(rollout, generation, status, now);
    if (p.condition(Condition.Type.ProviderUnavailable).isPresent()) {
      return new ReconcileResult(status, java.util.List.of(), null);
    }
    String since = now.truncatedTo(ChronoUnit.SECONDS).toString();
    p.emit(
        EventType.ProviderUnavailable,
        Severity.Warning,
        Reason.ProviderUnavailable,
        "Cannot reach "
            + e.service()
            + " ("
            + e.operation()
            + ": "
            + e.kind()
            + " - "
            + e.getMessage()
            + "); waiting and retrying. Nothing is rolled back for an outage",
        Pass.data("service", e.service(), "kind", e.kind().name()));
    p.raise(
        Condition.Type.ProviderUnavailable,
        Reason.ProviderUnavailable,
        "cannot reach the provider since " + since + ": " + e.describe());
    return p.result(null);
  }

  /** A pass got through: an outage marked on the status is over. */
  static void recovered(Pass p) {
    Optional<Condition> marked = p.condition(Condition.Type.ProviderUnavailable);
    if (marked.isEmpty()) {
      return;
    }
    Instant since = marked.get().lastTransitionTime();
    Duration lasted = since == null ? Duration.ZERO : Duration.between(since, p.now);
    p.emit(
        EventType.ProviderRecovered,
        Severity.Normal,
        Reason.ProviderRecovered,
        "The provider answers again, after "
            + Durations.format(lasted.truncatedTo(ChronoUnit.SECONDS))
            + " unreachable",
        Pass.data("since", since == null ? null : since.toString()));
    p.clear(Condition.Type.ProviderUnavailable);
  }
}
