package dev.snailtrail.reconcile;

import static dev.snailtrail.provider.TaskDefinition.shortName;
import static dev.snailtrail.reconcile.Pass.data;

import dev.snailtrail.provider.DeploymentStrategy;
import dev.snailtrail.provider.DeploymentStrategy.Stage;
import dev.snailtrail.provider.Ecs.BlueGreenRouting;
import dev.snailtrail.provider.Ecs.LoadBalancerBinding;
import dev.snailtrail.provider.Ecs.ServiceState;
import dev.snailtrail.provider.LoadBalancing.WeightedTargetGroup;
import dev.snailtrail.provider.Providers;
import dev.snailtrail.provider.ServiceDeploymentState;
import dev.snailtrail.rollout.GateResult;
import dev.snailtrail.rollout.GateStatus;
import dev.snailtrail.rollout.Reason;
import dev.snailtrail.rollout.TrafficStatus;
import dev.snailtrail.rollout.TrafficStatus.EcsShift;
import dev.snailtrail.rollout.TrafficStatus.HookVerdict;
import dev.snailtrail.spec.Durations;
import dev.snailtrail.spec.Phase;
import dev.snailtrail.spec.Traffic;
import dev.snailtrail.trail.EventType;
import dev.snailtrail.trail.Severity;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A phase with {@code traffic.mode: ecs}: the service takes the revision under ECS's own
 * BLUE_GREEN, CANARY or LINEAR strategy (Deploying), and while ECS moves production traffic the
 * gates are measured on the new revision's tasks (Shifting). The verdict in {@code
 * status.traffic.ecs} is confirmed every pass, for the lifecycle hook that holds ECS once all
 * production traffic is on the new revision: the gates holding there make it SUCCEEDED and ECS
 * finishes (Waiting, then the phase is analysed as any other); a gate failing at any point makes it
 * FAILED and stops the deployment with ECS's rollback ({@link #stopForRollback}).
 */
final class EcsTrafficStep {
  private final Providers providers;
  private final DeployStep deploy;
  private final AnalysisStep analysis;

  EcsTrafficStep(Providers providers, DeployStep deploy, AnalysisStep analysis) {
    this.providers = providers;
    this.deploy = deploy;
    this.analysis = analysis;
  }

  /** Deploying: the revision to the service under the phase's ECS strategy. */
  ReconcileResult deploy(Pass p) {
    Optional<ReconcileResult> prepared = deploy.prepare(p);
    if (prepared.isPresent()) {
      return prepared.get();
    }
    Phase phase = p.currentPhase();
    String arn = p.status.revisions().get(phase.name());
    ServiceState s = providers.ecs().describeService(p.service).orElse(null);
    BlueGreenRouting routing = s == null ? null : routing(s);
    if (s == null || routing == null) {
      String msg =
          (s == null
                  ? "service "
                      + p.service.service()
                      + " not found in cluster "
                      + p.service.cluster()
                  : "service "
                      + p.service.service()
                      + " has no blue/green routing: its load balancer needs an alternate target"
                      + " group, a production listener rule and a role"
                      + " (loadBalancers[].advancedConfiguration)")
              + "; a phase with traffic.mode: ecs deploys with ECS's own strategy over them"
              + " (`snailtrail doctor` checks it), then `snailtrail resume "
              + p.rollout.name()
              + "`";
      p.emit(EventType.PreflightFailed, Severity.Error, Reason.ServiceMissing, msg);
      Transitions.pause(p, msg);
      return p.result(null);
    }
    Optional<ReconcileResult> refused = deploy.ownership().claim(p, s);
    if (refused.isPresent()) {
      return refused.get();
    }
    String blue = servingGroup(p, routing);
    DeploymentStrategy strategy = EcsStrategies.wanted(p, phase, s);
    Integer count = TaskCounts.resolve(p, providers, phase.desiredCount(), "phase " + phase.name());
    ServiceState updated;
    if (arn.equals(s.taskDefinitionArn()) && strategy.kind() == s.strategy().kind()) {
      updated = s; // a pass that crashed after updating: the deployment is under way
    } else {
      updated = providers.ecs().updateService(p.service, arn, count, strategy);
      p.emit(
          EventType.ServiceUpdated,
          Severity.Normal,
          Reason.ServiceUpdated,
          "Service updated to "
              + shortName(arn)
              + " under ECS "
              + EcsStrategies.describe(strategy)
              + DeployStep.tasks(count, s.desiredCount()),
          data("revision", shortName(arn), "from", shortName(s.taskDefinitionArn())));
    }
    // The update's own deployment, once ECS names it: an answer that still names the one before
    // leaves it to the next pass's read, so the verdict never speaks of another deployment.
    String deployment = updated.currentServiceDeployment();
    if (updated != s && java.util.Objects.equals(deployment, s.currentServiceDeployment())) {
      deployment = null;
    }
    EcsShift shift = new EcsShift(deployment, HookVerdict.ANALYSING, p.now, blue);
    Transitions.startShift(
        p, new TrafficStatus(0, 0, p.now, shift), "ECS deploying " + shortName(arn));
    return p.result(deploy.poll(p));
  }

