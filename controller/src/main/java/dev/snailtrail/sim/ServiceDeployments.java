package dev.snailtrail.sim;

import dev.snailtrail.provider.DeploymentRolloutState;
import dev.snailtrail.provider.DeploymentStatus;
import dev.snailtrail.provider.DeploymentStrategy;
import dev.snailtrail.provider.DeploymentStrategy.Kind;
import dev.snailtrail.provider.DeploymentStrategy.LifecycleHook;
import dev.snailtrail.provider.DeploymentStrategy.Stage;
import dev.snailtrail.provider.Ecs.LoadBalancerBinding;
import dev.snailtrail.provider.ProviderException;
import dev.snailtrail.provider.ServiceDeploymentState;
import dev.snailtrail.provider.ServiceDeploymentState.Status;
import dev.snailtrail.provider.TaskStopCode;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * ECS's blue/green, linear and canary deployments: a service deployment that starts the new
 * revision (green) beside the one serving (blue), moves the production listener rule's weights to
 * it, and stops blue, walking the lifecycle stages on the world's clock ({@link DeploymentStages}
 * times each one) and rolling back to blue when a lifecycle hook answers FAILED, green's tasks fail
 * to start, or it is stopped with a rollback. docs/simulator.md describes the model.
 */
final class ServiceDeployments {
  /** The stages ECS runs lifecycle hooks at. */
  static final Set<Stage> HOOKABLE =
      EnumSet.of(
          Stage.RECONCILE_SERVICE,
          Stage.PRE_SCALE_UP,
          Stage.POST_SCALE_UP,
          Stage.TEST_TRAFFIC_SHIFT,
          Stage.POST_TEST_TRAFFIC_SHIFT,
          Stage.PRODUCTION_TRAFFIC_SHIFT,
          Stage.POST_PRODUCTION_TRAFFIC_SHIFT);

  /** Service deployments a service keeps for DescribeServiceDeployments. */
  static final int HISTORY = 10;

  private final World world;
  private final DeploymentStages stages;

  ServiceDeployments(World world) {
    this.world = world;
    this.stages = new DeploymentStages(world, this);
  }

  /**
   * The strategy an UpdateService leaves the service with: the service's own when none is given;
   * the given one with the service's bake time when it names none.
   *
   * @throws ProviderException INVALID for a strategy ECS would refuse, before anything changes
   */
  DeploymentStrategy effective(SimService s, DeploymentStrategy given) {
    if (given == null) {
      return s.strategy;
    }
    validate(s, given);
    Duration bake = given.bake() != null ? given.bake() : s.strategy.bake();
    return new DeploymentStrategy(
        given.kind(), given.percent(), given.stepBake(), bake, given.hooks());
  }

  private void validate(SimService s, DeploymentStrategy st) {
    for (LifecycleHook hook : st.hooks()) {
      if (hook.targetArn() == null || hook.targetArn().isBlank()) {
        throw invalid("a lifecycle hook needs a hookTargetArn (the function's ARN)");
      }
      for (Stage stage : hook.stages()) {
        if (!HOOKABLE.contains(stage)) {
          throw invalid(
              "lifecycle hooks run at " + HOOKABLE + "; " + stage + " is not one of them");
        }
      }
    }
    boolean percentOk =
        switch (st.kind()) {
          case ROLLING, BLUE_GREEN -> true;
          case LINEAR -> st.percent() >= 3 && st.percent() <= 100;
          case CANARY -> st.percent() > 0 && st.percent() <= 100;
        };
    if (!percentOk) {
      throw invalid(
          (st.kind() == Kind.LINEAR
                  ? "stepPercent must be from 3.0"
                  : "canaryPercent must be over 0")
              + " to 100.0, not "
              + st.percent());
    }
    if (st.kind() == Kind.ROLLING || s.loadBalancers.isEmpty()) {
      return;
    }
    LoadBalancerBinding lb = binding(s);
    if (lb == null) {
      throw invalid(
          "a "
              + st.kind()
              + " deployment of "
              + s.ref
              + ", which has a load balancer, needs advancedConfiguration on it"
              + " (alternateTargetGroupArn, productionListenerRule, roleArn)");
    }
    if (!world.targetGroups.containsKey(lb.blueGreen().alternateTargetGroupArn())) {
      throw invalid(
          "alternateTargetGroupArn " + lb.blueGreen().alternateTargetGroupArn() + " not found");
    }
    if (!world.rules.exists(lb.blueGreen().productionListenerRule())) {
      throw invalid(
          "productionListenerRule " + lb.blueGreen().productionListenerRule() + " not found");
    }
  }

