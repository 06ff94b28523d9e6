package dev.snailtrail.rollout;

import dev.snailtrail.provider.DeploymentStrategy;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Everything the controller knows about a rollout's progress. The only memory between passes: a
 * pass after a crash or restart reads this and the real service and reaches the same decision.
 *
 * @param observedGeneration the spec generation this status was computed from
 * @param phase the rollout as a whole
 * @param step what happens within the current phase
 * @param currentPhase the phase being rolled (or rolled back from)
 * @param stablePhase the last phase whose gates passed and bake elapsed (baseline at first)
 * @param baseline the task definition ARN the service ran before the rollout touched it, or null
 *     when the rollout created the service
 * @param baselineDesiredCount the service's desired count before the rollout
 * @param baselineRecorded whether {@code baseline} and {@code baselineDesiredCount} hold what the
 *     service ran when the rollout began: false until the first pass looks, true from then on (and
 *     in a status rebuilt from the trail, which recorded them)
 * @param desiredCount the task count the current phase (or rollback) asked ECS for and holds the
 *     service to; null when the service keeps its own count (the phase sets none, or Application
 *     Auto Scaling owns it)
 * @param revisions registered task definition ARN per phase name
 * @param gates tallies of the current phase's gates
 * @param conditions Available, Progressing, Paused
 * @param progress percent, from phases done and gates passed
 * @param message a sentence on the current state
 * @param phaseStartedAt when the current phase's deployment (or rollback) began, or null
 * @param bakeStartedAt when the current phase's bake began, or null
 * @param rollbackTarget where a rollback goes (while RollingBack or after, Degraded), or null
 * @param failedPhase the phase whose failure caused the rollback, or null
 * @param pausedFrom the phase the rollout was in when paused, or null
 * @param approvedPhase the index of the last phase a person approved, or -1
 * @param fullPromotionBy who promoted the rollout in full, or null: it then goes straight to its
 *     last phase, which completes as soon as ECS has deployed it, without approval, analysis or
 *     bake; a rollback, a retry or a spec that restarts the rollout ends it
 * @param phaseFingerprints the content of each phase as last applied, to find what a new spec
 *     changed
 * @param eventSeq the sequence number of the last trail event
 * @param traffic where a phase that shifts traffic is in its steps, and the canary's weight; null
 *     for a phase without traffic steps
 * @param baselineStrategy the service's deployment strategy before the rollout, which phases
 *     without {@code traffic.mode: ecs} and rollbacks deploy under; null when not recorded
 */
