package dev.snailtrail.reconcile;

import static dev.snailtrail.reconcile.Pass.data;

import dev.snailtrail.provider.Providers;
import dev.snailtrail.provider.Scaling;
import dev.snailtrail.rollout.Reason;
import dev.snailtrail.trail.EventType;
import dev.snailtrail.trail.Severity;
import java.util.Optional;

/**
 * How many tasks the controller asks ECS for. A phase without a count keeps the service's own; a
 * count is kept inside the service's Application Auto Scaling bounds, which then own it, so the
 * controller neither sets nor re-asserts a count the scaling policy may change.
 */
final class TaskCounts {
  private TaskCounts() {}

  /**
   * The count to send for {@code requested} (null: leave the service's count alone), recording in
   * status what the service is now held to (null when nothing, or when auto scaling owns it).
   *
   * @param what whose count it is, for the event ("phase exploration", "the baseline")
   */
  static Integer resolve(Pass p, Providers providers, Integer requested, String what) {
    if (requested == null) {
      p.update(b -> b.desiredCount(null));
      return null;
    }
    Optional<Scaling.Range> range = providers.scaling().scalableTarget(p.service);
    if (range.isEmpty()) {
      p.update(b -> b.desiredCount(requested));
      return requested;
    }
    Scaling.Range r = range.get();
    int sent = r.clamp(requested);
    if (sent != requested) {
      p.emit(
          EventType.DesiredCountLimited,
          Severity.Warning,
          Reason.ScalingLimits,
          "desiredCount "
              + requested
              + " of "
              + what
              + " is outside the service's Application Auto Scaling range "
              + r.min()
              + "-"
              + r.max()
              + "; asking for "
              + sent
              + " (the scaling target owns the count)",
          data("requested", Integer.toString(requested), "sent", Integer.toString(sent)));
    }
    p.update(b -> b.desiredCount(null));
    return sent;
  }

  /** The count the service should be running: what status holds it to, else its own. */
  static int expected(Pass p, int serviceDesired) {
    Integer held = p.status.desiredCount();
    return held != null ? held : serviceDesired;
  }
}
