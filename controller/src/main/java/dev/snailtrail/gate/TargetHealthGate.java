package dev.snailtrail.gate;

import dev.snailtrail.provider.Ecs.TaskState;
import dev.snailtrail.provider.LoadBalancing.TargetHealth;
import dev.snailtrail.provider.ProviderException;
import dev.snailtrail.provider.TargetHealthState;
import dev.snailtrail.spec.Gate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** {@code targetHealth}: the service's targets in an ELBv2 target group are all healthy. */
final class TargetHealthGate {

  Measurement measure(Gate.TargetHealth gate, GateContext ctx) {
    String region = ctx.service().region();
    List<TargetHealth> all;
    try {
      all = ctx.providers().loadBalancing().describeTargetHealth(region, gate.targetGroup());
    } catch (ProviderException e) {
      if (e.kind() != ProviderException.Kind.NOT_FOUND) {
        throw e;
      }
      return new Measurement.Fail(
          "target group "
              + gate.targetGroup()
              + " does not exist in "
              + region
              + "; create it or fix targetHealth.targetGroup");
    }
    List<TargetHealth> targets = ours(all, PhaseTasks.running(ctx));
    if (targets.isEmpty()) {
      return new Measurement.Pending(
          "no targets registered in target group " + groupName(gate.targetGroup()) + " yet");
    }
    int total = targets.size();
    List<TargetHealth> unhealthy =
        targets.stream().filter(t -> t.state() == TargetHealthState.UNHEALTHY).toList();
    if (!unhealthy.isEmpty()) {
      return new Measurement.Fail(
          unhealthy.size() + "/" + total + " targets unhealthy: " + causes(unhealthy));
    }
    long healthy = targets.stream().filter(t -> t.state() == TargetHealthState.HEALTHY).count();
    if (healthy == total) {
      return new Measurement.Pass(healthy + "/" + total + " targets healthy");
    }
    // initial, draining, unused, unavailable: nothing against the phase yet, nothing for it.
    Map<String, Long> others =
        targets.stream()
            .filter(t -> t.state() != TargetHealthState.HEALTHY)
            .collect(
                Collectors.groupingBy(
                    t -> t.state() + (t.reason() == null ? "" : " (" + t.reason() + ")"),
                    TreeMap::new,
                    Collectors.counting()));
    String rest =
        others.entrySet().stream()
            .map(e -> e.getValue() + " " + e.getKey())
            .collect(Collectors.joining(", "));
    return new Measurement.Pending(healthy + "/" + total + " targets healthy, " + rest);
  }

  /**
   * Only the service's targets matter: a group may also hold other services' tasks. Targets are
   * matched by the private IP of the phase's running tasks; when none match (instance targets under
   * bridge networking, or tasks without an address yet) every target counts.
   */
  private static List<TargetHealth> ours(List<TargetHealth> all, List<TaskState> running) {
    Set<String> ips =
        running.stream()
            .map(TaskState::privateIp)
            .filter(Objects::nonNull)
            .collect(Collectors.toSet());
    List<TargetHealth> matched = all.stream().filter(t -> ips.contains(t.targetId())).toList();
    return matched.isEmpty() ? all : matched;
  }

  /** "Target.FailedHealthChecks on :5000 (Health checks failed)", grouped by identical cause. */
  private static String causes(List<TargetHealth> unhealthy) {
    Map<String, Integer> byCause = new LinkedHashMap<>();
    for (TargetHealth t : unhealthy) {
      String cause =
          (t.reason() == null ? "unhealthy" : t.reason())
              + " on :"
              + t.port()
              + (t.description() == null || t.description().isBlank()
                  ? ""
                  : " (" + t.description() + ")");
      byCause.merge(cause, 1, Integer::sum);
    }
    if (byCause.size() == 1) {
      return byCause.keySet().iterator().next();
    }
    return byCause.entrySet().stream()
        .map(e -> e.getValue() + "x " + e.getKey())
        .collect(Collectors.joining("; "));
  }

  /** {@code shine} from {@code arn:...:targetgroup/shine/abc}. */
  private static String groupName(String arn) {
    int start = arn.indexOf("targetgroup/");
    if (start < 0) {
      return arn;
    }
    String rest = arn.substring(start + "targetgroup/".length());
    int slash = rest.indexOf('/');
    return slash >= 0 ? rest.substring(0, slash) : rest;
  }
}
