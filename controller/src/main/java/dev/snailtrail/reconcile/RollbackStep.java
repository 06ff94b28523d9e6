package dev.snailtrail.reconcile;

import static dev.snailtrail.provider.TaskDefinition.shortName;
import static dev.snailtrail.reconcile.Pass.data;

import dev.snailtrail.provider.DeploymentRolloutState;
import dev.snailtrail.provider.Ecs.Deployment;
import dev.snailtrail.provider.Ecs.ServiceState;
import dev.snailtrail.provider.Providers;
import dev.snailtrail.rollout.PhaseRef;
import dev.snailtrail.rollout.Reason;
import dev.snailtrail.spec.Durations;
import dev.snailtrail.spec.Phase;
import dev.snailtrail.trail.EventType;
import dev.snailtrail.trail.Severity;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * RollingBack: the service returns to the rollback target's revision and is held there, Degraded,
 * until a new spec, {@code retry} or {@code undo}.
 */
final class RollbackStep {
  private final Providers providers;
  private final DeployStep deploy;
  private final TrafficStep traffic;
  private final EcsTrafficStep ecsTraffic;

  RollbackStep(
      Providers providers, DeployStep deploy, TrafficStep traffic, EcsTrafficStep ecsTraffic) {
    this.providers = providers;
    this.deploy = deploy;
    this.traffic = traffic;
    this.ecsTraffic = ecsTraffic;
  }

  /** Where a failure of the current phase goes: {@code rollbackTo}, else the stable phase. */
  static PhaseRef targetFor(Pass p) {
    Phase phase = p.currentPhase();
    if (phase.rollbackTo() != null) {
      return p.ref(p.rollout.spec().indexOf(phase.rollbackTo()));
    }
    PhaseRef stable = p.status.stablePhase();
    return stable.index() < p.status.currentPhase().index()
        ? stable
        : p.ref(p.status.currentPhase().index() - 1);
  }

  static ReconcileResult begin(Pass p, Reason reason, String why) {
    return begin(p, reason, why, targetFor(p));
  }

  static ReconcileResult begin(Pass p, Reason reason, String why, PhaseRef target) {
    Transitions.beginRollback(p, reason, why, target);
    return p.result(Duration.ZERO);
  }

  ReconcileResult run(Pass p) {
    // Every request on stable first, the canary emptied: the fastest rollback there is.
    Optional<ReconcileResult> restored =
        traffic.restoreStable(p).or(() -> ecsTraffic.stopForRollback(p));
    if (restored.isPresent()) {
      return restored.get();
    }
    PhaseRef target = p.status.rollbackTarget();
    if (!target.isBaseline() && deploy.revisions().ensure(p, target.index())) {
      return p.result(Duration.ZERO);
    }
    Optional<ServiceState> current = providers.ecs().describeService(p.service);
    Destination to = destination(p, target, current);
    if (current.isEmpty() || to.arn() == null) {
      return fail(
          p, "the service " + p.service.service() + " no longer exists; nothing to roll back to");
    }
    String arn = to.arn();
    Integer desired = TaskCounts.resolve(p, providers, to.desired(), target.name());
    ServiceState s = current.get();
    if (!arn.equals(s.taskDefinitionArn()) || (desired != null && s.desiredCount() != desired)) {
      Optional<ReconcileResult> refused = deploy.ownership().claim(p, s);
      if (refused.isPresent()) {
        return refused.get();
      }
      EcsStrategies.update(p, providers, p.service, s, arn, desired);
      p.emit(
          EventType.ServiceUpdated,
          Severity.Warning,
          Reason.ServiceUpdated,
          "Service rolled back to "
              + shortName(arn)
              + " ("
              + target.name()
              + ")"
              + DeployStep.tasks(desired, s.desiredCount()),
          data("revision", shortName(arn), "from", shortName(s.taskDefinitionArn())));
      p.update(b -> b.phaseStartedAt(p.now));
      return p.result(deploy.poll(p));
    }
    return settle(p, target, arn, TaskCounts.expected(p, s.desiredCount()), s);
  }

  /** The service runs the target: wait for ECS to settle it, then hold there. */
  private ReconcileResult settle(Pass p, PhaseRef target, String arn, int desired, ServiceState s) {
    // After ECS's own rollback of a blue/green deployment the service runs the target again while
    // the failed deployment may still be listed as PRIMARY: only the target's deployment counts.
    Deployment primary = s.primary().filter(d -> arn.equals(d.taskDefinitionArn())).orElse(null);
    DeploymentRolloutState state =
        primary == null ? DeploymentRolloutState.COMPLETED : primary.rolloutState();
    if (state == DeploymentRolloutState.COMPLETED && s.runningCount() >= desired) {
      PhaseRef failed = p.status.failedPhase();
      String msg =
          "Rolled back to "
              + target.name()
              + " ("
              + shortName(arn)
              + ", "
              + desired
              + " tasks); "
              + (failed == null ? "" : failed.name() + " failed. ")
              + "Fix the spec and apply it, or `snailtrail retry "
              + p.rollout.name()
              + "`";
      p.emit(
          EventType.RollbackCompleted,
          Severity.Warning,
          Reason.RollbackComplete,
          msg,
          data("to", target.name(), "revision", shortName(arn)));
      Transitions.rollbackCompleted(p, target, msg);
      return p.result(null);
    }
    if (state == DeploymentRolloutState.FAILED) {
      return fail(
          p,
          "the rollback deployment failed: "
              + DeployStep.orElse(primary.rolloutStateReason(), "no reason given"));
    }
    Instant deadline = p.status.phaseStartedAt().plus(p.rollout.spec().progressDeadline());
    if (!p.now.isBefore(deadline)) {
      return fail(
          p,
          "the rollback to "
              + target.name()
              + " did not settle within "
              + Durations.format(p.rollout.spec().progressDeadline())
              + ": "
              + s.runningCount()
              + "/"
              + desired
              + " running");
    }
    p.update(
        b ->
            b.message(
                "rolling back to "
                    + target.name()
                    + ": "
                    + s.runningCount()
                    + "/"
                    + desired
                    + " running"));
    Duration untilDeadline = Duration.between(p.now, deadline);
    Duration poll = deploy.poll(p);
    return p.result(untilDeadline.compareTo(poll) < 0 ? untilDeadline : poll);
  }

  /** Where the rollback goes: the target's revision and count (null: the service keeps its own). */
  private record Destination(String arn, Integer desired) {}

  private static Destination destination(Pass p, PhaseRef target, Optional<ServiceState> current) {
    if (target.isBaseline()) {
      // A service the rollout created has no earlier revision: holding it at zero tasks is the
      // closest thing to "as it was".
      return p.status.baseline() != null
          ? new Destination(p.status.baseline(), p.status.baselineDesiredCount())
          : new Destination(current.map(ServiceState::taskDefinitionArn).orElse(null), 0);
    }
    return new Destination(
        p.status.revisions().get(target.name()), p.phase(target.index()).desiredCount());
  }

  private static ReconcileResult fail(Pass p, String why) {
    p.emit(
        EventType.RollbackFailed,
        Severity.Error,
        Reason.RollbackFailed,
        "Rollback failed: " + why + "; needs a person");
    Transitions.rollbackFailed(p, why);
    return p.result(null);
  }
}