public record RolloutStatus(
    long observedGeneration,
    StatusPhase phase,
    Step step,
    PhaseRef currentPhase,
    PhaseRef stablePhase,
    String baseline,
    int baselineDesiredCount,
    boolean baselineRecorded,
    Integer desiredCount,
    Map<String, String> revisions,
    List<GateStatus> gates,
    List<Condition> conditions,
    int progress,
    String message,
    Instant phaseStartedAt,
    Instant bakeStartedAt,
    PhaseRef rollbackTarget,
    PhaseRef failedPhase,
    StatusPhase pausedFrom,
    int approvedPhase,
    String fullPromotionBy,
    Map<String, String> phaseFingerprints,
    long eventSeq,
    TrafficStatus traffic,
    DeploymentStrategy baselineStrategy) {

  public RolloutStatus {
    revisions = Map.copyOf(revisions);
    gates = List.copyOf(gates);
    conditions = List.copyOf(conditions);
    phaseFingerprints = Map.copyOf(phaseFingerprints);
  }

  /** The status of a rollout the controller has not looked at yet. */
  public static RolloutStatus initial() {
    return new RolloutStatus(
        0,
        StatusPhase.Progressing,
        Step.Deploying,
        new PhaseRef(0, ""),
        PhaseRef.BASELINE,
        null,
        0,
        false,
        null,
        Map.of(),
        List.of(),
        List.of(),
        0,
        "not reconciled yet",
        null,
        null,
        null,
        null,
        null,
        -1,
        null,
        Map.of(),
        0,
        null,
        null);
  }

  /**
   * This status marked as stuck on a bug: the pass that found it wrote nothing else, the controller
   * retries with back-off, and the next pass that succeeds clears the mark (its conditions are
   * derived afresh).
   *
   * @param summary the exception in one line, no stack trace
   */
  public RolloutStatus withInternalError(String summary, Instant now) {
    return withProblem(
        Condition.Type.InternalError,
        Reason.InternalError,
        "internal error (a bug, not an outage; see the controller log): " + summary,
        now);
  }

  /**
   * This status as shown for a rollout whose files in the store cannot be read: nothing reconciles
   * it, nothing writes it, until a person repairs the file.
   *
   * @param message names the file, what is wrong with it, and what to do
   */
  public RolloutStatus withStoreDamaged(String message, Instant now) {
    return withProblem(Condition.Type.StoreDamaged, Reason.StoreDamaged, message, now);
  }

  /**
   * The conditions that hold and need a person's eye though the phase does not show them: the
   * service drifted, the provider cannot be reached, a bug. Oldest first.
   */
  public List<Condition> warnings() {
    return conditions.stream()
        .filter(
            c ->
                c.holds(Condition.Type.Drifted)
                    || c.holds(Condition.Type.ProviderUnavailable)
                    || c.holds(Condition.Type.InternalError))
        .toList();
  }

  /** Whether the rollout's files in the store cannot be read (see {@link #withStoreDamaged}). */
  public boolean storeDamaged() {
    return conditions.stream().anyMatch(c -> c.holds(Condition.Type.StoreDamaged));
  }

  /** With a condition of {@code type} that holds, since it first did, and its message. */
  private RolloutStatus withProblem(Condition.Type type, Reason reason, String msg, Instant now) {
    List<Condition> kept = new java.util.ArrayList<>();
    Condition previous = null;
    for (Condition c : conditions) {
      if (c.type() == type) {
        previous = c;
      } else {
        kept.add(c);
      }
    }
    kept.add(
        new Condition(
            type,
            Condition.Status.True,
            reason,
            msg,
            previous != null ? previous.lastTransitionTime() : now));
    return toBuilder().conditions(kept).message(msg).build();
  }

  /** A builder seeded with this status, for the few fields a transition changes. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /** Copies a status with some fields changed. */
  public static final class Builder {
    private long observedGeneration;
    private StatusPhase phase;
    private Step step;
    private PhaseRef currentPhase;
    private PhaseRef stablePhase;
    private String baseline;
    private int baselineDesiredCount;
    private boolean baselineRecorded;
    private Integer desiredCount;
    private Map<String, String> revisions;
    private List<GateStatus> gates;
    private List<Condition> conditions;
    private int progress;
    private String message;
    private Instant phaseStartedAt;
    private Instant bakeStartedAt;
    private PhaseRef rollbackTarget;
    private PhaseRef failedPhase;
    private StatusPhase pausedFrom;
    private int approvedPhase;
    private String fullPromotionBy;
    private Map<String, String> phaseFingerprints;
    private long eventSeq;
    private TrafficStatus traffic;
    private DeploymentStrategy baselineStrategy;

    private Builder(RolloutStatus s) {
      observedGeneration = s.observedGeneration;
      phase = s.phase;
      step = s.step;
      currentPhase = s.currentPhase;
      stablePhase = s.stablePhase;
      baseline = s.baseline;
      baselineDesiredCount = s.baselineDesiredCount;
      baselineRecorded = s.baselineRecorded;
      desiredCount = s.desiredCount;
      revisions = s.revisions;
      gates = s.gates;
      conditions = s.conditions;
      progress = s.progress;
      message = s.message;
      phaseStartedAt = s.phaseStartedAt;
      bakeStartedAt = s.bakeStartedAt;
      rollbackTarget = s.rollbackTarget;
      failedPhase = s.failedPhase;
      pausedFrom = s.pausedFrom;
      approvedPhase = s.approvedPhase;
      fullPromotionBy = s.fullPromotionBy;
      phaseFingerprints = s.phaseFingerprints;
      eventSeq = s.eventSeq;
      traffic = s.traffic;
      baselineStrategy = s.baselineStrategy;
    }

    public Builder observedGeneration(long v) {
      observedGeneration = v;
      return this;
    }

    public Builder phase(StatusPhase v) {
      phase = v;
      return this;
    }

    public Builder step(Step v) {
      step = v;
      return this;
    }

    public Builder currentPhase(PhaseRef v) {
      currentPhase = v;
      return this;
    }

    public Builder stablePhase(PhaseRef v) {
      stablePhase = v;
      return this;
    }

    public Builder baseline(String v) {
      baseline = v;
      return this;
    }

    public Builder baselineDesiredCount(int v) {
      baselineDesiredCount = v;
      return this;
    }

    public Builder baselineRecorded(boolean v) {
      baselineRecorded = v;
      return this;
    }

    public Builder desiredCount(Integer v) {
      desiredCount = v;
      return this;
    }

    public Builder revisions(Map<String, String> v) {
      revisions = v;
      return this;
    }

    public Builder gates(List<GateStatus> v) {
      gates = v;
      return this;
    }

    public Builder conditions(List<Condition> v) {
      conditions = v;
      return this;
    }

    public Builder progress(int v) {
      progress = v;
      return this;
    }

    public Builder message(String v) {
      message = v;
      return this;
    }

    public Builder phaseStartedAt(Instant v) {
      phaseStartedAt = v;
      return this;
    }

    public Builder bakeStartedAt(Instant v) {
      bakeStartedAt = v;
      return this;
    }

    public Builder rollbackTarget(PhaseRef v) {
      rollbackTarget = v;
      return this;
    }

    public Builder failedPhase(PhaseRef v) {
      failedPhase = v;
      return this;
    }

    public Builder pausedFrom(StatusPhase v) {
      pausedFrom = v;
      return this;
    }

    public Builder approvedPhase(int v) {
      approvedPhase = v;
      return this;
    }

    public Builder fullPromotionBy(String v) {
      fullPromotionBy = v;
      return this;
    }

    public Builder phaseFingerprints(Map<String, String> v) {
      phaseFingerprints = v;
      return this;
    }

    public Builder traffic(TrafficStatus v) {
      traffic = v;
      return this;
    }

    public Builder baselineStrategy(DeploymentStrategy v) {
      baselineStrategy = v;
      return this;
    }

    public Builder eventSeq(long v) {
      eventSeq = v;
      return this;
    }

    public RolloutStatus build() {
      return new RolloutStatus(
          observedGeneration,
          phase,
          step,
          currentPhase,
          stablePhase,
          baseline,
          baselineDesiredCount,
          baselineRecorded,
          desiredCount,
          revisions,
          gates,
          conditions,
          progress,
          message,
          phaseStartedAt,
          bakeStartedAt,
          rollbackTarget,
          failedPhase,
          pausedFrom,
          approvedPhase,
          fullPromotionBy,
          phaseFingerprints,
          eventSeq,
          traffic,
          baselineStrategy);
    }
  }
}
