package dev.snailtrail.trail;

import dev.snailtrail.rollout.RolloutStatus;
import java.util.List;

/**
 * What a pass over a rollout left behind: the status it wrote and the trail events it emitted.
 * Readers of finished passes (metrics) see this much of a reconcile result and nothing of the
 * reconciler that produced it.
 */
public interface PassOutcome {

  /** The status the pass produced. */
  RolloutStatus status();

  /** The trail events the pass emitted, oldest first. */
  List<TrailEvent> events();

  /** An outcome of these parts. */
  static PassOutcome of(RolloutStatus status, List<TrailEvent> events) {
    record Of(RolloutStatus status, List<TrailEvent> events) implements PassOutcome {
      Of {
        events = List.copyOf(events);
      }
    }
    return new Of(status, events);
  }
}
