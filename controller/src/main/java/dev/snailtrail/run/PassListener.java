package dev.snailtrail.run;

import dev.snailtrail.rollout.RolloutStatus;
import dev.snailtrail.trail.TrailEvent;
import java.util.List;

/**
 * Hears the passes of a {@link RolloutDriver}: what the status was before each pass attempt, and
 * what came of each pass that ended. Lets the caller attribute work to the phase it belongs to (AWS
 * calls per phase) and drop what lives only for one pass (a per-pass observation).
 */
public interface PassListener {

  /**
   * A pass is about to start (also a pass run again after a provider error).
   *
   * @param status the status the pass starts from
   */
  default void beforePass(RolloutStatus status) {}

  /**
   * A pass ended with a result.
   *
   * @param status the status it produced
   * @param events the trail events it emitted
   */
  default void afterPass(RolloutStatus status, List<TrailEvent> events) {}

  /** Hears nothing. */
  PassListener NOOP = new PassListener() {};

  /** Runs {@code action} before every pass, e.g. to forget a per-pass observation. */
  static PassListener beforeEach(Runnable action) {
    return new PassListener() {
      @Override
      public void beforePass(RolloutStatus status) {
        action.run();
      }
    };
  }

  /** Both listeners, this one first. */
  default PassListener andThen(PassListener next) {
    PassListener first = this;
    return new PassListener() {
      @Override
      public void beforePass(RolloutStatus status) {
        first.beforePass(status);
        next.beforePass(status);
      }

      @Override
      public void afterPass(RolloutStatus status, List<TrailEvent> events) {
        first.afterPass(status, events);
        next.afterPass(status, events);
      }
    };
  }
}
