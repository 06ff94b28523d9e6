package dev.snailtrail.reconcile;

import dev.snailtrail.gate.GateEvaluator;
import dev.snailtrail.provider.DeploymentStrategy;
import dev.snailtrail.provider.Ecs.ServiceState;
import dev.snailtrail.provider.Providers;
import dev.snailtrail.provider.TaskDefinition;
import dev.snailtrail.rollout.PreflightHook;
import dev.snailtrail.rollout.Reason;
import dev.snailtrail.rollout.RolloutStatus;
import dev.snailtrail.rollout.StatusPhase;
import dev.snailtrail.spec.Rollout;
import dev.snailtrail.trail.EventType;
import dev.snailtrail.trail.Severity;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * Level-triggered reconciliation of one rollout: each pass reads the spec, the status and the real
 * service, takes at most one action, and says when to look again. Nothing depends on having seen an
 * earlier pass, so a pass after a crash reaches the same decision.
 *
 * <p>Provider errors while acting propagate as {@link dev.snailtrail.provider.ProviderException}:
 * the caller backs off and retries the pass. They never become a rollback.
 */
public final class Reconciler {
  private final Providers providers;
  private final Clock clock;
  private final DeployStep deploy;
  private final AnalysisStep analysis;
  private final RollbackStep rollback;
  private final TrafficStep traffic;
  private final EcsTrafficStep ecsTraffic;
  private final DriftWatch drift;
  private final Ownership ownership;

  /**
   * @param preflight checks run before each phase deploys; a failure pauses the rollout
   * @param polling how long to wait between looks while ECS works: {@link Polling#ECS_PACED}
   *     without events, {@link Polling#woken} when events wake the rollout
   * @param controllerId who runs this reconciler, as the services it moves are tagged with (one
   *     controller's rollouts never touch a service tagged by another)
   */
  public Reconciler(
      Providers providers,
      GateEvaluator gates,
      Clock clock,
      PreflightHook preflight,
      Polling polling,
      String controllerId) {
    this.providers = providers;
    this.clock = clock;
    this.ownership = new Ownership(providers, controllerId);
    this.deploy = new DeployStep(providers, preflight, polling, ownership);
    this.analysis = new AnalysisStep(providers, gates, deploy);
    this.traffic = new TrafficStep(providers, deploy, analysis);
    this.ecsTraffic = new EcsTrafficStep(providers, deploy, analysis);
    this.rollback = new RollbackStep(providers, deploy, traffic, ecsTraffic);
    this.drift = new DriftWatch(providers);
  }

  /** A reconciler that polls ECS at its own pace, without events. */
  public Reconciler(
      Providers providers,
      GateEvaluator gates,
      Clock clock,
      PreflightHook preflight,
      String controllerId) {
    this(providers, gates, clock, preflight, Polling.ECS_PACED, controllerId);
  }

  /** A reconciler whose controller goes by the default id ({@code snailtrail}). */
  public Reconciler(
      Providers providers, GateEvaluator gates, Clock clock, PreflightHook preflight) {
    this(providers, gates, clock, preflight, Ownership.DEFAULT_CONTROLLER);
  }

  public Reconciler(Providers providers, GateEvaluator gates, Clock clock) {
    this(providers, gates, clock, PreflightHook.NONE);
  }

  /** One pass over a rollout at spec generation {@code generation}. */
  public ReconcileResult reconcile(Rollout rollout, long generation, RolloutStatus status) {
    Pass p = new Pass(rollout, generation, status, clock.instant());
    // Said first, and kept only if this pass completes: one that throws leaves nothing.
    Outages.recovered(p);
    if (status.observedGeneration() == 0) {
      return start(p);
    }
    if (generation != status.observedGeneration() && status.phase() != StatusPhase.RollingBack) {
      SpecChanges.apply(p);
    }
    return switch (p.status.phase()) {
      case Healthy, Degraded -> drift.observe(p);
      case Paused, Failed -> p.result(null);
      case Progressing, RollingBack -> step(p);
    };
  }

