package dev.snailtrail.reconcile;

import static dev.snailtrail.provider.TaskDefinition.shortName;
import static dev.snailtrail.reconcile.Pass.data;

import dev.snailtrail.provider.DeploymentRolloutState;
import dev.snailtrail.provider.Ecs.Deployment;
import dev.snailtrail.provider.Ecs.ServiceState;
import dev.snailtrail.provider.LoadBalancing.WeightedTargetGroup;
import dev.snailtrail.provider.Providers;
import dev.snailtrail.provider.ServiceRef;
import dev.snailtrail.rollout.GateStatus;
import dev.snailtrail.rollout.Reason;
import dev.snailtrail.rollout.TrafficStatus;
import dev.snailtrail.spec.Durations;
import dev.snailtrail.spec.Phase;
import dev.snailtrail.spec.Target.TrafficRouting;
import dev.snailtrail.spec.Traffic;
import dev.snailtrail.trail.EventType;
import dev.snailtrail.trail.Severity;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A phase with traffic steps. The canary service runs the phase's revision with the stable
 * service's count (Deploying, Waiting); the rule's weights step while the gates are measured on the
 * canary (Shifting), a failure at any step rolling back; after the last step the stable service
 * takes the revision ({@link DeployStep}), and once it runs it the rule returns to 100/0 and the
 * canary scales to zero before the phase is analysed as any other. A rollback first puts every
 * request on stable (one call), then scales the canary to zero ({@link #restoreStable}).
 */
final class TrafficStep {
  private final Providers providers;
  private final DeployStep deploy;
  private final AnalysisStep analysis;

  TrafficStep(Providers providers, DeployStep deploy, AnalysisStep analysis) {
    this.providers = providers;
    this.deploy = deploy;
    this.analysis = analysis;
  }

  /** Whether the current phase's revision goes to the canary service now (not yet to stable). */
  static boolean onCanary(Pass p) {
    Phase phase = p.currentPhase();
    return phase.shiftsTraffic()
        && (p.status.traffic() == null
            || p.status.traffic().step() < phase.traffic().steps().size());
  }

  private static ServiceRef canary(Pass p) {
    TrafficRouting r = p.rollout.spec().target().traffic();
    return new ServiceRef(p.service.region(), p.service.cluster(), r.canaryService());
  }

  /** Deploying to the canary: the phase's revision, with the stable service's count. */
  ReconcileResult deploy(Pass p) {
    Optional<ReconcileResult> prepared = deploy.prepare(p);
    if (prepared.isPresent()) {
      return prepared.get();
    }
    // A phase entered again (a new spec, a retry) may find the rule where the last attempt left it:
    // no request reaches the canary while it changes revision.
    int left = weights(p);
    if (left != 0) {
      route(p, 0);
      emitRestored(p, left, false, "the canary takes a new revision");
      return p.result(Duration.ZERO);
    }
    String arn = p.status.revisions().get(p.currentPhase().name());
    ServiceRef ref = canary(p);
    Optional<ServiceState> stable = providers.ecs().describeService(p.service);
    Optional<ServiceState> canary = providers.ecs().describeService(ref);
    if (stable.isEmpty() || canary.isEmpty()) {
      String msg =
          "service "
              + (stable.isEmpty() ? p.service.service() : ref.service())
              + " not found in cluster "
              + p.service.cluster()
              + "; a phase with traffic needs the stable and the canary service (`snailtrail"
              + " doctor` checks both), then `snailtrail resume "
              + p.rollout.name()
              + "`";
      p.emit(EventType.PreflightFailed, Severity.Error, Reason.ServiceMissing, msg);
      Transitions.pause(p, msg);
      return p.result(null);
    }
    int count = stable.get().desiredCount();
    ServiceState c = canary.get();
    if (arn.equals(c.taskDefinitionArn()) && c.desiredCount() == count) {
      Instant began = c.primary().map(Deployment::createdAt).orElse(null);
      Transitions.awaitDeployment(p, began == null ? p.now : began, "canary deployment under way");
      return p.result(Duration.ZERO);
    }
    Optional<ReconcileResult> refused = deploy.ownership().claim(p, c);
    if (refused.isPresent()) {
      return refused.get();
    }
    providers.ecs().updateService(ref, arn, count);
    p.emit(
        EventType.ServiceUpdated,
        Severity.Normal,
        Reason.ServiceUpdated,
        "Canary service "
            + ref.service()
            + " updated to "
            + shortName(arn)
            + " with "
            + count
            + " tasks (the stable service's count)",
        data("revision", shortName(arn), "service", ref.service()));
    Transitions.awaitDeployment(p, p.now, "waiting for the canary's ECS deployment");
    return p.result(deploy.poll(p));
  }

  /** Waiting, on the canary's deployment, or on stable's after the steps (then the clean-up). */
  ReconcileResult await(Pass p) {
    if (!onCanary(p)) {
      return finishing(p).orElseGet(() -> deploy.await(p));
    }
    String arn = p.status.revisions().get(p.currentPhase().name());
    ServiceState c = providers.ecs().describeService(canary(p)).orElse(null);
    Deployment primary = c == null ? null : c.primary().orElse(null);
    if (c != null
        && arn.equals(c.taskDefinitionArn())
        && primary != null
        && primary.rolloutState() == DeploymentRolloutState.COMPLETED
        && c.runningCount() >= c.desiredCount()) {
      p.emit(
          EventType.DeploymentCompleted,
          Severity.Normal,
          Reason.DeploymentCompleted,
          "Canary deployment completed: "
              + c.runningCount()
              + " tasks running "
              + shortName(arn)
              + "; shifting traffic",
          data("revision", shortName(arn), "service", c.ref().service()));
      Transitions.startShift(p);
      return p.result(Duration.ZERO);
    }
    if (c == null || !arn.equals(c.taskDefinitionArn())) {
      return RollbackStep.begin(
          p, Reason.Drift, "the canary service no longer runs " + shortName(arn));
    }
    if (primary != null && primary.rolloutState() == DeploymentRolloutState.FAILED) {
      String why =
          "the canary's ECS deployment failed: "
              + DeployStep.orElse(primary.rolloutStateReason(), "no reason given");
      p.emit(EventType.DeploymentFailed, Severity.Warning, Reason.DeploymentFailed, why);
      return RollbackStep.begin(p, Reason.DeploymentFailed, why);
    }
    Instant deadline = p.status.phaseStartedAt().plus(p.rollout.spec().progressDeadline());
    if (!p.now.isBefore(deadline)) {
      return RollbackStep.begin(
          p,
          Reason.ProgressDeadlineExceeded,
          "the canary did not deploy within "
              + Durations.format(p.rollout.spec().progressDeadline())
              + ": "
              + c.runningCount()
              + "/"
              + c.desiredCount()
              + " tasks running");
    }
    p.update(
        b ->
            b.message(
                "waiting for the canary's deployment: "
                    + c.runningCount()
                    + "/"
                    + c.desiredCount()
                    + " running"));
    Duration poll = deploy.poll(p);
    Duration left = Duration.between(p.now, deadline);
    return p.result(left.compareTo(poll) < 0 ? left : poll);
  }

  /** Shifting: gates measured on the canary; a failure rolls back, else the next step is taken. */
  ReconcileResult shift(Pass p) {
    Phase phase = p.currentPhase();
    String arn = p.status.revisions().get(phase.name());
    ServiceRef ref = canary(p);
    Optional<ServiceState> c = providers.ecs().describeService(ref);
    if (c.isEmpty() || !arn.equals(c.get().taskDefinitionArn())) {
      return RollbackStep.begin(
          p, Reason.Drift, "the canary service no longer runs " + shortName(arn));
    }
    List<GateStatus> gates = analysis.measure(p, phase, arn, null, ref, c.get());
    p.update(b -> b.gates(gates));
    Optional<ReconcileResult> verdict = AnalysisStep.failedOrStuck(p, phase, gates);
    if (verdict.isPresent()) {
      return verdict.get();
    }
    TrafficStatus t = p.status.traffic();
    Traffic.Step step = phase.traffic().steps().get(t.step());
    return switch (step) {
      case Traffic.SetWeight w -> setWeight(p, w.weight());
      case Traffic.Pause pause -> pause(p, phase, gates, t, pause.duration());
    };
  }

  private ReconcileResult setWeight(Pass p, int weight) {
    int before = weights(p);
    if (before != weight) {
      route(p, weight);
      TrafficRouting r = p.rollout.spec().target().traffic();
      p.emit(
          EventType.TrafficShifted,
          Severity.Normal,
          Reason.TrafficShifted,
          "Traffic shifted: "
              + weight
              + "% to canary "
              + r.canaryService()
              + ", "
              + (100 - weight)
              + "% to "
              + p.service.service(),
          data("weight", Integer.toString(weight), "from", Integer.toString(before)));
    }
    Transitions.shiftStep(p, weight);
    return p.result(Duration.ZERO);
  }

  private ReconcileResult pause(
      Pass p, Phase phase, List<GateStatus> gates, TrafficStatus t, Duration length) {
    Instant end = t.stepStartedAt().plus(length);
    if (!p.now.isBefore(end)) {
      Transitions.shiftStep(p, t.weight());
      return p.result(Duration.ZERO);
    }
    p.update(
        b ->
            b.message(
                "canary at " + t.weight() + "% until " + end + ": " + AnalysisStep.summary(gates)));
    Duration wake = AnalysisStep.nextWake(p, phase, gates);
    Duration left = Duration.between(p.now, end);
    return p.result(left.compareTo(wake) < 0 ? left : wake);
  }

  /**
   * After the steps, once the stable service runs the revision: the rule back to 100/0, then the
   * canary to zero, one per pass; empty when both are so (or the stable service still deploys).
   */
  private Optional<ReconcileResult> finishing(Pass p) {
    if (!p.currentPhase().shiftsTraffic()) {
      return Optional.empty();
    }
    String arn = p.status.revisions().get(p.currentPhase().name());
    Optional<ServiceState> stable = providers.ecs().describeService(p.service);
    boolean deployed =
        stable.isPresent()
            && arn.equals(stable.get().taskDefinitionArn())
            && stable.get().primary().map(d -> d.rolloutState()).orElse(null)
                == DeploymentRolloutState.COMPLETED
            && stable.get().runningCount() >= TaskCounts.expected(p, stable.get().desiredCount());
    if (!deployed) {
      return Optional.empty();
    }
    return restore(p, false, "the stable service runs " + shortName(arn));
  }

  /**
   * Before a phase without traffic deploys in a rollout with {@code target.traffic}: a rule or a
   * canary that an earlier attempt left serving (its spec changed mid-shift) is put back first.
   */
  Optional<ReconcileResult> leftOver(Pass p) {
    if (p.rollout.spec().target().traffic() == null || p.currentPhase().shiftsTraffic()) {
      return Optional.empty();
    }
    return restore(p, false, "phase " + p.currentPhase().name() + " does not shift traffic");
  }

  /**
   * Rolling back a rollout with {@code target.traffic}: every request to stable first (one call),
   * then the canary to zero, one per pass; empty when both are so and the rollback may go on.
   */
  Optional<ReconcileResult> restoreStable(Pass p) {
    if (p.rollout.spec().target().traffic() == null) {
      return Optional.empty();
    }
    return restore(p, true, "rolling back");
  }

  private Optional<ReconcileResult> restore(Pass p, boolean rollback, String why) {
    int weight = weights(p);
    if (weight != 0) {
      route(p, 0);
      emitRestored(p, weight, rollback, why);
      return Optional.of(p.result(Duration.ZERO));
    }
    ServiceRef ref = canary(p);
    Optional<ServiceState> c = providers.ecs().describeService(ref);
    if (c.isPresent() && c.get().desiredCount() > 0) {
      providers.ecs().updateService(ref, c.get().taskDefinitionArn(), 0);
      p.emit(
          EventType.ServiceUpdated,
          Severity.Normal,
          Reason.ServiceUpdated,
          "Canary service " + ref.service() + " scaled to 0 tasks (" + why + ")",
          data("service", ref.service(), "revision", shortName(c.get().taskDefinitionArn())));
      return Optional.of(p.result(Duration.ZERO));
    }
    return Optional.empty();
  }

  private static void emitRestored(Pass p, int from, boolean rollback, String why) {
    p.emit(
        EventType.TrafficShifted,
        rollback ? Severity.Warning : Severity.Normal,
        Reason.TrafficRestored,
        "Traffic back to "
            + p.service.service()
            + ": 100% stable, 0% to canary "
            + p.rollout.spec().target().traffic().canaryService()
            + " ("
            + why
            + ")",
        data("weight", "0", "from", Integer.toString(from)));
  }

  /** The canary's weight on the rule now, in percent of the two groups' total. */
  private int weights(Pass p) {
    TrafficRouting r = p.rollout.spec().target().traffic();
    List<WeightedTargetGroup> groups =
        providers.loadBalancing().forwardWeights(p.service.region(), r.forwardArn());
    int total = groups.stream().mapToInt(WeightedTargetGroup::weight).sum();
    int canary =
        groups.stream()
            .filter(g -> g.targetGroupArn().equals(r.canaryTargetGroupArn()))
            .mapToInt(WeightedTargetGroup::weight)
            .sum();
    return total == 0 ? 0 : Math.round(100f * canary / total);
  }

  /** One ModifyRule (or ModifyListener): the canary at {@code weight}, stable the rest. */
  private void route(Pass p, int weight) {
    TrafficRouting r = p.rollout.spec().target().traffic();
    providers
        .loadBalancing()
        .setForwardWeights(
            p.service.region(),
            r.forwardArn(),
            List.of(
                new WeightedTargetGroup(r.stableTargetGroupArn(), 100 - weight),
                new WeightedTargetGroup(r.canaryTargetGroupArn(), weight)));
    if (p.status.traffic() != null) {
      p.update(b -> b.traffic(p.status.traffic().withWeight(weight)));
    }
  }
}
