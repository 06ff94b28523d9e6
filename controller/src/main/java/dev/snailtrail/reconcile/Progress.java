package dev.snailtrail.reconcile;

import dev.snailtrail.rollout.Condition;
import dev.snailtrail.rollout.GateResult;
import dev.snailtrail.rollout.GateStatus;
import dev.snailtrail.rollout.Reason;
import dev.snailtrail.rollout.RolloutStatus;
import dev.snailtrail.rollout.StatusPhase;
import dev.snailtrail.spec.Rollout;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/** Derives progress percent and conditions from a status, at the end of every pass. */
final class Progress {
  private Progress() {}

  /**
   * @param cause the reason of the last event this pass emitted, or null: a condition that changes
   *     in this pass carries it
   */
  static RolloutStatus annotate(Rollout rollout, RolloutStatus s, Instant now, Reason cause) {
    return s.toBuilder()
        .progress(percent(rollout, s, now))
        .conditions(conditions(s, now, cause))
        .build();
  }

  static int percent(Rollout rollout, RolloutStatus s, Instant now) {
    int phases = rollout.spec().phases().size();
    if (s.phase() == StatusPhase.Healthy) {
      return 100;
    }
    int done = s.stablePhase().index() + 1;
    double within =
        switch (s.step()) {
          case AwaitingApproval, Deploying, RollingBack, Done -> 0.0;
          case Waiting -> 0.1;
          case Shifting -> 0.1 + 0.1 * (s.traffic() == null ? 0 : s.traffic().weight()) / 100.0;
          case Analyzing -> 0.2 + 0.5 * passedFraction(s.gates());
          case Baking -> 0.7 + 0.3 * bakeFraction(rollout, s, now);
        };
    if (s.phase() != StatusPhase.Progressing && s.phase() != StatusPhase.Paused) {
      within = 0;
    }
    int current = Math.max(s.currentPhase().index(), done);
    double value = (done + (current == done ? within : 0)) / phases * 100.0;
    return (int) Math.max(0, Math.min(99, Math.floor(value)));
  }

  private static double passedFraction(List<GateStatus> gates) {
    if (gates.isEmpty()) {
      return 1.0;
    }
    long passed = gates.stream().filter(g -> g.result() == GateResult.Passed).count();
    return (double) passed / gates.size();
  }

  private static double bakeFraction(Rollout rollout, RolloutStatus s, Instant now) {
    Duration bake = rollout.spec().phases().get(s.currentPhase().index()).bake();
    if (bake.isZero() || s.bakeStartedAt() == null) {
      return 1.0;
    }
    double f = (double) Duration.between(s.bakeStartedAt(), now).toMillis() / bake.toMillis();
    return Math.max(0, Math.min(1, f));
  }

  private static List<Condition> conditions(RolloutStatus s, Instant now, Reason cause) {
    List<Condition> out = new ArrayList<>();
    boolean moving = s.phase() == StatusPhase.Progressing || s.phase() == StatusPhase.RollingBack;
    out.add(keep(s, Condition.Type.Progressing, Condition.Status.of(moving), cause, now));
    boolean available =
        s.phase() == StatusPhase.Healthy
            || s.phase() == StatusPhase.Degraded
            || s.stablePhase().index() >= 0;
    out.add(
        keep(
            s,
            Condition.Type.Available,
            available ? Condition.Status.True : Condition.Status.Unknown,
            cause,
            now));
    out.add(
        keep(
            s,
            Condition.Type.Paused,
            Condition.Status.of(s.phase() == StatusPhase.Paused),
            cause,
            now));
    // What a pass says of the world rather than of the rollout lasts until a pass says otherwise.
    s.conditions().stream().filter(c -> CARRIED.contains(c.type())).forEach(out::add);
    return out;
  }

  /** Conditions a pass raises and clears itself ({@link Pass#raise}); the rest are derived. */
  static final Set<Condition.Type> CARRIED =
      EnumSet.of(Condition.Type.Drifted, Condition.Type.ProviderUnavailable);

  private static Reason reasonFor(RolloutStatus s) {
    return switch (s.phase()) {
      case Healthy -> Reason.RolloutComplete;
      case Degraded -> Reason.RollbackComplete;
      case Failed -> Reason.RollbackFailed;
      case RollingBack -> Reason.GateFailed;
      case Paused -> Reason.ManualPause;
      case Progressing -> Reason.PhaseReady;
    };
  }

  /**
   * A condition that did not change keeps its reason and transition time; one that changed takes
   * this pass's cause (or one derived from the phase).
   */
  private static Condition keep(
      RolloutStatus s, Condition.Type type, Condition.Status status, Reason cause, Instant now) {
    for (Condition c : s.conditions()) {
      if (c.type() == type && c.status() == status) {
        return new Condition(type, status, c.reason(), s.message(), c.lastTransitionTime());
      }
    }
    return new Condition(type, status, cause != null ? cause : reasonFor(s), s.message(), now);
  }
}