  /** Shifting: gates measured while ECS moves traffic; the verdict confirmed for the hook. */
  ReconcileResult shift(Pass p) {
    Phase phase = p.currentPhase();
    String arn = p.status.revisions().get(phase.name());
    ServiceState s = providers.ecs().describeService(p.service).orElse(null);
    TrafficStatus t = p.status.traffic();
    EcsShift shift = t.ecs();
    ServiceDeploymentState d = deployment(p, s);
    Optional<ReconcileResult> ended = endedWithoutUs(p, s, d);
    if (ended.isPresent()) {
      return ended.get();
    }
    if (d != null && d.status() == ServiceDeploymentState.Status.SUCCESSFUL) {
      return finished(p, s, arn);
    }
    List<GateStatus> gates = analysis.measure(p, phase, arn, null, p.service, s);
    int weight = weight(p, s, shift, t.weight());
    p.update(b -> b.gates(gates));
    observeWeight(p, t, weight);
    Optional<ReconcileResult> failed = AnalysisStep.failedOrStuck(p, phase, gates);
    if (failed.isPresent()) {
      return failed.get();
    }
    EcsShift known = p.status.traffic().ecs();
    HookVerdict verdict = shift.verdict();
    if (verdict == HookVerdict.ANALYSING
        && atHold(d)
        && gates.stream().allMatch(g -> g.result() == GateResult.Passed)) {
      verdict = HookVerdict.SUCCEEDED;
      p.emit(
          EventType.TrafficShifted,
          Severity.Normal,
          Reason.GatesPassing,
          "All production traffic on "
              + shortName(arn)
              + " and the gates hold: ECS may finish the deployment",
          data("weight", Integer.toString(weight), "verdict", verdict.name()));
    }
    HookVerdict said = verdict;
    Instant deadline = deadline(p, phase, s);
    if (!p.now.isBefore(deadline)) {
      return RollbackStep.begin(
          p,
          Reason.ProgressDeadlineExceeded,
          "ECS did not finish deploying "
              + shortName(arn)
              + " within the progress deadline, the steps' pauses and ECS's bake ("
              + Durations.format(Duration.between(p.status.phaseStartedAt(), deadline))
              + "); last stage "
              + (d == null || d.stage() == null ? "unknown" : d.stage().name()));
    }
    p.update(
        b ->
            b.traffic(p.status.traffic().withEcs(known.say(said, p.now)))
                .message(
                    "ECS "
                        + (d == null || d.stage() == null ? "deploying" : d.stage().name())
                        + ", "
                        + weight
                        + "% on the new revision: "
                        + AnalysisStep.summary(gates)));
    Duration wake = AnalysisStep.nextWake(p, phase, gates);
    Duration poll = deploy.poll(p);
    Duration confirm = silence(p).dividedBy(4);
    return p.result(min(min(wake, poll), min(confirm, Duration.between(p.now, deadline))));
  }

