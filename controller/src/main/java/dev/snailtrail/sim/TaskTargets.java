package dev.snailtrail.sim;

import dev.snailtrail.provider.Ecs.LoadBalancerBinding;
import dev.snailtrail.provider.Ecs.PortMapping;
import dev.snailtrail.provider.TargetHealthState;

/**
 * A task's targets in the service's target groups: registered when it runs, healthy or unhealthy as
 * the checks find the app, draining when it stops.
 */
final class TaskTargets {
  private final World world;

  TaskTargets(World world) {
    this.world = world;
  }

  /**
   * The target group a task registers with for a binding: under blue/green routing, the one its
   * deployment was given (the group not serving when it began); else the binding's.
   */
  static String targetGroupOf(SimTask t, LoadBalancerBinding lb) {
    String given = t.deployment.targetGroup;
    return lb.blueGreen() != null && given != null ? given : lb.targetGroupArn();
  }

  /** Registers a task that started running, {@code initial}, in its service's target groups. */
  void register(SimTask t) {
    for (LoadBalancerBinding lb : t.service.loadBalancers) {
      SimTargetGroup tg = world.targetGroups.get(targetGroupOf(t, lb));
      if (tg == null) {
        continue;
      }
      String id = t.privateIp != null ? t.privateIp : "i-0" + t.id.substring(0, 16);
      int port =
          t.bindings.stream()
              .filter(b -> b.containerPort() == lb.containerPort())
              .map(PortMapping::hostPort)
              .findFirst()
              .orElse(lb.containerPort());
      tg.targets.put(t.id, new SimTargetGroup.Target(t, id, port));
      world.event(
          t.service, t.service.tag() + " registered 1 targets in (target-group " + tg.arn + ")");
    }
  }

  /** The app answers the checks: its initial targets become healthy. */
  void checksPass(SimTask t) {
    if (!t.running()) {
      return;
    }
    for (SimTargetGroup tg : world.targetGroups.values()) {
      SimTargetGroup.Target target = tg.targets.get(t.id);
      if (target != null && target.state == TargetHealthState.INITIAL) {
        target.set(TargetHealthState.HEALTHY, null, null);
      }
    }
  }

  /**
   * The app fails the checks: its initial targets become unhealthy, and ECS replaces the task after
   * a while.
   */
  void checksFail(SimTask t) {
    if (!t.running()) {
      return;
    }
    for (SimTargetGroup tg : world.targetGroups.values()) {
      SimTargetGroup.Target target = tg.targets.get(t.id);
      if (target == null || target.state != TargetHealthState.INITIAL) {
        continue;
      }
      String description =
          t.behavior == Behavior.WRONG_PORT
              ? "Health checks failed: connection refused on port "
                  + target.port
                  + " (the container listens on 8080)"
              : "Health checks failed with these codes: [500]";
      target.set(TargetHealthState.UNHEALTHY, "Target.FailedHealthChecks", description);
      target.unhealthySince = world.now;
      world.event(
          t.service,
          t.service.tag()
              + " (port "
              + target.port
              + ") is unhealthy in (target-group "
              + tg.arn
              + ") due to (reason "
              + description
              + ").");
      String arn = tg.arn;
      world.after(
          Timings.UNHEALTHY_REPLACEMENT,
          t.service,
          () ->
              world.lifecycle.healthStop(
                  t, "Task failed ELB health checks in (target-group " + arn + ")"));
    }
  }

  /** Puts the task's targets into draining; whether it had any. */
  boolean deregister(SimTask t) {
    boolean any = false;
    for (SimTargetGroup tg : world.targetGroups.values()) {
      SimTargetGroup.Target target = tg.targets.get(t.id);
      if (target == null || target.state == TargetHealthState.DRAINING) {
        continue;
      }
      any = true;
      target.set(
          TargetHealthState.DRAINING,
          "Target.DeregistrationInProgress",
          "Target deregistration is in progress");
      world.event(
          t.service, t.service.tag() + " deregistered 1 targets in (target-group " + tg.arn + ")");
      world.after(Timings.DEREGISTRATION_DELAY, t.service, () -> tg.targets.remove(t.id, target));
    }
    return any;
  }
}
