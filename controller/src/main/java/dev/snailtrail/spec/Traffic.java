package dev.snailtrail.spec;

import java.time.Duration;
import java.util.List;

/**
 * How a phase moves users to its revision in steps instead of all at once, while the phase's gates
 * are measured. Under {@code alb} a canary service runs the revision beside the stable one and the
 * controller shifts a listener rule's weights step by step; under {@code ecs} ECS's own blue/green,
 * linear or canary deployment does, with the steps as ECS's strategy ({@link #strategy()}).
 *
 * @param mode who shifts the traffic
 * @param steps in order: weights to set and pauses to hold them
 * @param strategy under {@code ecs}, the ECS strategy the steps amount to; null under {@code alb}
 */
public record Traffic(Mode mode, List<Step> steps, EcsStrategy strategy) {
  public Traffic {
    steps = List.copyOf(steps);
  }

  /** Traffic under {@code mode: alb}. */
  public Traffic(Mode mode, List<Step> steps) {
    this(mode, steps, null);
  }

  /** Who shifts the traffic. */
  public enum Mode {
    /**
     * The controller: a listener rule of an Application Load Balancer forwards to the stable and
     * the canary target groups by weight ({@code target.traffic}).
     */
    ALB,
    /**
     * ECS itself: the service's deployment strategy ({@code BLUE_GREEN}, {@code LINEAR} or {@code
     * CANARY}) over its own production listener rule and alternate target group.
     */
    ECS
  }

  /**
   * The ECS deployment strategy a phase's steps amount to under {@code mode: ecs}: none at all is
   * {@code BLUE_GREEN}; one share held for a while, {@code CANARY}; equal shares every equal while,
   * {@code LINEAR}. A last {@code setWeight: 100} with a pause after it is ECS's bake time, during
   * which the old revision stays up.
   *
   * @param kind the strategy
   * @param percent CANARY's share or LINEAR's step; 0 for BLUE_GREEN
   * @param stepBake how long CANARY holds its share or LINEAR each step; zero for BLUE_GREEN
   * @param bake ECS's bake time, or null to keep the service's own
   */
  public record EcsStrategy(Kind kind, int percent, Duration stepBake, Duration bake) {
    /** The strategies of ECS a phase can ask for. */
    public enum Kind {
      BLUE_GREEN,
      LINEAR,
      CANARY
    }
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