  /** The service gone, or ECS rolled back or stopped the deployment by itself: rolling back. */
  private static Optional<ReconcileResult> endedWithoutUs(
      Pass p, ServiceState s, ServiceDeploymentState d) {
    boolean stopped =
        d != null
            && (d.status().rollingBack() || d.status() == ServiceDeploymentState.Status.STOPPED);
    if (s != null && !stopped) {
      return Optional.empty();
    }
    String why =
        s == null
            ? "the service " + p.service.service() + " disappeared"
            : "ECS "
                + (d.status().rollingBack()
                    ? "rolled the deployment back"
                    : "stopped the deployment")
                + ": "
                + DeployStep.orElse(d.statusReason(), d.status().name());
    p.emit(EventType.DeploymentFailed, Severity.Warning, Reason.DeploymentFailed, why);
    return Optional.of(RollbackStep.begin(p, Reason.DeploymentFailed, why));
  }

  /**
   * The ECS deployment under way, read; its ARN kept in status as soon as ECS names it (before
   * anything can fail: a rollback stops this deployment by its ARN). Null while unnamed.
   */
  private ServiceDeploymentState deployment(Pass p, ServiceState s) {
    EcsShift shift = p.status.traffic().ecs();
    String arn =
        shift.deployment() != null
            ? shift.deployment()
            : s == null ? null : s.currentServiceDeployment();
    if (arn == null) {
      return null;
    }
    if (shift.deployment() == null) {
      EcsShift named =
          new EcsShift(arn, shift.verdict(), shift.verdictAt(), shift.blueTargetGroup());
      p.update(b -> b.traffic(p.status.traffic().withEcs(named)));
    }
    return providers.ecs().describeServiceDeployment(p.service.region(), arn).orElse(null);
  }

  /** ECS finished the deployment: on to the phase's analysis. */
  private static ReconcileResult finished(Pass p, ServiceState s, String arn) {
    // ECS says it is done (its rolloutState is for rolling deployments): the gates from scratch.
    // The traffic's last step done now: the gates' progress deadline counts from here.
    p.update(b -> b.traffic(p.status.traffic().next(100, p.now)));
    Transitions.awaitDeployment(p, p.status.phaseStartedAt(), "ECS finished the deployment");
    p.emit(
        EventType.DeploymentCompleted,
        Severity.Normal,
        Reason.DeploymentCompleted,
        // The service read at the start of this pass may predate ECS's clean-up, when the
        // revision before still ran beside the new one: the count ECS keeps is the desired one.
        "ECS deployment completed: "
            + shortName(arn)
            + " serves with "
            + s.desiredCount()
            + " tasks, the revision before stopped",
        data("revision", shortName(arn)));
    Transitions.deploymentCompleted(p);
    return p.result(Duration.ZERO);
  }

  /** Whether all production traffic is on the new revision, the old one still up. */
  private static boolean atHold(ServiceDeploymentState d) {
    return d != null
        && (d.stage() == Stage.POST_PRODUCTION_TRAFFIC_SHIFT
            || d.stage() == Stage.BAKE_TIME
            || d.stage() == Stage.CLEAN_UP);
  }

