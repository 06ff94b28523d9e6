package dev.snailtrail.sim;

import dev.snailtrail.provider.DeploymentRolloutState;
import dev.snailtrail.provider.DeploymentStatus;
import dev.snailtrail.provider.Ecs.LoadBalancerBinding;
import dev.snailtrail.provider.HealthStatus;
import dev.snailtrail.provider.ServiceStatus;
import dev.snailtrail.provider.TargetHealthState;
import dev.snailtrail.provider.TaskStopCode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The ECS service scheduler: after every transition it brings each service's tasks towards its
 * PRIMARY deployment, and it trips the deployment circuit breaker on failed tasks.
 */
final class ServiceScheduler {
  private final World world;

  ServiceScheduler(World world) {
    this.world = world;
  }

  void reconcileAll() {
    for (SimService s : world.services.values()) {
      if (s.status == ServiceStatus.ACTIVE) {
        reconcile(s);
      }
    }
  }

  /**
   * One pass of the ECS service scheduler: launch for the PRIMARY deployment within maximumPercent
   * (200), stop older tasks while minimumHealthyPercent (100) still holds, complete the deployment
   * once only its healthy tasks remain. While a blue/green, linear or canary deployment holds both
   * revisions, its own pass instead ({@link ServiceDeployments#pass}).
   */
  void reconcile(SimService s) {
    SimDeployment primary = s.primary();
    if (primary == null) {
      return;
    }
    if (!s.serviceDeployments.isEmpty()) {
      world.serviceDeployments.rolledBack(s);
    }
    SimServiceDeployment sd = s.serviceDeployment;
    if (sd != null && ServiceDeployments.holdsBoth(s, sd)) {
      world.serviceDeployments.pass(s, sd);
      return;
    }
    // The primary's tasks as the pass found them: the ones it launches are not yet counted.
    List<SimTask> primaryLive =
        s.tasks.stream().filter(SimTask::live).filter(t -> t.deployment == primary).toList();
    launch(s, primary, primaryLive);
    scaleIn(s, primary, primaryLive);
    retireOlderDeployments(s, primary);
    completeWhenSteady(s, primary, primaryLive);
  }

