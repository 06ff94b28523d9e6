package dev.snailtrail.reconcile;

import static dev.snailtrail.provider.TaskDefinition.shortName;
import static dev.snailtrail.reconcile.Pass.data;

import dev.snailtrail.rollout.Reason;
import dev.snailtrail.rollout.Step;
import dev.snailtrail.spec.Phase;
import dev.snailtrail.trail.EventType;
import dev.snailtrail.trail.Severity;
import java.time.Duration;

/** A phase's bake elapsed: mark it stable, print its marker, move on or finish. */
final class PhaseCompletion {
  private PhaseCompletion() {}

  static ReconcileResult complete(Pass p) {
    int index = p.status.currentPhase().index();
    Phase phase = p.phase(index);
    String revision = shortName(p.status.revisions().get(phase.name()));
    String marker = phase.marker() != null ? phase.marker() : "Phase " + phase.name() + " complete";
    p.emit(
        EventType.PhaseCompleted,
        Severity.Normal,
        Reason.BakeComplete,
        marker,
        data("revision", revision, "marker", phase.marker(), "index", Integer.toString(index)));
    if (Transitions.completePhase(p, revision)) {
      p.emit(
          EventType.RolloutCompleted,
          Severity.Normal,
          Reason.RolloutComplete,
          "Rollout complete: all "
              + p.phaseCount()
              + " phases done, "
              + p.service.service()
              + " runs "
              + revision,
          data("revision", revision));
      return p.result(null);
    }
    return p.result(p.status.step() == Step.AwaitingApproval ? null : Duration.ZERO);
  }
}
