package dev.snailtrail.provider;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * How ECS replaces a service's tasks: the strategy part of its {@code deploymentConfiguration}.
 * {@code ROLLING} replaces tasks in place; {@code BLUE_GREEN}, {@code LINEAR} and {@code CANARY}
 * start the new revision (green) beside the old (blue) and move the production listener rule's
 * traffic to it, all at once, in equal steps, or a share first, calling the service's lifecycle
 * hooks at their stages and rolling back to blue when one answers FAILED.
 *
 * @param kind the strategy
 * @param percent CANARY's {@code canaryPercent} or LINEAR's {@code stepPercent}; 0 otherwise
 * @param stepBake how long CANARY holds its share or LINEAR each step ({@code
 *     canaryBakeTimeInMinutes}, {@code stepBakeTimeInMinutes}); zero otherwise
 * @param bake how long blue stays up after all production traffic moved ({@code
 *     bakeTimeInMinutes}), or null to leave the service's own
 * @param hooks the service's lifecycle hooks, all of them (ECS replaces the list)
 */
public record DeploymentStrategy(
    Kind kind, double percent, Duration stepBake, Duration bake, List<LifecycleHook> hooks) {
  public DeploymentStrategy {
    stepBake = stepBake == null ? Duration.ZERO : stepBake;
    hooks = List.copyOf(hooks);
  }

  /** ECS's default: tasks replaced in place, no hooks. */
  public static final DeploymentStrategy ROLLING =
      new DeploymentStrategy(Kind.ROLLING, 0, Duration.ZERO, null, List.of());

  /** A strategy of ECS ({@code DeploymentStrategy}). */
  public enum Kind {
    ROLLING,
    BLUE_GREEN,
    LINEAR,
    CANARY
  }

  /** The same strategy with these hooks. */
  public DeploymentStrategy withHooks(List<LifecycleHook> newHooks) {
    return new DeploymentStrategy(kind, percent, stepBake, bake, newHooks);
  }

  /**
   * A lifecycle hook: a Lambda function ECS invokes at each of {@code stages} until it answers
   * SUCCEEDED (go on) or FAILED (roll back); IN_PROGRESS makes ECS ask again later.
   *
   * @param targetArn the function's ARN
   * @param roleArn the role ECS assumes to invoke it
   * @param stages when
   * @param details passed to the function on every invocation ({@code hookDetails})
   */
  public record LifecycleHook(
      String targetArn, String roleArn, List<Stage> stages, Map<String, String> details) {
    public LifecycleHook {
      stages = List.copyOf(stages);
      details = Map.copyOf(details);
    }
  }

  /** A stage of a blue/green, linear or canary service deployment ({@code lifecycleStage}). */
  public enum Stage {
    RECONCILE_SERVICE,
    PRE_SCALE_UP,
    SCALE_UP,
    POST_SCALE_UP,
    TEST_TRAFFIC_SHIFT,
    POST_TEST_TRAFFIC_SHIFT,
    PRODUCTION_TRAFFIC_SHIFT,
    POST_PRODUCTION_TRAFFIC_SHIFT,
    BAKE_TIME,
    CLEAN_UP
  }
}
