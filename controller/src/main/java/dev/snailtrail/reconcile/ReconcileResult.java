package dev.snailtrail.reconcile;

import dev.snailtrail.rollout.RolloutStatus;
import dev.snailtrail.trail.PassOutcome;
import dev.snailtrail.trail.TrailEvent;
import java.time.Duration;
import java.util.List;

/**
 * What one pass decided: the status to write, the trail events to append, and when to look again.
 * As a {@link PassOutcome} it is what metrics see of a pass.
 *
 * @param requeueAfter when to reconcile again, or null to wait for a person or a new spec
 */
public record ReconcileResult(RolloutStatus status, List<TrailEvent> events, Duration requeueAfter)
    implements PassOutcome {
  public ReconcileResult {
    events = List.copyOf(events);
  }
}
