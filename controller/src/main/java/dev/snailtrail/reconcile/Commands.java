package dev.snailtrail.reconcile;

import dev.snailtrail.rollout.GateResult;
import dev.snailtrail.rollout.GateStatus;
import dev.snailtrail.rollout.PhaseRef;
import dev.snailtrail.rollout.Reason;
import dev.snailtrail.rollout.RolloutStatus;
import dev.snailtrail.rollout.StatusPhase;
import dev.snailtrail.rollout.Step;
import dev.snailtrail.rollout.VerbRefused;
import dev.snailtrail.spec.Phase;
import dev.snailtrail.spec.Rollout;
import dev.snailtrail.trail.EventType;
import dev.snailtrail.trail.NoteKind;
import dev.snailtrail.trail.Severity;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The manual verbs: approve, promote (and promote in full), pause, resume, abort, retry, undo. Each
 * changes status only (the next pass acts on it) and records who asked in the trail. A note records
 * only who wrote what. A verb that does not apply to the rollout's state is refused ({@link
 * VerbRefused}) with a message saying why.
 */
public final class Commands {
  private final Clock clock;

  public Commands(Clock clock) {
    this.clock = clock;
  }

  /** Approves the phase waiting for approval. */
  public ReconcileResult approve(
      Rollout rollout, long generation, RolloutStatus status, String by) {
    Pass p = new Pass(rollout, generation, status, clock.instant());
    if (status.step() != Step.AwaitingApproval || status.phase() != StatusPhase.Progressing) {
      throw new VerbRefused("nothing awaits approval: " + describe(status));
    }
    int index = status.currentPhase().index();
    p.update(
        b ->
            b.approvedPhase(index)
                .message(
                    "approved by "
                        + who(by)
                        + "; "
                        + status.currentPhase().name()
                        + " starts next"));
    p.emit(
        EventType.Promoted,
        Severity.Normal,
        by == null ? Reason.AutoApproval : Reason.ManualApproval,
        "Phase "
            + status.currentPhase().name()
            + " approved"
            + (by == null ? " automatically" : " by " + by));
    return p.result(Duration.ZERO);
  }

  /** Approves a waiting phase, or skips the rest of the current phase's analysis and bake. */
  public ReconcileResult promote(
      Rollout rollout, long generation, RolloutStatus status, String by) {
    if (status.step() == Step.AwaitingApproval) {
      return approve(rollout, generation, status, by);
    }
    if (status.phase() != StatusPhase.Progressing
        || (status.step() != Step.Analyzing && status.step() != Step.Baking)) {
      throw new VerbRefused(
          "promote applies while analyzing, baking or awaiting approval: " + describe(status));
    }
    Pass p = new Pass(rollout, generation, status, clock.instant());
    List<GateStatus> passed =
        status.gates().stream()
            .map(
                g ->
                    new GateStatus(
                        g.name(),
                        GateResult.Passed,
                        g.passes(),
                        g.failures(),
                        g.inconclusives(),
                        0,
                        "promoted by " + who(by),
                        g.lastMeasuredAt()))
            .toList();
    p.emit(
        EventType.Promoted,
        Severity.Warning,
        Reason.ManualPromotion,
        "Phase "
            + status.currentPhase().name()
            + " promoted by "
            + who(by)
            + ": remaining analysis and bake skipped");
    return PhaseCompletion.complete(withGates(p, passed));
  }

  /**
   * Sends the rollout straight to its last phase, as Argo Rollouts' {@code promote --full}: the
   * phases between are skipped (never deployed), the last one deploys without waiting for approval,
   * and once ECS has deployed it (its circuit breaker and the progress deadline still count) it
   * completes without analysis or bake. Only a rollout moving forward can be promoted in full.
   */
  public ReconcileResult promoteFull(
      Rollout rollout, long generation, RolloutStatus status, String by) {
    refuseFullPromotion(status);
    Pass p = new Pass(rollout, generation, status, clock.instant());
    int last = p.phaseCount() - 1;
    int current = status.currentPhase().index();
    String skipped =
        rollout.spec().phases().subList(current + 1, Math.max(current + 1, last)).stream()
            .map(Phase::name)
            .collect(Collectors.joining(", "));
    p.update(b -> b.fullPromotionBy(who(by)));
    p.emit(
        EventType.Promoted,
        Severity.Warning,
        Reason.FullPromotion,
        "Rollout promoted in full by "
            + who(by)
            + ": "
            + (skipped.isEmpty() ? "" : skipped + " skipped; ")
            + p.phase(last).name()
            + " completes once deployed, without approval, analysis or bake",
        Pass.data(
            "from",
            status.currentPhase().name(),
            "to",
            p.phase(last).name(),
            "skipped",
            skipped.isEmpty() ? null : skipped));
    if (current < last) {
      Transitions.enterPhase(p, last);
    } else if (status.step() == Step.AwaitingApproval) {
      Transitions.approved(p);
    } else if (status.step() == Step.Analyzing || status.step() == Step.Baking) {
      return PhaseCompletion.complete(p);
    }
    return p.result(Duration.ZERO);
  }

