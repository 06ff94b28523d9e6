package dev.snailtrail.reconcile;

import static dev.snailtrail.reconcile.Pass.data;

import dev.snailtrail.rollout.GateStatus;
import dev.snailtrail.rollout.PhaseRef;
import dev.snailtrail.rollout.Reason;
import dev.snailtrail.rollout.RolloutStatus;
import dev.snailtrail.rollout.StatusPhase;
import dev.snailtrail.rollout.Step;
import dev.snailtrail.rollout.TrafficStatus;
import dev.snailtrail.spec.Phase;
import dev.snailtrail.trail.EventType;
import dev.snailtrail.trail.Severity;
import java.time.Instant;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The one table of how a rollout moves between (status phase, step) pairs. Every change of {@code
 * status.phase} or {@code status.step} goes through a named move here; a move from a state its row
 * does not list is a bug in the controller and throws {@link IllegalMove}, as does a move that
 * would leave the rollout in a pair that means nothing (Healthy while Analyzing, say).
 *
 * <p>The manual verbs ask {@link #allows} before they act, so a person gets a refusal that says
 * why, not an exception.
 */
final class Transitions {
  private Transitions() {}

  /** The named moves. */
  enum Move {
    /** The first pass: the rollout begins at its first phase. */
    Begin,
    /** Into a phase: awaiting approval or deploying. */
    EnterPhase,
    /** A phase that awaited approval got it and starts deploying. */
    Approved,
    /** The service was told to run the phase (or already did, or ECS shifted it): wait for ECS. */
    AwaitDeployment,
    /** ECS finished the deployment: measure the gates. */
    DeploymentCompleted,
    /** Every gate passed: bake. */
    StartBake,
    /** The canary runs the phase (or ECS deploys it by its strategy): its traffic steps begin. */
    StartShift,
    /** A traffic step is done: the next begins, or after the last the stable service deploys. */
    ShiftStep,
    /** Bake elapsed (or a person promoted): the phase is stable; on to the next or done. */
    CompletePhase,
    /** Someone else changed the service: deploy the phase again. */
    Reassert,
    /** Go back to a rollback target. */
    BeginRollback,
    /** The service runs the rollback target again. */
    RollbackCompleted,
    /** The rollback itself could not finish: a person must look. */
    RollbackFailed,
    /** Stop until someone resumes (a person, preflight, or an outage past a deadline). */
    Pause,
    /** Carry on from where the pause stopped. */
    Resume,
    /** A new spec changed the current or an earlier phase: restart from the earliest change. */
    Restart,
    /** Run the phase that failed again. */
    Retry,
    /** A settled service drifted and the spec says revert: deploy (or roll back to) it again. */
    Revert
  }

  private static final Set<StatusPhase> ANY_PHASE = EnumSet.allOf(StatusPhase.class);
  private static final Set<Step> ANY_STEP = EnumSet.allOf(Step.class);

  private record From(Set<StatusPhase> phases, Set<Step> steps) {
    boolean matches(RolloutStatus s) {
      return phases.contains(s.phase()) && steps.contains(s.step());
    }
  }

  private static final Map<Move, From> TABLE = new EnumMap<>(Move.class);

  static {
    Set<StatusPhase> progressing = EnumSet.of(StatusPhase.Progressing);
    Set<StatusPhase> rollingBack = EnumSet.of(StatusPhase.RollingBack);
    row(Move.Begin, progressing, EnumSet.of(Step.Deploying));
    row(Move.EnterPhase, progressing, EnumSet.complementOf(EnumSet.of(Step.RollingBack)));
    row(Move.Approved, progressing, EnumSet.of(Step.AwaitingApproval));
    row(Move.AwaitDeployment, progressing, EnumSet.of(Step.Deploying, Step.Shifting));
    row(Move.DeploymentCompleted, progressing, EnumSet.of(Step.Waiting));
    row(Move.StartBake, progressing, EnumSet.of(Step.Analyzing));
    row(Move.StartShift, progressing, EnumSet.of(Step.Waiting, Step.Deploying));
    row(Move.ShiftStep, progressing, EnumSet.of(Step.Shifting));
    row(Move.CompletePhase, progressing, EnumSet.of(Step.Analyzing, Step.Baking));
    row(Move.Reassert, progressing, EnumSet.of(Step.Waiting, Step.Analyzing, Step.Baking));
    row(Move.BeginRollback, EnumSet.complementOf(EnumSet.of(StatusPhase.RollingBack)), ANY_STEP);
    row(Move.RollbackCompleted, rollingBack, EnumSet.of(Step.RollingBack));
    row(Move.RollbackFailed, rollingBack, EnumSet.of(Step.RollingBack));
    row(
        Move.Pause,
        EnumSet.of(StatusPhase.Progressing, StatusPhase.RollingBack),
        EnumSet.complementOf(EnumSet.of(Step.Done)));
    row(Move.Resume, EnumSet.of(StatusPhase.Paused), ANY_STEP);
    row(Move.Restart, EnumSet.complementOf(EnumSet.of(StatusPhase.RollingBack)), ANY_STEP);
    row(Move.Retry, EnumSet.of(StatusPhase.Degraded, StatusPhase.Failed), EnumSet.of(Step.Done));
    row(Move.Revert, EnumSet.of(StatusPhase.Healthy, StatusPhase.Degraded), EnumSet.of(Step.Done));
    for (Move m : Move.values()) {
      if (!TABLE.containsKey(m)) {
        throw new ExceptionInInitializerError("no row for " + m);
      }
    }
  }

  private static void row(Move move, Set<StatusPhase> phases, Set<Step> steps) {
    TABLE.put(move, new From(phases, steps));
  }

  /** Whether {@code move} may start from {@code status}. */
  static boolean allows(Move move, RolloutStatus status) {
    return TABLE.get(move).matches(status);
  }

  private static void check(Pass p, Move move) {
    if (!allows(move, p.status)) {
      throw new IllegalMove(
          "move %s is not allowed from (%s, %s) of rollout %s"
              .formatted(move, p.status.phase(), p.status.step(), p.rollout.name()));
    }
  }

  private static void to(Pass p, Move move, StatusPhase phase, Step step) {
    if (!phase.means(step)) {
      throw new IllegalMove(
          "move %s would leave rollout %s in (%s, %s)"
              .formatted(move, p.rollout.name(), phase, step));
    }
    p.move(b -> b.phase(phase).step(step));
  }

  // ------------------------------------------------------------------ the moves

  /** The first pass: progressing at phase 1, the stable phase the baseline. */
  static void begin(Pass p, Map<String, String> fingerprints) {
    check(p, Move.Begin);
    to(p, Move.Begin, StatusPhase.Progressing, Step.Deploying);
    p.update(
        b ->
            b.observedGeneration(p.generation)
                .currentPhase(p.ref(0))
                .stablePhase(PhaseRef.BASELINE)
                .phaseFingerprints(fingerprints)
                .message("starting"));
  }

  /**
   * Into phase {@code index}: awaiting approval when it needs one not yet given (a rollout promoted
   * in full needs none), else deploying.
   */
  static void enterPhase(Pass p, int index) {
    check(p, Move.EnterPhase);
    Phase phase = p.phase(index);
    p.update(
        b ->
            b.currentPhase(p.ref(index))
                .gates(List.of())
                .phaseStartedAt(null)
                .bakeStartedAt(null)
                .traffic(null)
                .message("phase " + phase.name() + " starting"));
    if (phase.approval() == Phase.Approval.MANUAL
        && p.status.approvedPhase() < index
        && p.status.fullPromotionBy() == null) {
      to(p, Move.EnterPhase, StatusPhase.Progressing, Step.AwaitingApproval);
      p.update(b -> b.message("waiting for approval to start " + phase.name()));
      p.emit(
          EventType.ApprovalRequired,
          Severity.Normal,
          Reason.ApprovalRequired,
          "Phase "
              + phase.name()
              + " needs approval: run `snailtrail approve "
              + p.rollout.name()
              + "`");
      return;
    }
    to(p, Move.EnterPhase, StatusPhase.Progressing, Step.Deploying);
    announceStart(p, index);
  }

  /** The phase awaiting approval got it: it starts deploying. */
  static void approved(Pass p) {
    check(p, Move.Approved);
    Phase phase = p.currentPhase();
    to(p, Move.Approved, StatusPhase.Progressing, Step.Deploying);
    p.update(b -> b.message("phase " + phase.name() + " approved"));
    announceStart(p, p.status.currentPhase().index());
  }

  private static void announceStart(Pass p, int index) {
    p.emit(
        EventType.PhaseStarted,
        Severity.Normal,
        Reason.PhaseReady,
        "Phase " + (index + 1) + "/" + p.phaseCount() + " " + p.phase(index).name() + " started",
        Map.of("index", Integer.toString(index)));
  }

  /** The service runs (or was told to run) the phase: wait for ECS, the phase's clock started. */
  static void awaitDeployment(Pass p, Instant startedAt, String message) {
    check(p, Move.AwaitDeployment);
    to(p, Move.AwaitDeployment, StatusPhase.Progressing, Step.Waiting);
    p.update(b -> b.phaseStartedAt(startedAt).message(message));
  }

  /** ECS finished: the phase's gates start from scratch. */
  static void deploymentCompleted(Pass p) {
    check(p, Move.DeploymentCompleted);
    to(p, Move.DeploymentCompleted, StatusPhase.Progressing, Step.Analyzing);
    p.update(b -> b.gates(AnalysisStep.initialGates(p.currentPhase())).message("analyzing gates"));
  }

  /** Every gate passed: bake from now. */
  static void startBake(Pass p) {
    check(p, Move.StartBake);
    to(p, Move.StartBake, StatusPhase.Progressing, Step.Baking);
    p.update(b -> b.bakeStartedAt(p.now).message("baking"));
  }

  /** The canary runs the phase: its traffic steps begin at 0%, the gates from scratch. */
  static void startShift(Pass p) {
    startShift(p, TrafficStatus.start(p.now), "shifting traffic to the canary");
  }

  /** Traffic starts to shift as {@code traffic} says: the gates from scratch, the phase's clock. */
  static void startShift(Pass p, TrafficStatus traffic, String message) {
    check(p, Move.StartShift);
    boolean deploying = p.status.step() == Step.Deploying;
    to(p, Move.StartShift, StatusPhase.Progressing, Step.Shifting);
    List<GateStatus> gates = AnalysisStep.initialGates(p.currentPhase());
    p.update(
        b ->
            (deploying ? b.phaseStartedAt(p.now) : b)
                .gates(gates)
                .traffic(traffic)
                .message(message));
  }

  /**
   * A traffic step is done, the canary left at {@code weight}: the next step begins, or after the
   * last the stable service deploys the revision.
   */
  static void shiftStep(Pass p, int weight) {
    check(p, Move.ShiftStep);
    TrafficStatus next = p.status.traffic().next(weight, p.now);
    boolean done = next.step() >= p.currentPhase().traffic().steps().size();
    to(p, Move.ShiftStep, StatusPhase.Progressing, done ? Step.Deploying : Step.Shifting);
    p.update(b -> b.traffic(next).message("canary at " + weight + "%"));
  }

  /**
   * The current phase is stable. Returns true when it was the last, the rollout now Healthy;
   * otherwise the next phase has been entered.
   */
  static boolean completePhase(Pass p, String revision) {
    check(p, Move.CompletePhase);
    int index = p.status.currentPhase().index();
    p.update(b -> b.stablePhase(p.ref(index)).failedPhase(null).rollbackTarget(null));
    if (index + 1 >= p.phaseCount()) {
      to(p, Move.CompletePhase, StatusPhase.Healthy, Step.Done);
      p.update(
          b ->
              b.fullPromotionBy(null)
                  .message("all " + p.phaseCount() + " phases complete; running " + revision));
      return true;
    }
    enterPhase(p, index + 1);
    return false;
  }

  /** Someone else changed the service: the phase deploys again, its gates from scratch. */
  static void reassert(Pass p) {
    check(p, Move.Reassert);
    to(p, Move.Reassert, StatusPhase.Progressing, Step.Deploying);
    p.update(b -> b.gates(List.of()).bakeStartedAt(null).message("re-asserting after drift"));
  }

  /** Rolls back from the current phase to {@code target}. */
  static void beginRollback(Pass p, Reason reason, String why, PhaseRef target) {
    check(p, Move.BeginRollback);
    PhaseRef from = p.status.currentPhase();
    p.emit(
        EventType.RollbackStarted,
        Severity.Warning,
        reason,
        "Rolling back from " + from.name() + " to " + target.name() + ": " + why,
        data("from", from.name(), "to", target.name(), "reason", reason.name()));
    to(p, Move.BeginRollback, StatusPhase.RollingBack, Step.RollingBack);
    p.update(
        b ->
            b.pausedFrom(null)
                .fullPromotionBy(null)
                .rollbackTarget(target)
                .failedPhase(from)
                .phaseStartedAt(p.now)
                .bakeStartedAt(null)
                .message("rolling back to " + target.name() + ": " + why));
  }

  /** The service runs the rollback target: held there, Degraded. */
  static void rollbackCompleted(Pass p, PhaseRef target, String message) {
    check(p, Move.RollbackCompleted);
    to(p, Move.RollbackCompleted, StatusPhase.Degraded, Step.Done);
    p.update(
        b ->
            b.currentPhase(target.isBaseline() ? p.status.currentPhase() : target)
                .stablePhase(target)
                .message(message));
  }

  /** The rollback could not finish. */
  static void rollbackFailed(Pass p, String why) {
    check(p, Move.RollbackFailed);
    to(p, Move.RollbackFailed, StatusPhase.Failed, Step.Done);
    p.update(b -> b.message(why));
  }

  /** Stops the rollout where it is until someone resumes it. */
  static void pause(Pass p, String message) {
    check(p, Move.Pause);
    StatusPhase from = p.status.phase();
    to(p, Move.Pause, StatusPhase.Paused, p.status.step());
    p.update(b -> b.pausedFrom(from).message(message));
  }

  /** Back to what the rollout was doing when it was paused. */
  static void resume(Pass p, String message) {
    check(p, Move.Resume);
    StatusPhase back =
        p.status.pausedFrom() != null ? p.status.pausedFrom() : StatusPhase.Progressing;
    to(p, Move.Resume, back, p.status.step());
    p.update(b -> b.pausedFrom(null).message(message));
  }

  /** A new spec changed phase {@code index} or one before the current: restart there. */
  static void restart(Pass p, int index) {
    check(p, Move.Restart);
    Step step = p.status.step();
    boolean settled = step == Step.Done || step == Step.RollingBack;
    to(p, Move.Restart, StatusPhase.Progressing, settled ? Step.Deploying : step);
    p.update(
        b ->
            b.pausedFrom(null)
                .fullPromotionBy(null)
                .stablePhase(index == 0 ? PhaseRef.BASELINE : p.ref(index - 1))
                .rollbackTarget(null)
                .failedPhase(null));
    enterPhase(p, index);
  }

  /** Runs the failed phase again (approved: a person asked for it). */
  static void retry(Pass p) {
    check(p, Move.Retry);
    int index = p.status.failedPhase().index();
    to(p, Move.Retry, StatusPhase.Progressing, Step.Deploying);
    p.update(b -> b.approvedPhase(index).rollbackTarget(null).failedPhase(null));
    enterPhase(p, index);
  }

  /**
   * Someone changed a settled rollout's service: a Healthy one deploys its stable (last) phase
   * again, through its gates; a Degraded one rolls back to its rollback target again.
   */
  static void revert(Pass p) {
    check(p, Move.Revert);
    if (p.status.phase() == StatusPhase.Healthy) {
      to(p, Move.Revert, StatusPhase.Progressing, Step.Deploying);
      p.update(
          b ->
              b.gates(List.of())
                  .phaseStartedAt(null)
                  .bakeStartedAt(null)
                  .message("reverting drift: deploying " + p.currentPhase().name() + " again"));
      return;
    }
    to(p, Move.Revert, StatusPhase.RollingBack, Step.RollingBack);
    p.update(
        b ->
            b.phaseStartedAt(p.now)
                .message(
                    "reverting drift: rolling back to "
                        + p.status.rollbackTarget().name()
                        + " again"));
  }
}
