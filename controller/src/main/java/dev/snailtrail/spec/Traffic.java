package dev.snailtrail.spec;

import java.time.Duration;
import java.util.List;

/**
 * How a phase moves users to its revision in steps instead of all at once: a canary service runs
 * the revision beside the stable one, and a load balancer rule shifts a share of the requests to it
 * step by step while the phase's gates are measured.
 *
 * @param mode who shifts the traffic
 * @param steps in order: weights to set and pauses to hold them
 */
public record Traffic(Mode mode, List<Step> steps) {
  public Traffic {
    steps = List.copyOf(steps);
  }

  /** Who shifts the traffic. */
  public enum Mode {
    /**
     * The controller: a listener rule of an Application Load Balancer forwards to the stable and
     * the canary target groups by weight ({@code target.traffic}).
     */
    ALB
  }

  /** One step of the shift. */
  public sealed interface Step permits SetWeight, Pause {}

  /**
   * Sends {@code weight} percent of the requests to the canary, the rest to the stable service.
   *
   * @param weight 0 to 100
   */
  public record SetWeight(int weight) implements Step {}

  /**
   * Holds the weight set before for {@code duration}, the gates measured meanwhile.
   *
   * @param duration positive
   */
  public record Pause(Duration duration) implements Step {}

  /** The weight the steps up to and including {@code index} leave the canary with. */
  public int weightAfter(int index) {
    int weight = 0;
    for (int i = 0; i <= index && i < steps.size(); i++) {
      if (steps.get(i) instanceof SetWeight w) {
        weight = w.weight();
      }
    }
    return weight;
  }
}