  private static void refuseFullPromotion(RolloutStatus status) {
    String why =
        switch (status.phase()) {
          case Progressing ->
              status.observedGeneration() == 0
                  ? "the controller has not started the rollout yet; try again in a moment"
                  : status.fullPromotionBy() != null
                      ? "it is being promoted in full already, by " + status.fullPromotionBy()
                      : null;
          case Paused ->
              "the rollout is paused ("
                  + status.message()
                  + "); resume it first, so that whatever paused it is looked at";
          case RollingBack -> "the rollout is rolling back; let it finish, then `retry`";
          case Degraded, Failed ->
              "the rollout rolled back and is "
                  + status.phase()
                  + "; `retry` runs the failed phase again, `promote --full` then applies";
          case Healthy -> "the rollout is Healthy: its last phase is done";
        };
    if (why != null) {
      throw new VerbRefused("promote --full applies to a rollout moving forward: " + why);
    }
  }

  public ReconcileResult pause(Rollout rollout, long generation, RolloutStatus status, String by) {
    if (status.phase() == StatusPhase.Paused || status.phase().isSettled()) {
      throw new VerbRefused("only a moving rollout can be paused: " + describe(status));
    }
    Pass p = new Pass(rollout, generation, status, clock.instant());
    Transitions.pause(p, "paused by " + who(by));
    p.emit(EventType.Paused, Severity.Normal, Reason.ManualPause, "Paused by " + who(by));
    return p.result(null);
  }

  public ReconcileResult resume(Rollout rollout, long generation, RolloutStatus status, String by) {
    if (status.phase() != StatusPhase.Paused) {
      throw new VerbRefused("only a paused rollout can be resumed: " + describe(status));
    }
    Pass p = new Pass(rollout, generation, status, clock.instant());
    List<GateStatus> reset =
        status.gates().stream()
            .map(g -> g.result() == GateResult.Inconclusive ? GateStatus.initial(g.name()) : g)
            .toList();
    // A resumed phase gets a fresh deadline: the pause was a person's decision, not slowness.
    Transitions.resume(p, "resumed by " + who(by));
    p.update(b -> b.gates(reset).phaseStartedAt(status.phaseStartedAt() == null ? null : p.now));
    p.emit(EventType.Resumed, Severity.Normal, Reason.ManualResume, "Resumed by " + who(by));
    return p.result(Duration.ZERO);
  }

  /** Rolls back now, as if the current phase had failed. */
  public ReconcileResult abort(Rollout rollout, long generation, RolloutStatus status, String by) {
    if (status.phase() != StatusPhase.Progressing && status.phase() != StatusPhase.Paused) {
      throw new VerbRefused("only a rollout in progress can be aborted: " + describe(status));
    }
    Pass p = new Pass(rollout, generation, status, clock.instant());
    p.emit(EventType.Aborted, Severity.Warning, Reason.ManualAbort, "Aborted by " + who(by));
    return RollbackStep.begin(p, Reason.ManualAbort, "aborted by " + who(by));
  }

  /** Runs the phase that failed again. */
  public ReconcileResult retry(Rollout rollout, long generation, RolloutStatus status, String by) {
    if ((status.phase() != StatusPhase.Degraded && status.phase() != StatusPhase.Failed)
        || status.failedPhase() == null) {
      throw new VerbRefused("retry applies to a rolled-back rollout: " + describe(status));
    }
    Pass p = new Pass(rollout, generation, status, clock.instant());
    // The retry concerns the phase that failed, not the one the rollback left current.
    p.emitFor(
        status.failedPhase().name(),
        EventType.Retried,
        Severity.Normal,
        Reason.ManualRetry,
        "Retry of " + status.failedPhase().name() + " by " + who(by),
        Map.of());
    Transitions.retry(p);
    return p.result(Duration.ZERO);
  }

  /** Goes back one phase from the stable one. */
  public ReconcileResult undo(Rollout rollout, long generation, RolloutStatus status, String by) {
    if (status.phase() == StatusPhase.RollingBack || status.stablePhase().isBaseline()) {
      throw new VerbRefused("nothing to undo: " + describe(status));
    }
    Pass p = new Pass(rollout, generation, status, clock.instant());
    PhaseRef target = p.ref(status.stablePhase().index() - 1);
    p.update(b -> b.currentPhase(status.stablePhase()));
    return RollbackStep.begin(p, Reason.ManualUndo, "undo by " + who(by), target);
  }

  /**
   * Records a person's note in the trail, changing nothing else. It belongs to the phase the
   * rollout is about: the one that failed, from its rollback until a retry or a new spec moves on,
   * else the current one (none before the first phase starts).
   */
  public ReconcileResult note(
      Rollout rollout,
      long generation,
      RolloutStatus status,
      NoteKind kind,
      String text,
      String by) {
    Pass p = new Pass(rollout, generation, status, clock.instant());
    PhaseRef about = status.failedPhase() != null ? status.failedPhase() : status.currentPhase();
    p.emitFor(
        about.name().isEmpty() ? null : about.name(),
        EventType.Note,
        kind == NoteKind.challenge ? Severity.Warning : Severity.Normal,
        Reason.ManualNote,
        kind.title() + " by " + who(by) + ": " + text,
        Pass.data("kind", kind.name(), "by", who(by), "text", text));
    return p.result(null);
  }

  private static Pass withGates(Pass p, List<GateStatus> gates) {
    p.update(b -> b.gates(gates));
    return p;
  }

  private static String who(String by) {
    return by == null || by.isBlank() ? "a person" : by;
  }

  private static String describe(RolloutStatus s) {
    return "the rollout is " + s.phase() + " (" + s.step() + ")";
  }
}
