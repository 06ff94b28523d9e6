package dev.snailtrail.cli;

import dev.snailtrail.provider.TaskDefinitionSpec;
import dev.snailtrail.rollout.PhaseRef;
import dev.snailtrail.rollout.RolloutStatus;
import dev.snailtrail.rollout.Step;
import dev.snailtrail.rollout.TaskDefinitions;
import dev.snailtrail.spec.Phase;
import dev.snailtrail.spec.Rollout;
import java.util.List;

/**
 * What a rollout's service should run now, by its file: a phase's task definition content and
 * desired count, or the revision the service ran before the rollout (its baseline, where a rollback
 * of the first phase goes).
 *
 * @param label what it is, for people: "phase foundation of rollout.yaml"
 * @param why where the phase was chosen from, e.g. "the controller has it Healthy on foundation"
 * @param phase the file's phase, or null for the baseline
 * @param baselineArn the baseline's task definition ARN (null: the rollout created the service)
 * @param desiredCount how many tasks
 */
record Expected(String label, String why, Phase phase, String baselineArn, int desiredCount) {

  /** The last phase of the file: where a rollout that finished leaves its service. */
  static Expected lastPhase(Rollout file, String source, String why) {
    int last = file.spec().phases().size() - 1;
    return ofPhase(file, last, source, why);
  }

  /**
   * Where the controller's status says the service should be: the current phase, or while a phase
   * awaits approval the stable one, or after a rollback its target; the file's phase of that name.
   */
  static Expected fromStatus(Rollout file, String source, RolloutStatus s) {
    String state = s.phase() + (s.step() == Step.Done ? "" : "/" + s.step());
    if (s.observedGeneration() == 0) {
      return ofPhase(file, 0, source, "the controller has not started it yet");
    }
    PhaseRef ref = shouldRun(s);
    String why = "the controller has it " + state + " on " + s.currentPhase().name();
    if (ref.isBaseline()) {
      String base = s.baseline() == null ? "none: the rollout created the service" : s.baseline();
      return new Expected(
          "the baseline (" + base + ")", why, null, s.baseline(), s.baselineDesiredCount());
    }
    int index = file.spec().indexOf(ref.name());
    if (index < 0) {
      return lastPhase(
          file,
          source,
          why + "; " + ref.name() + " is not in " + source + ", so its last phase is compared");
    }
    return ofPhase(file, index, source, why);
  }

  /** The phase the service should run in this status. */
  private static PhaseRef shouldRun(RolloutStatus s) {
    return switch (s.phase()) {
      case RollingBack, Degraded, Failed ->
          s.rollbackTarget() != null ? s.rollbackTarget() : s.stablePhase();
      case Healthy -> s.currentPhase();
      case Progressing, Paused ->
          s.step() == Step.AwaitingApproval ? s.stablePhase() : s.currentPhase();
    };
  }

  private static Expected ofPhase(Rollout file, int index, String source, String why) {
    List<Phase> phases = file.spec().phases();
    Phase p = phases.get(index);
    return new Expected("phase " + p.name() + " of " + source, why, p, null, p.desiredCount());
  }

  /** Whether this is the baseline rather than a phase of the file. */
  boolean baseline() {
    return phase == null;
  }

  /** The task definition content the phase runs, or null for the baseline. */
  TaskDefinitionSpec content(Rollout file) {
    return phase == null ? null : TaskDefinitions.forPhase(file, file.spec().indexOf(phase.name()));
  }
}