  /**
   * Before a rollback of a phase under {@code mode: ecs}: the verdict FAILED (so the hook fails the
   * deployment too), ECS's own rollback asked for, and waited out; empty once ECS is done with the
   * deployment and the rollback may go on as for any phase.
   */
  Optional<ReconcileResult> stopForRollback(Pass p) {
    TrafficStatus t = p.status.traffic();
    if (t == null || t.ecs() == null || t.ecs().deployment() == null) {
      return Optional.empty();
    }
    EcsShift shift = t.ecs();
    Optional<ServiceDeploymentState> d =
        providers.ecs().describeServiceDeployment(p.service.region(), shift.deployment());
    if (d.isEmpty() || d.get().status().ended()) {
      if (shift.verdict() != HookVerdict.FAILED) {
        p.update(b -> b.traffic(t.withEcs(shift.say(HookVerdict.FAILED, p.now))));
      }
      return Optional.empty();
    }
    if (shift.verdict() != HookVerdict.FAILED) {
      p.update(b -> b.traffic(t.withEcs(shift.say(HookVerdict.FAILED, p.now))));
      if (!d.get().status().rollingBack()) {
        providers.ecs().stopServiceDeployment(p.service.region(), shift.deployment(), true);
      }
      p.emit(
          EventType.TrafficShifted,
          Severity.Warning,
          Reason.TrafficRestored,
          "ECS rolling the deployment back: production traffic returns to the revision before",
          data("weight", "0", "deployment", shift.deployment()));
      return Optional.of(p.result(deploy.poll(p)));
    }
    p.update(b -> b.message("ECS rolling back: " + d.get().status().name()));
    return Optional.of(p.result(deploy.poll(p)));
  }

  private static BlueGreenRouting routing(ServiceState s) {
    return s.loadBalancers().stream()
        .map(LoadBalancerBinding::blueGreen)
        .filter(r -> r != null)
        .findFirst()
        .orElse(null);
  }

  /** The target group that serves production now, by the production rule's weights. */
  private String servingGroup(Pass p, BlueGreenRouting routing) {
    List<WeightedTargetGroup> groups =
        providers
            .loadBalancing()
            .forwardWeights(p.service.region(), routing.productionListenerRule());
    return groups.stream()
        .max((a, b) -> Integer.compare(a.weight(), b.weight()))
        .map(WeightedTargetGroup::targetGroupArn)
        .orElse(null);
  }

  /** The new revision's share of production, in percent: all but the blue group's. */
  private int weight(Pass p, ServiceState s, EcsShift shift, int before) {
    BlueGreenRouting routing = routing(s);
    if (routing == null || shift.blueTargetGroup() == null) {
      return before;
    }
    List<WeightedTargetGroup> groups =
        providers
            .loadBalancing()
            .forwardWeights(p.service.region(), routing.productionListenerRule());
    int total = groups.stream().mapToInt(WeightedTargetGroup::weight).sum();
    int blue =
        groups.stream()
            .filter(g -> g.targetGroupArn().equals(shift.blueTargetGroup()))
            .mapToInt(WeightedTargetGroup::weight)
            .sum();
    return total == 0 ? before : 100 - Math.round(100f * blue / total);
  }

  private static void observeWeight(Pass p, TrafficStatus t, int weight) {
    if (weight == t.weight()) {
      return;
    }
    p.emit(
        EventType.TrafficShifted,
        Severity.Normal,
        Reason.TrafficShifted,
        "ECS shifted traffic: "
            + weight
            + "% to the new revision, "
            + (100 - weight)
            + "% to the one before",
        data("weight", Integer.toString(weight), "from", Integer.toString(t.weight())));
    p.update(b -> b.traffic(p.status.traffic().withWeight(weight)));
  }

  /** The progress deadline, plus the time ECS holds each step and bakes after the last. */
  private static Instant deadline(Pass p, Phase phase, ServiceState s) {
    Duration pauses = Duration.ZERO;
    for (Traffic.Step step : phase.traffic().steps()) {
      if (step instanceof Traffic.Pause pause) {
        pauses = pauses.plus(pause.duration());
      }
    }
    // The steps' pauses include a bake the spec sets; without one ECS bakes as the service says.
    Duration liveBake =
        phase.traffic().strategy().bake() == null && s.strategy().bake() != null
            ? s.strategy().bake()
            : Duration.ZERO;
    return p.status
        .phaseStartedAt()
        .plus(p.rollout.spec().progressDeadline())
        .plus(pauses)
        .plus(liveBake);
  }

  private static Duration silence(Pass p) {
    var hook = p.rollout.spec().target().lifecycleHook();
    return hook == null ? Duration.ofMinutes(2) : hook.silence();
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }
}
