package dev.snailtrail.doctor;

import dev.snailtrail.provider.Ecs.ContainerState;
import dev.snailtrail.provider.Ecs.PortMapping;
import dev.snailtrail.provider.Ecs.TaskState;
import dev.snailtrail.provider.NetworkMode;
import dev.snailtrail.provider.TaskDefinitionSpec.ContainerDefinition;
import java.util.ArrayList;
import java.util.List;

/**
 * Check 4: where the container port lives. Under awsvpc ECS reports no {@code networkBindings}: the
 * port is on the task's own network interface (the story's third blocker was reading that as
 * broken). Under bridge and host the bindings must carry the port.
 */
final class AwsvpcBindingsCheck implements PreflightCheck {

  @Override
  public Check id() {
    return Check.AwsvpcBindings;
  }

  @Override
  public boolean perPhase() {
    return false;
  }

  @Override
  public CheckResult run(Inspection in) {
    Facts f = in.facts;
    String name = f.mainContainer();
    int port = port(in, name);
    List<TaskState> tasks = f.runningTasks();
    if (f.awsvpc()) {
      return onTaskInterfaces(in, port, tasks);
    }
    return onHost(in, name, port, tasks);
  }

  private CheckResult onTaskInterfaces(Inspection in, int port, List<TaskState> tasks) {
    List<String> enis = new ArrayList<>();
    for (TaskState t : tasks) {
      if (t.privateIp() != null) {
        enis.add(
            t.privateIp()
                + ":"
                + port
                + (t.publicIp() == null ? "" : " (public " + t.publicIp() + ")"));
      }
    }
    return in.pass(
        id(),
        "awsvpc: empty networkBindings are normal; port "
            + port
            + " lives on each task's network interface",
        enis.isEmpty()
            ? "no running task to look at yet; targets register as <task IP>:" + port
            : "running tasks: " + String.join(", ", enis));
  }

  /** Under bridge and host: the container maps the port, and each running task binds it. */
  private CheckResult onHost(Inspection in, String name, int port, List<TaskState> tasks) {
    NetworkMode mode = in.facts.networkMode();
    ContainerDefinition c = in.taskDefinition().container(name);
    boolean mapped =
        c != null && c.portMappings().stream().anyMatch(m -> m.containerPort() == port);
    String fix =
        "Add a portMapping {containerPort: "
            + port
            + ", hostPort: "
            + (mode == NetworkMode.HOST ? port : 0)
            + "} to container "
            + name
            + " so "
            + mode
            + " mode publishes it on the host.";
    if (!mapped) {
      return in.fail(
          id(),
          "container " + name + " maps no port " + port + " under " + mode,
          "portMappings of " + name + ": " + (c == null ? "no such container" : c.portMappings()),
          fix);
    }
    List<String> bound = new ArrayList<>();
    for (TaskState t : tasks) {
      ContainerState cs =
          t.containers().stream().filter(x -> x.name().equals(name)).findFirst().orElse(null);
      PortMapping b = cs == null ? null : binding(cs, port);
      if (b == null) {
        return in.fail(
            id(),
            "task "
                + shortId(t.taskArn())
                + ": container "
                + name
                + " has no network binding for "
                + port,
            "under "
                + mode
                + " the binding carries the port; this task has "
                + (cs == null ? "no such container" : cs.networkBindings()),
            fix);
      }
      bound.add(port + "→host " + b.hostPort());
    }
    return in.pass(
        id(),
        mode + ": container " + name + " publishes " + port + " on the host",
        bound.isEmpty()
            ? "no running task to look at yet"
            : "bindings: " + String.join(", ", bound));
  }

  private static PortMapping binding(ContainerState container, int port) {
    return container.networkBindings().stream()
        .filter(m -> m.containerPort() == port)
        .findFirst()
        .orElse(null);
  }

  private static int port(Inspection in, String container) {
    return in.facts.bindings().stream()
        .filter(b -> b.containerName().equals(container))
        .mapToInt(b -> b.containerPort())
        .findFirst()
        .orElse(in.facts.mainPort());
  }

  static String shortId(String arn) {
    return arn == null ? "?" : arn.substring(arn.lastIndexOf('/') + 1);
  }
}
