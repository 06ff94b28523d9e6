package dev.snailtrail.doctor;

import dev.snailtrail.provider.Ecs.LoadBalancerBinding;
import dev.snailtrail.provider.Ecs.PortMapping;
import dev.snailtrail.provider.LoadBalancing.TargetGroup;
import dev.snailtrail.provider.TaskDefinitionSpec.ContainerDefinition;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Check 3: the container port is the target group's port and the health check probes it. The
 * story's second blocker: the app listened on 8080 while the target group checked 5000.
 */
final class PortsMatchTargetGroupCheck implements PreflightCheck {

  @Override
  public Check id() {
    return Check.PortsMatchTargetGroup;
  }

  @Override
  public boolean perPhase() {
    return false;
  }

  @Override
  public CheckResult run(Inspection in) {
    List<LoadBalancerBinding> bindings = in.facts.bindings();
    if (bindings.isEmpty()) {
      return in.skipped(id(), "no load balancer: the service registers with no target group", "");
    }
    List<Problem> problems = new ArrayList<>();
    List<String> fine = new ArrayList<>();
    List<String> observed = new ArrayList<>();
    for (LoadBalancerBinding b : bindings) {
      Optional<TargetGroup> tg = in.facts.targetGroup(b.targetGroupArn());
      if (tg.isEmpty()) {
        problems.add(
            new Problem(
                "target group " + b.targetGroupArn() + " does not exist",
                "Create the target group or fix target.loadBalancers."));
        continue;
      }
      ContainerDefinition c = in.taskDefinition().container(b.containerName());
      if (c == null) {
        problems.add(
            new Problem(
                "the task definition has no container "
                    + b.containerName()
                    + " to register with target group "
                    + tg.get().name(),
                "Name an existing container in target.loadBalancers[].containerName."));
        continue;
      }
      Registration r = new Registration(b, tg.get(), c);
      observed.add(r.observed());
      List<Problem> mine = r.problems();
      problems.addAll(mine);
      if (mine.isEmpty()) {
        fine.add(r.fine());
      }
    }
    return verdict(in, problems, fine, observed);
  }

  /** Fails on the first problem, showing what was observed and the other problems. */
  private CheckResult verdict(
      Inspection in, List<Problem> problems, List<String> fine, List<String> observed) {
    if (problems.isEmpty()) {
      return in.pass(id(), fine.get(0), String.join("; ", fine));
    }
    List<String> seen = new ArrayList<>(observed);
    problems.stream().skip(1).map(Problem::title).forEach(seen::add);
    List<String> fixes = problems.stream().map(Problem::fix).toList();
    return in.fail(id(), problems.get(0).title(), String.join("; ", seen), String.join(" ", fixes));
  }

  private record Problem(String title, String fix) {}

  /** The service's registration of a container with a target group, both of which exist. */
  private record Registration(
      LoadBalancerBinding binding,
      TargetGroup tg,
      ContainerDefinition container,
      List<Integer> mapped) {

    Registration(LoadBalancerBinding binding, TargetGroup tg, ContainerDefinition container) {
      this(
          binding,
          tg,
          container,
          container.portMappings().stream().map(PortMapping::containerPort).toList());
    }

    boolean mapsRegisteredPort() {
      return mapped.contains(binding.containerPort());
    }

    /**
     * The port the container listens on: the registered one if mapped (or none is), else the first.
     */
    int port() {
      return mapsRegisteredPort() || mapped.isEmpty() ? binding.containerPort() : mapped.get(0);
    }

    List<Problem> problems() {
      return Stream.of(portMismatch(), healthCheckPortMismatch(), missingHealthCheckPath())
          .flatMap(Optional::stream)
          .toList();
    }

    private Optional<Problem> portMismatch() {
      int port = port();
      if (port == tg.port() && mapsRegisteredPort()) {
        return Optional.empty();
      }
      return Optional.of(
          new Problem(
              "container "
                  + container.name()
                  + " listens on "
                  + (mapped.isEmpty() ? "no mapped port" : port)
                  + " but target group "
                  + tg.name()
                  + " forwards to "
                  + tg.port()
                  + (mapsRegisteredPort()
                      ? ""
                      : " (the service registers port " + binding.containerPort() + ")"),
              "Make the app listen on "
                  + tg.port()
                  + " and set template.port: "
                  + tg.port()
                  + " (the container's portMappings), or, if "
                  + port
                  + " is right, use a target group on port "
                  + port
                  + "."));
    }

    private Optional<Problem> healthCheckPortMismatch() {
      String hcPort = tg.healthCheckPort();
      if (hcPort == null
          || hcPort.equals("traffic-port")
          || hcPort.equals(Integer.toString(port()))) {
        return Optional.empty();
      }
      return Optional.of(
          new Problem(
              "target group "
                  + tg.name()
                  + " health-checks port "
                  + hcPort
                  + " but the container listens on "
                  + port(),
              "Set the health check port of "
                  + tg.name()
                  + " to traffic-port (aws elbv2 modify-target-group --target-group-arn "
                  + tg.arn()
                  + " --health-check-port traffic-port)."));
    }

    private Optional<Problem> missingHealthCheckPath() {
      boolean http = tg.protocol() == null || tg.protocol().startsWith("HTTP");
      if (!http || (tg.healthCheckPath() != null && !tg.healthCheckPath().isBlank())) {
        return Optional.empty();
      }
      return Optional.of(
          new Problem(
              "target group " + tg.name() + " has no health check path",
              "Set a health check path that answers 200 (aws elbv2 modify-target-group"
                  + " --target-group-arn "
                  + tg.arn()
                  + " --health-check-path /health)."));
    }

    String observed() {
      return "container "
          + container.name()
          + " maps "
          + (mapped.isEmpty() ? "no port" : mapped)
          + ", the service registers "
          + binding.containerPort()
          + ", target group "
          + tg.name()
          + " is "
          + tg.protocol()
          + " "
          + tg.port()
          + " with health check "
          + tg.healthCheckPath()
          + " on "
          + tg.healthCheckPort();
    }

    String fine() {
      return "container "
          + container.name()
          + " port "
          + port()
          + " = target group "
          + tg.name()
          + " port "
          + tg.port()
          + ", health check "
          + (tg.healthCheckPath() == null ? "" : tg.healthCheckPath() + " ")
          + "on "
          + tg.healthCheckPort();
    }
  }
}
