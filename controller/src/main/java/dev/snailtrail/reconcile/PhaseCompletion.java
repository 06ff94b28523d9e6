package dev.snailtrail.reconcile;

import static dev.snailtrail.reconcile.Reconciler.data;
import static dev.snailtrail.reconcile.Reconciler.shortName;

import dev.snailtrail.rollout.Reason;
import dev.snailtrail.rollout.StatusPhase;
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
    p.update(b -> b.stablePhase(p.ref(index)).failedPhase(null).rollbackTarget(null));
    if (index + 1 >= p.phaseCount()) {
      p.update(
          b ->
              b.phase(StatusPhase.Healthy)
                  .step(Step.Done)
                  .message("all " + p.phaseCount() + " phases complete; running " + revision));
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
    Reconciler.enterPhase(p, index + 1);
    return p.result(p.status.step() == Step.AwaitingApproval ? null : Duration.ZERO);
  }
}
