package dev.snailtrail.sim;

import dev.snailtrail.provider.Ecs.LoadBalancerBinding;
import dev.snailtrail.provider.TargetHealthState;
import java.util.List;

/**
 * What an HTTP request to a simulated service answers: the load balancer picks one of the service's
 * tasks (round robin over healthy targets; over every unhealthy one when none is healthy, as an ALB
 * fails open; over running tasks without target groups), and the task's behaviour decides the
 * answer.
 */
final class ServiceApp {
  /** An HTTP answer. */
  record Answer(int status, String body, String taskId) {}

  private ServiceApp() {}

  static Answer answer(World world, SimService s, String path) {
    if (s == null) {
      return new Answer(503, "{\"error\":\"service unavailable\"}", null);
    }
    ListenerRules.Destination to = world.rules.route(s);
    s = to.service();
    List<SimTask> candidates = candidates(world, s, to.targetGroupArn());
    if (candidates.isEmpty()) {
      return new Answer(503, "{\"error\":\"service unavailable: no healthy targets\"}", null);
    }
    SimTask t = candidates.get(Math.floorMod(s.nextTarget++, candidates.size()));
    return answer(t, path, world);
  }

  /** The group's healthy targets, else its unhealthy ones; the running tasks without a group. */
  private static List<SimTask> candidates(World world, SimService s, String targetGroupArn) {
    SimTargetGroup tg = targetGroupArn == null ? null : world.targetGroups.get(targetGroupArn);
    if (tg == null) {
      for (LoadBalancerBinding lb : s.loadBalancers) {
        tg = tg != null ? tg : world.targetGroups.get(lb.targetGroupArn());
      }
    }
    if (tg == null) {
      return s.tasks.stream().filter(SimTask::running).toList();
    }
    List<SimTask> healthy =
        tg.targets.values().stream()
            .filter(t -> t.state == TargetHealthState.HEALTHY)
            .map(t -> t.task)
            .toList();
    if (!healthy.isEmpty()) {
      return healthy;
    }
    return tg.targets.values().stream()
        .filter(t -> t.state == TargetHealthState.UNHEALTHY)
        .map(t -> t.task)
        .toList();
  }

  private static Answer answer(SimTask t, String path, World world) {
    boolean listening = t.readyAt != null && t.running() && t.behavior != Behavior.WRONG_PORT;
    if (!listening) {
      return new Answer(502, "{\"error\":\"bad gateway\"}", t.id);
    }
    if (t.behavior == Behavior.UNHEALTHY) {
      return new Answer(500, "{\"error\":\"internal server error\"}", t.id);
    }
    String p = path == null || path.isEmpty() ? "/" : path;
    return switch (p) {
      case "/health" -> new Answer(200, "{\"status\":\"healthy\"}", t.id);
      case "/ml/status" ->
          t.behavior == Behavior.ML_DOWN
              ? new Answer(
                  200,
                  "{\"ml\":{\"state\":\"degraded\",\"reason\":\"model backend unreachable\"},"
                      + "\"status\":\"ok\"}",
                  t.id)
              : new Answer(200, "{\"ml\":{\"state\":\"ready\"},\"status\":\"ok\"}", t.id);
      case "/" ->
          new Answer(
              200,
              "{\"service\":\""
                  + t.service.ref.service()
                  + "\",\"image\":\""
                  + t.main.image()
                  + "\",\"task\":\""
                  + t.id
                  + "\",\"port\":"
                  + t.listenPort(t.configuredPort())
                  + "}",
              t.id);
      default ->
          new Answer(
              404, "{\"error\":\"not found\",\"path\":\"" + p.replace("\"", "%22") + "\"}", t.id);
    };
  }
}