  /** Launches the deployment's missing tasks, as many as 2 × its desired count leaves room for. */
  void launch(SimService s, SimDeployment primary, List<SimTask> primaryLive) {
    if (primary.rolloutState == DeploymentRolloutState.FAILED) {
      return;
    }
    int live = (int) s.tasks.stream().filter(SimTask::live).count();
    int maxTotal = primary.desiredCount * 2;
    int launch = Math.min(primary.desiredCount - primaryLive.size(), Math.max(0, maxTotal - live));
    if (launch > 0) {
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < launch; i++) {
        ids.add(world.lifecycle.launch(s, primary).id);
      }
      world.event(
          s,
          s.tag()
              + " has started "
              + launch
              + " tasks: "
              + String.join(" ", ids.stream().map(id -> "(task " + id + ")").toList())
              + ".");
    }
  }

  /** Too many tasks in the primary deployment (scaled in): stop the ones least far along. */
  private void scaleIn(SimService s, SimDeployment primary, List<SimTask> primaryLive) {
    int excess = primaryLive.size() - primary.desiredCount;
    if (excess > 0) {
      List<SimTask> ordered = new ArrayList<>(primaryLive);
      ordered.sort(Comparator.comparing((SimTask t) -> healthy(t)).thenComparing(t -> t.createdAt));
      stopByScheduler(s, ordered.subList(0, excess), primary);
    }
  }

  /** Older deployments: not-yet-healthy tasks go at once; healthy ones as new ones take over. */
  private void retireOlderDeployments(SimService s, SimDeployment primary) {
    long healthyTotal = s.tasks.stream().filter(SimTask::live).filter(this::healthy).count();
    List<SimTask> old =
        s.tasks.stream().filter(SimTask::live).filter(t -> t.deployment != primary).toList();
    List<SimTask> stop = new ArrayList<>(old.stream().filter(t -> !healthy(t)).toList());
    long spare = healthyTotal - s.desiredCount;
    for (SimTask t : old) {
      if (spare <= 0) {
        break;
      }
      if (healthy(t)) {
        stop.add(t);
        spare--;
      }
    }
    if (!stop.isEmpty()) {
      stopByScheduler(s, stop, primary);
    }
  }

  private void completeWhenSteady(SimService s, SimDeployment primary, List<SimTask> primaryLive) {
    boolean othersGone =
        s.tasks.stream().filter(t -> t.deployment != primary).allMatch(SimTask::stopped);
    List<SimTask> nowLive = primaryLive.stream().filter(SimTask::live).toList();
    if (primary.rolloutState == DeploymentRolloutState.IN_PROGRESS
        && othersGone
        && nowLive.size() == primary.desiredCount
        && nowLive.stream().allMatch(this::healthy)) {
      completed(s, primary);
    }
  }

  /** The deployment has replaced every other: COMPLETED, the others INACTIVE, steady state. */
  void completed(SimService s, SimDeployment primary) {
    primary.rolloutState = DeploymentRolloutState.COMPLETED;
    primary.rolloutStateReason = "ECS deployment " + primary.id + " completed.";
    primary.updatedAt = world.now;
    for (SimDeployment d : s.deployments) {
      if (d != primary && d.status != DeploymentStatus.INACTIVE) {
        d.status = DeploymentStatus.INACTIVE;
        d.updatedAt = world.now;
      }
    }
    world.event(s, s.tag() + " has reached a steady state.");
    world.events.deployment(
        s, primary, "SERVICE_DEPLOYMENT_COMPLETED", primary.rolloutStateReason, world.now);
    world.events.serviceAction(s, "SERVICE_STEADY_STATE", world.clusterArn(s), world.now);
  }

  /**
   * Whether ECS counts the task as healthy for a deployment: RUNNING, its container health check
   * (if any) HEALTHY, and healthy in every target group of the service.
   */
  boolean healthy(SimTask t) {
    if (!t.running()) {
      return false;
    }
    if (t.main.healthCheck() != null
        ? t.health != HealthStatus.HEALTHY
        : t.health == HealthStatus.UNHEALTHY) {
      return false;
    }
    for (LoadBalancerBinding lb : t.service.loadBalancers) {
      SimTargetGroup tg = world.targetGroups.get(TaskTargets.targetGroupOf(t, lb));
      if (tg != null) {
        SimTargetGroup.Target target = tg.targets.get(t.id);
        if (target == null || target.state != TargetHealthState.HEALTHY) {
          return false;
        }
      }
    }
    return true;
  }

  private void stopByScheduler(SimService s, List<SimTask> tasks, SimDeployment primary) {
    List<String> ids = new ArrayList<>();
    for (SimTask t : tasks) {
      ids.add(t.id);
      world.lifecycle.beginStop(
          t,
          TaskStopCode.SERVICE_SCHEDULER_INITIATED,
          "Scaling activity initiated by (deployment " + primary.id + ")",
          0);
    }
    world.event(
        s,
        s.tag()
            + " has stopped "
            + tasks.size()
            + " running tasks: "
            + String.join(" ", ids.stream().map(id -> "(task " + id + ")").toList())
            + ".");
  }

  void taskFailed(SimTask t) {
    SimDeployment d = t.deployment;
    d.failedTasks++;
    d.updatedAt = world.now;
    int threshold = Math.max(3, (d.desiredCount + 1) / 2);
    SimServiceDeployment sd = t.service.serviceDeployment;
    if (sd != null && sd.walking() && sd.green == d) { // green failing to start: ECS rolls back
      if (world.circuitBreaker && d.failedTasks >= threshold) {
        world.serviceDeployments.rollback(
            sd, "ECS deployment circuit breaker: tasks failed to start.");
      }
      return;
    }
    if (world.circuitBreaker
        && d.status == DeploymentStatus.PRIMARY
        && d.rolloutState == DeploymentRolloutState.IN_PROGRESS
        && d.failedTasks >= threshold) {
      d.rolloutState = DeploymentRolloutState.FAILED;
      d.rolloutStateReason = "ECS deployment circuit breaker: tasks failed to start.";
      world.events.deployment(
          t.service, d, "SERVICE_DEPLOYMENT_FAILED", d.rolloutStateReason, world.now);
      world.event(
          t.service,
          t.service.tag() + " deployment " + d.id + " deployment failed: tasks failed to start.");
    }
  }
}