  private ReconcileResult step(Pass p) {
    return switch (p.status.step()) {
      case AwaitingApproval -> awaitApproval(p);
      case Deploying ->
          TrafficStep.onCanary(p)
              ? traffic.deploy(p)
              : traffic
                  .leftOver(p)
                  .orElseGet(
                      () ->
                          p.currentPhase().shiftsTrafficWithEcs()
                              ? ecsTraffic.deploy(p)
                              : deploy.deploy(p));
      case Waiting -> p.currentPhase().shiftsTraffic() ? traffic.await(p) : deploy.await(p);
      case Shifting ->
          p.currentPhase().shiftsTrafficWithEcs() ? ecsTraffic.shift(p) : traffic.shift(p);
      case Analyzing, Baking -> analysis.run(p);
      case RollingBack -> rollback.run(p);
      case Done -> p.result(null);
    };
  }

  private ReconcileResult start(Pass p) {
    Rollout r = p.rollout;
    Optional<ServiceState> existing = providers.ecs().describeService(p.service);
    // A status rebuilt from the trail (its status.json was lost) starts again, from the baseline
    // recorded when the rollout first began: the service runs one of its phases by now.
    boolean again = p.status.baselineRecorded() || p.status.baseline() != null;
    Transitions.begin(p, SpecChanges.fingerprints(r));
    recordBaseline(p, existing);
    if (existing.isEmpty() && !r.spec().target().createIfMissing()) {
      String msg =
          "service "
              + p.service.service()
              + " not found in cluster "
              + p.service.cluster()
              + " ("
              + p.service.region()
              + "); create it, or set spec.target.createIfMissing: true to create it from the"
              + " first phase";
      p.emit(EventType.PreflightFailed, Severity.Error, Reason.ServiceMissing, msg);
      Transitions.pause(p, msg);
      return p.result(null);
    }
    if (existing.isPresent()) {
      Optional<ReconcileResult> refused = ownership.claim(p, existing.get());
      if (refused.isPresent()) {
        return refused.get();
      }
    }
    String baseline = p.status.baseline();
    p.emit(
        EventType.RolloutStarted,
        Severity.Normal,
        Reason.NewRollout,
        "Rollout of "
            + p.service.service()
            + (again ? " started again (its status was rebuilt from the trail): " : " started: ")
            + r.spec().phases().size()
            + " phases, "
            + (baseline != null
                ? "baseline " + TaskDefinition.shortName(baseline)
                : "no existing service"),
        baseline != null
            ? Map.of(
                "baseline",
                baseline,
                "baselineDesiredCount",
                Integer.toString(p.status.baselineDesiredCount()))
            : Map.of());
    Transitions.enterPhase(p, 0);
    return p.result(Duration.ZERO);
  }

  /**
   * What the service runs before the rollout touches it, unless recorded already. A trail from
   * before counts were recorded gives only the task definition: the count is the service's now.
   */
  private static void recordBaseline(Pass p, Optional<ServiceState> existing) {
    if (!p.status.baselineRecorded() && existing.isPresent()) {
      ServiceState s = existing.get();
      String arn = p.status.baseline() != null ? p.status.baseline() : s.taskDefinitionArn();
      p.update(
          b ->
              b.baseline(arn)
                  .baselineDesiredCount(s.desiredCount())
                  .baselineStrategy(s.strategy()));
    } else if (!p.status.baselineRecorded()) {
      // A service the rollout creates starts under ECS's default strategy.
      p.update(b -> b.baselineStrategy(DeploymentStrategy.ROLLING));
    }
    p.update(b -> b.baselineRecorded(true));
  }

  private ReconcileResult awaitApproval(Pass p) {
    if (p.status.approvedPhase() >= p.status.currentPhase().index()) {
      Transitions.approved(p);
      return p.result(Duration.ZERO);
    }
    return p.result(null);
  }
}