  private static ProviderException invalid(String message) {
    return new ProviderException(
        ProviderException.Kind.INVALID,
        "ecs",
        "UpdateService",
        "InvalidParameterException: " + message);
  }

  /** The service's binding with blue/green routing, or null. */
  static LoadBalancerBinding binding(SimService s) {
    return s.loadBalancers.stream().filter(b -> b.blueGreen() != null).findFirst().orElse(null);
  }

  /**
   * Whether the service deployment keeps both revisions up: while it walks, and once stopped
   * without a rollback until the next deployment of the service.
   */
  static boolean holdsBoth(SimService s, SimServiceDeployment sd) {
    return sd.walking() || (sd.status == Status.STOPPED && s.primary() == sd.green);
  }

  /**
   * The revision serving production: of a service deployment that holds both, the one with the
   * larger share; else the PRIMARY deployment.
   */
  SimDeployment serving(SimService s) {
    SimServiceDeployment sd = s.serviceDeployment;
    if (sd != null && holdsBoth(s, sd)) {
      return sd.weight >= 50 ? sd.green : sd.blue;
    }
    return s.primary();
  }

  /** A newer deployment of the service: one under way stops where it is. */
  void supersede(SimService s) {
    SimServiceDeployment sd = s.serviceDeployment;
    if (sd != null && sd.walking()) {
      end(sd, Status.STOPPED, "Stopped: a newer deployment of the service began.");
    }
  }

  /** Opens a service deployment from {@code blue} (serving) to {@code green} (just created). */
  void start(SimService s, SimDeployment blue, SimDeployment green) {
    LoadBalancerBinding lb = binding(s);
    String blueGroup = null;
    String greenGroup = null;
    if (lb != null) {
      String own = lb.targetGroupArn();
      blueGroup = blue.targetGroup != null ? blue.targetGroup : own;
      greenGroup = blueGroup.equals(own) ? lb.blueGreen().alternateTargetGroupArn() : own;
    }
    green.targetGroup = greenGroup;
    SimServiceDeployment sd =
        new SimServiceDeployment(
            s,
            blue,
            green,
            s.strategy,
            lb == null ? null : lb.blueGreen(),
            blueGroup,
            greenGroup,
            world.now);
    s.serviceDeployment = sd;
    s.serviceDeployments.add(0, sd);
    while (s.serviceDeployments.size() > HISTORY) {
      s.serviceDeployments.remove(s.serviceDeployments.size() - 1);
    }
    stages.begin(sd, needsReconcile(s, sd));
  }

  /** More than blue to reconcile: tasks of other revisions, or production traffic off blue. */
  private boolean needsReconcile(SimService s, SimServiceDeployment sd) {
    boolean others =
        s.tasks.stream()
            .filter(SimTask::live)
            .anyMatch(t -> t.deployment != sd.blue && t.deployment != sd.green);
    return others
        || (sd.routing != null
            && world.rules.weight(sd.routing.productionListenerRule(), sd.blueTargetGroup) != 100);
  }

  /**
   * The scheduler's pass while both revisions are up: blue's tasks replaced until clean-up, green's
   * launched from scale-up on, and the stages that wait for tasks moved on.
   */
  void pass(SimService s, SimServiceDeployment sd) {
    boolean walking = sd.walking();
    if (!(walking && sd.stage == Stage.CLEAN_UP)) {
      keep(s, sd.blue);
    }
    if (!walking) {
      return;
    }
    if (sd.stage.ordinal() >= Stage.SCALE_UP.ordinal()) {
      keep(s, sd.green);
    }
    if (sd.stage == Stage.SCALE_UP && scaledUp(s, sd.green)) {
      stages.worked(sd);
    } else if (sd.stage == Stage.CLEAN_UP
        && s.tasks.stream().noneMatch(t -> t.deployment == sd.blue && !t.stopped())) {
      stages.worked(sd);
    }
  }

  private void keep(SimService s, SimDeployment d) {
    world.scheduler.launch(
        s, d, s.tasks.stream().filter(SimTask::live).filter(t -> t.deployment == d).toList());
  }

  private boolean scaledUp(SimService s, SimDeployment d) {
    List<SimTask> live =
        s.tasks.stream().filter(SimTask::live).filter(t -> t.deployment == d).toList();
    return live.size() >= d.desiredCount && live.stream().allMatch(world.scheduler::healthy);
  }

