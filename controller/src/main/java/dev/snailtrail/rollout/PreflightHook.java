package dev.snailtrail.rollout;

import dev.snailtrail.provider.TaskDefinition;
import dev.snailtrail.provider.TaskDefinitionSpec;
import dev.snailtrail.spec.Rollout;
import java.util.Map;
import java.util.Optional;

/**
 * Checks run before a phase deploys. A failing check pauses the rollout before anything on the
 * service changes; a check that could not ask its provider does not block.
 */
@FunctionalInterface
public interface PreflightHook {

  /**
   * @param base what the rollout's phases start from: its declared task definition, or the live
   *     revision it recorded as its baseline
   * @param revisions the task definitions registered so far, by phase name
   * @param described task definitions the pass has just described, by ARN: a check that needs one
   *     of them takes it from here rather than asking ECS again
   * @return what failed and how to fix it, or empty when the phase may deploy
   */
  Optional<String> blocked(
      Rollout rollout,
      int phaseIndex,
      TaskDefinitionSpec base,
      Map<String, String> revisions,
      Map<String, TaskDefinition> described);

  /** Checks nothing. */
  PreflightHook NONE = (rollout, phaseIndex, base, revisions, described) -> Optional.empty();
}
