package dev.snailtrail.sim;

import dev.snailtrail.provider.TaskDefinitionSpec;

/**
 * Options of {@link Simulator#seed}.
 *
 * @param existingServiceImageTag when not null, the service already exists, steady, running
 *     revision 1 of the template's family with the first phase's image at this tag (the baseline a
 *     rollback returns to); when null the service does not exist yet, unless the rollout rolls the
 *     live service (a spec without a template), which always finds one
 * @param desiredCount tasks of the existing service (0: the first phase's count, at least 1)
 * @param taskDefinition what the existing service runs, or null: the template's fields with the
 *     baseline image (a rollout on the live service gets {@link LiveService#DEFAULT}'s kind of task
 *     definition: two containers, secrets, a volume, tags)
 */
public record Seed(
    String existingServiceImageTag, int desiredCount, TaskDefinitionSpec taskDefinition) {

  /** A world with everything the spec needs except the service. */
  public static Seed defaults() {
    return new Seed(null, 0, null);
  }

  /** A world whose service already runs the baseline image tag. */
  public static Seed existingService(String baselineImageTag) {
    return new Seed(baselineImageTag, 0, null);
  }

  public Seed withDesiredCount(int count) {
    return new Seed(existingServiceImageTag, count, taskDefinition);
  }

  /** This seed with the existing service running exactly this task definition. */
  public Seed withTaskDefinition(TaskDefinitionSpec td) {
    return new Seed(
        existingServiceImageTag == null ? "baseline" : existingServiceImageTag, desiredCount, td);
  }
}