  /** Ends each rollback of the service whose green tasks have all stopped: ROLLBACK_SUCCESSFUL. */
  void rolledBack(SimService s) {
    for (SimServiceDeployment sd : s.serviceDeployments) {
      if (sd.status == Status.ROLLBACK_IN_PROGRESS
          && s.tasks.stream().noneMatch(t -> t.deployment == sd.green && !t.stopped())) {
        sd.status = Status.ROLLBACK_SUCCESSFUL;
        sd.updatedAt = world.now;
        sd.green.status = DeploymentStatus.INACTIVE;
        sd.green.updatedAt = world.now;
        world.event(s, s.tag() + " has reached a steady state.");
      }
    }
  }

  /**
   * Rolls back: every request on blue at once, blue the PRIMARY deployment again, green's tasks
   * stopped; ROLLBACK_SUCCESSFUL once they have.
   */
  void rollback(SimServiceDeployment sd, String reason) {
    SimService s = sd.service;
    end(sd, Status.ROLLBACK_IN_PROGRESS, reason);
    stages.route(sd, 0, 0);
    SimDeployment green = sd.green;
    green.status = DeploymentStatus.ACTIVE;
    green.rolloutState = DeploymentRolloutState.FAILED;
    green.rolloutStateReason = reason;
    green.updatedAt = world.now;
    s.deployments.remove(sd.blue);
    s.deployments.add(0, sd.blue);
    sd.blue.status = DeploymentStatus.PRIMARY;
    sd.blue.updatedAt = world.now;
    stop(s, green, "Service deployment rolled back: " + reason);
    world.event(s, s.tag() + " service deployment " + sd.arn + " is rolling back: " + reason);
    world.events.deployment(s, green, "SERVICE_DEPLOYMENT_FAILED", reason, world.now);
    world.scheduler.reconcile(s);
  }

  /** CLEAN_UP is over: green replaced blue. */
  void succeed(SimServiceDeployment sd) {
    end(sd, Status.SUCCESSFUL, "Service deployment completed.");
    world.scheduler.completed(sd.service, sd.green);
  }

  /** Stops a revision's tasks, as the scheduler stops them (their targets drain first). */
  void stop(SimService s, SimDeployment d, String reason) {
    for (SimTask t : List.copyOf(s.tasks)) {
      if (t.deployment == d && t.live()) {
        world.lifecycle.beginStop(t, TaskStopCode.SERVICE_SCHEDULER_INITIATED, reason, 0);
      }
    }
  }

  /** Stops the other revisions' tasks (RECONCILE_SERVICE). */
  void stopOthers(SimServiceDeployment sd) {
    for (SimTask t : List.copyOf(sd.service.tasks)) {
      if (t.live() && t.deployment != sd.blue && t.deployment != sd.green) {
        world.lifecycle.beginStop(
            t,
            TaskStopCode.SERVICE_SCHEDULER_INITIATED,
            "Scaling activity initiated by (service deployment " + sd.arn + ")",
            0);
      }
    }
  }

  private void end(SimServiceDeployment sd, Status status, String reason) {
    sd.status = status;
    sd.statusReason = reason;
    sd.epoch++;
    sd.updatedAt = world.now;
  }

  /** StopServiceDeployment: a rollback, or (without) the stages stop where they are. */
  void stop(String region, String arn, boolean rollback) {
    SimServiceDeployment sd = find(region, arn);
    if (sd == null) {
      throw new ProviderException(
          ProviderException.Kind.NOT_FOUND,
          "ecs",
          "StopServiceDeployment",
          "ServiceDeploymentNotFoundException: Service deployment not found: " + arn);
    }
    if (!sd.walking()) {
      throw new ProviderException(
          ProviderException.Kind.INVALID,
          "ecs",
          "StopServiceDeployment",
          "ConflictException: service deployment "
              + arn
              + " is "
              + sd.status
              + ", not in progress: there is nothing to stop");
    }
    if (rollback) {
      rollback(sd, "Rolled back on request (StopServiceDeployment).");
      return;
    }
    end(sd, Status.STOPPED, "Stopped on request (StopServiceDeployment).");
    sd.green.rolloutState = DeploymentRolloutState.FAILED;
    sd.green.rolloutStateReason = "ECS deployment " + sd.green.id + " stopped.";
    sd.green.updatedAt = world.now;
    world.scheduler.reconcile(sd.service);
  }

  /** DescribeServiceDeployments of one ARN. */
  Optional<ServiceDeploymentState> describe(String region, String arn) {
    SimServiceDeployment sd = find(region, arn);
    return sd == null ? Optional.empty() : Optional.of(sd.view());
  }

  private SimServiceDeployment find(String region, String arn) {
    for (SimService s : world.services.values()) {
      if (s.ref.region().equals(region)) {
        for (SimServiceDeployment sd : s.serviceDeployments) {
          if (sd.arn.equals(arn)) {
            return sd;
          }
        }
      }
    }
    return null;
  }
}
