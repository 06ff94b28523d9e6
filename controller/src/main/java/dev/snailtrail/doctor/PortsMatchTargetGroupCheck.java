package dev.snailtrail.doctor;

import dev.snailtrail.provider.Ecs.LoadBalancerBinding;
import dev.snailtrail.provider.Ecs.PortMapping;
import dev.snailtrail.provider.LoadBalancing.TargetGroup;
import dev.snailtrail.provider.TaskDefinitionSpec.ContainerDefinition;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

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
    List<String> problems = new ArrayList<>();
    List<String> fixes = new ArrayList<>();
    List<String> fine = new ArrayList<>();
    List<String> observed = new ArrayList<>();
    for (LoadBalancerBinding b : bindings) {
      Optional<TargetGroup> found = in.facts.targetGroup(b.targetGroupArn());
      if (found.isEmpty()) {
        problems.add("target group " + b.targetGroupArn() + " does not exist");
        fixes.add("Create the target group or fix target.loadBalancers.");
        continue;
      }
      TargetGroup tg = found.get();
      ContainerDefinition c = in.taskDefinition().container(b.containerName());
      if (c == null) {
        problems.add(
            "the task definition has no container "
                + b.containerName()
                + " to register with target group "
                + tg.name());
        fixes.add("Name an existing container in target.loadBalancers[].containerName.");
        continue;
      }
      List<Integer> mapped = c.portMappings().stream().map(PortMapping::containerPort).toList();
      observed.add(
          "container "
              + c.name()
              + " maps "
              + (mapped.isEmpty() ? "no port" : mapped)
              + ", the service registers "
              + b.containerPort()
              + ", target group "
              + tg.name()
              + " is "
              + tg.protocol()
              + " "
              + tg.port()
              + " with health check "
              + tg.healthCheckPath()
              + " on "
              + tg.healthCheckPort());
      int port =
          mapped.contains(b.containerPort()) || mapped.isEmpty()
              ? b.containerPort()
              : mapped.get(0);
      int before = problems.size();
      if (port != tg.port() || !mapped.contains(b.containerPort())) {
        problems.add(
            "container "
                + c.name()
                + " listens on "
                + (mapped.isEmpty() ? "no mapped port" : port)
                + " but target group "
                + tg.name()
                + " forwards to "
                + tg.port()
                + (mapped.contains(b.containerPort())
                    ? ""
                    : " (the service registers port " + b.containerPort() + ")"));
        fixes.add(
            "Make the app listen on "
                + tg.port()
                + " and set template.port: "
                + tg.port()
                + " (the container's portMappings), or, if "
                + port
                + " is right, use a target group on port "
                + port
                + ".");
      }
      String hcPort = tg.healthCheckPort();
      if (hcPort != null
          && !hcPort.equals("traffic-port")
          && !hcPort.equals(Integer.toString(port))) {
        problems.add(
            "target group "
                + tg.name()
                + " health-checks port "
                + hcPort
                + " but the container listens on "
                + port);
        fixes.add(
            "Set the health check port of "
                + tg.name()
                + " to traffic-port (aws elbv2 modify-target-group --target-group-arn "
                + tg.arn()
                + " --health-check-port traffic-port).");
      }
      boolean http = tg.protocol() == null || tg.protocol().startsWith("HTTP");
      if (http && (tg.healthCheckPath() == null || tg.healthCheckPath().isBlank())) {
        problems.add("target group " + tg.name() + " has no health check path");
        fixes.add(
            "Set a health check path that answers 200 (aws elbv2 modify-target-group"
                + " --target-group-arn "
                + tg.arn()
                + " --health-check-path /health).");
      }
      if (problems.size() == before) {
        fine.add(
            "container "
                + c.name()
                + " port "
                + port
                + " = target group "
                + tg.name()
                + " port "
                + tg.port()
                + ", health check "
                + (tg.healthCheckPath() == null ? "" : tg.healthCheckPath() + " ")
                + "on "
                + hcPort);
      }
    }
    if (!problems.isEmpty()) {
      List<String> seen = new ArrayList<>(observed);
      if (problems.size() > 1) {
        seen.addAll(problems.subList(1, problems.size()));
      }
      return in.fail(id(), problems.get(0), String.join("; ", seen), String.join(" ", fixes));
    }
    return in.pass(id(), fine.get(0), String.join("; ", fine));
  }
}
