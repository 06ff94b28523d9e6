package dev.snailtrail.sim;

import dev.snailtrail.provider.Ecs.LoadBalancerBinding;
import dev.snailtrail.provider.Ecs.PortMapping;
import dev.snailtrail.provider.HealthStatus;
import dev.snailtrail.provider.LaunchType;
import dev.snailtrail.provider.TaskDefinition;
import dev.snailtrail.provider.TaskDefinitionSpec.ContainerDefinition;
import dev.snailtrail.provider.TaskStatus;
import dev.snailtrail.provider.TaskStopCode;
import java.time.Instant;
import java.util.List;

/** One simulated task and its history (start and stop times stay for metrics). */
final class SimTask {
  final String id;
  final String arn;
  final SimService service;
  final SimDeployment deployment;
  final TaskDefinition taskDefinition;
  final ContainerDefinition main;
  final Behavior behavior;
  final LaunchType launchType;
  final String subnetId;
  final String privateIp;
  final String publicIp;
  final List<PortMapping> bindings;
  final Instant createdAt;

  TaskStatus lastStatus = TaskStatus.PROVISIONING;
  TaskStatus desiredStatus = TaskStatus.RUNNING;
  HealthStatus health = HealthStatus.UNKNOWN;
  Instant startedAt;
  Instant readyAt;
  Instant stoppingAt;
  Instant stoppedAt;
  TaskStopCode stopCode;
  String stoppedReason;
  String containerReason;
  Integer exitCode;

  SimTask(
      String id,
      String arn,
      SimService service,
      SimDeployment deployment,
      TaskDefinition taskDefinition,
      ContainerDefinition main,
      Behavior behavior,
      LaunchType launchType,
      String subnetId,
      String privateIp,
      String publicIp,
      List<PortMapping> bindings,
      Instant createdAt) {
    this.id = id;
    this.arn = arn;
    this.service = service;
    this.deployment = deployment;
    this.taskDefinition = taskDefinition;
    this.main = main;
    this.behavior = behavior;
    this.launchType = launchType;
    this.subnetId = subnetId;
    this.privateIp = privateIp;
    this.publicIp = publicIp;
    this.bindings = List.copyOf(bindings);
    this.createdAt = createdAt;
  }

  /** Not stopped and not being stopped. */
  boolean live() {
    return desiredStatus == TaskStatus.RUNNING && stoppedAt == null;
  }

  boolean stopped() {
    return stoppedAt != null;
  }

  boolean running() {
    return live() && lastStatus == TaskStatus.RUNNING;
  }

  /** Whether the task ran at any moment in [from, to). */
  boolean ranDuring(Instant from, Instant to) {
    if (startedAt == null || !startedAt.isBefore(to)) {
      return false;
    }
    Instant end = stoppingAt != null ? stoppingAt : stoppedAt;
    return end == null || end.isAfter(from);
  }

  /** The port the load balancer sends to: its binding's container port, else the first mapped. */
  int configuredPort() {
    for (LoadBalancerBinding lb : service.loadBalancers) {
      if (lb.containerName() == null || lb.containerName().equals(main.name())) {
        return lb.containerPort();
      }
    }
    return main.portMappings().isEmpty() ? 80 : main.portMappings().get(0).containerPort();
  }

  /** The port the app really listens on. */
  int listenPort(int configured) {
    return behavior == Behavior.WRONG_PORT ? 8080 : configured;
  }

  /** Whether the image is one of the ML builds (everything but the bare {@code simple} app). */
  boolean mlImage() {
    return !main.image().contains("simple");
  }
}
