package dev.snailtrail.gate;

import dev.snailtrail.provider.Ecs.ContainerState;
import dev.snailtrail.provider.Ecs.TaskState;
import dev.snailtrail.provider.HealthStatus;
import dev.snailtrail.provider.TaskDefinition;
import dev.snailtrail.provider.TaskDefinitionSpec.ContainerDefinition;
import dev.snailtrail.spec.Gate;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/** {@code containerHealth}: every running task of the phase reports the container HEALTHY. */
final class ContainerHealthGate {

  Measurement measure(Gate.ContainerHealth gate, GateContext ctx) {
    String name = gate.container() != null ? gate.container() : ctx.main().name();
    String revision = PhaseTasks.shortName(ctx.taskDefinitionArn());
    List<TaskState> running = PhaseTasks.running(ctx);
    if (running.isEmpty()) {
      return new Measurement.Pending("no RUNNING task on " + revision + " yet");
    }
    int total = running.size();
    long healthy = running.stream().filter(t -> health(t, name) == HealthStatus.HEALTHY).count();
    long unhealthy =
        running.stream().filter(t -> health(t, name) == HealthStatus.UNHEALTHY).count();
    if (unhealthy > 0) {
      return new Measurement.Fail(
          unhealthy + "/" + total + " tasks report container " + name + " UNHEALTHY");
    }
    if (healthy == total) {
      return new Measurement.Pass(
          healthy + "/" + total + " tasks report container " + name + " HEALTHY");
    }
    // Not all HEALTHY and none UNHEALTHY: either the check is still starting, or there is no
    // check at all and ECS will say UNKNOWN forever. Only the task definition can tell which.
    Optional<String> misconfigured = checkDefinition(ctx, name, revision);
    if (misconfigured.isPresent()) {
      return new Measurement.Fail(misconfigured.get());
    }
    return new Measurement.Pending(
        healthy
            + "/"
            + total
            + " tasks report container "
            + name
            + " HEALTHY, "
            + (total - healthy)
            + " UNKNOWN (health check still starting)");
  }

  private static HealthStatus health(TaskState t, String container) {
    return PhaseTasks.container(t, container)
        .map(ContainerState::healthStatus)
        .orElse(HealthStatus.UNKNOWN);
  }

  private static Optional<String> checkDefinition(GateContext ctx, String name, String revision) {
    Optional<TaskDefinition> td =
        ctx.providers()
            .ecs()
            .describeTaskDefinition(ctx.service().region(), ctx.taskDefinitionArn());
    if (td.isEmpty()) {
      return Optional.empty();
    }
    ContainerDefinition def = td.get().spec().container(name);
    if (def == null) {
      String names =
          td.get().spec().containers().stream()
              .map(ContainerDefinition::name)
              .collect(Collectors.joining(", "));
      return Optional.of(
          revision
              + " has no container named "
              + name
              + " (it has: "
              + names
              + "); set containerHealth.container or template.container");
    }
    if (def.healthCheck() == null) {
      return Optional.of(
          "container "
              + name
              + " in "
              + revision
              + " has no health check, so ECS never reports it HEALTHY; add a healthCheck to the"
              + " template");
    }
    return Optional.empty();
  }
}
