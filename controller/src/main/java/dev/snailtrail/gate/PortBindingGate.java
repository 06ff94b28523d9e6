package dev.snailtrail.gate;

import dev.snailtrail.provider.Ecs.ContainerState;
import dev.snailtrail.provider.Ecs.PortMapping;
import dev.snailtrail.provider.Ecs.TaskState;
import dev.snailtrail.provider.NetworkMode;
import dev.snailtrail.provider.TaskDefinition;
import dev.snailtrail.provider.TaskDefinitionSpec.ContainerDefinition;
import dev.snailtrail.spec.Gate;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * {@code portBinding}: the container maps the expected port and, outside {@code awsvpc}, the
 * running tasks bind it on the host. The wrong-port image (listening on 8080 when the load balancer
 * expects 5000) is the blocker this gate names.
 */
final class PortBindingGate {

  Measurement measure(Gate.PortBinding spec, GateContext ctx) {
    // A gate without a port checks the main container's (a rollout on the live service knows it
    // only from the task definition).
    Gate.PortBinding gate =
        spec.port() > 0
            ? spec
            : new Gate.PortBinding(ctx.mainPort(), spec.container(), spec.analysis());
    String name = gate.container() != null ? gate.container() : ctx.main().name();
    String revision = PhaseTasks.shortName(ctx.taskDefinitionArn());
    Optional<TaskDefinition> td =
        ctx.providers()
            .ecs()
            .describeTaskDefinition(ctx.service().region(), ctx.taskDefinitionArn());
    if (td.isEmpty()) {
      return new Measurement.Fail(
          "task definition "
              + revision
              + " does not exist in "
              + ctx.service().region()
              + "; retry the phase so it is registered again");
    }
    ContainerDefinition def = td.get().spec().container(name);
    if (def == null) {
      return new Measurement.Fail(
          revision + " has no container named " + name + "; set portBinding.container");
    }
    List<Integer> mapped = def.portMappings().stream().map(PortMapping::containerPort).toList();
    if (!mapped.contains(gate.port())) {
      String maps =
          mapped.isEmpty()
              ? "maps no port"
              : "maps port" + (mapped.size() > 1 ? "s " : " ") + join(mapped);
      return new Measurement.Fail(
          "container "
              + name
              + " "
              + maps
              + ", expected "
              + gate.port()
              + "; set template.port or fix the image");
    }
    NetworkMode mode =
        td.get().spec().networkMode() == null ? NetworkMode.BRIDGE : td.get().spec().networkMode();
    if (mode == NetworkMode.AWSVPC) {
      return new Measurement.Pass(
          "container "
              + name
              + " maps port "
              + gate.port()
              + "; under awsvpc empty networkBindings are normal: the port lives on the task's"
              + " network interface");
    }
    return checkBindings(gate.port(), name, mode, PhaseTasks.running(ctx));
  }

  private static Measurement checkBindings(
      int port, String name, NetworkMode mode, List<TaskState> running) {
    if (running.isEmpty()) {
      return new Measurement.Pending(
          "container "
              + name
              + " maps port "
              + port
              + "; waiting for a RUNNING task to check its "
              + mode
              + " network bindings");
    }
    List<Integer> hostPorts =
        running.stream()
            .flatMap(t -> PhaseTasks.container(t, name).stream())
            .flatMap(c -> c.networkBindings().stream())
            .filter(b -> b.containerPort() == port)
            .map(PortMapping::hostPort)
            .toList();
    List<TaskState> unbound =
        running.stream()
            .filter(
                t ->
                    PhaseTasks.container(t, name).stream()
                        .flatMap(c -> c.networkBindings().stream())
                        .noneMatch(b -> b.containerPort() == port))
            .toList();
    if (!unbound.isEmpty()) {
      String seen =
          unbound.stream()
              .flatMap(t -> PhaseTasks.container(t, name).stream())
              .map(ContainerState::networkBindings)
              .flatMap(List::stream)
              .map(b -> b.containerPort() + "->" + b.hostPort())
              .distinct()
              .collect(Collectors.joining(", "));
      return new Measurement.Fail(
          unbound.size()
              + "/"
              + running.size()
              + " tasks have no "
              + mode
              + " network binding for container port "
              + port
              + (seen.isEmpty() ? " (no bindings at all)" : " (bindings: " + seen + ")")
              + "; check the container's portMappings");
    }
    return new Measurement.Pass(
        "container "
            + name
            + " maps port "
            + port
            + ", bound on host port"
            + (hostPorts.size() > 1 ? "s " : " ")
            + join(hostPorts)
            + " ("
            + mode
            + ")");
  }

  private static String join(List<Integer> ports) {
    return ports.stream().map(String::valueOf).collect(Collectors.joining(", "));
  }
}
