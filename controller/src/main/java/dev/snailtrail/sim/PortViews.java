package dev.snailtrail.sim;

import dev.snailtrail.provider.Ecs.ContainerState;
import dev.snailtrail.provider.Ecs.Deployment;
import dev.snailtrail.provider.Ecs.ServiceState;
import dev.snailtrail.provider.Ecs.TaskState;
import dev.snailtrail.provider.HealthStatus;
import dev.snailtrail.provider.LoadBalancing.TargetGroup;
import dev.snailtrail.provider.LoadBalancing.TargetHealth;
import dev.snailtrail.provider.ProviderException;
import dev.snailtrail.provider.TaskDefinitionSpec.ContainerDefinition;
import dev.snailtrail.provider.TaskStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The simulated resources as the ports' records: what ECS and ELB would answer about them. */
final class PortViews {
  private PortViews() {}

  /** DescribeLoadBalancers' security groups of one load balancer; NOT_FOUND when there is none. */
  static List<String> loadBalancerSecurityGroups(
      java.util.Map<String, List<String>> loadBalancers, String arn) {
    List<String> groups = loadBalancers.get(arn);
    if (groups == null) {
      throw new dev.snailtrail.provider.ProviderException(
          dev.snailtrail.provider.ProviderException.Kind.NOT_FOUND,
          "elbv2",
          "DescribeLoadBalancers",
          "LoadBalancerNotFound: One or more load balancers not found: " + arn);
    }
    return groups;
  }

  static ServiceState serviceState(SimService s) {
    List<Deployment> deployments = new ArrayList<>();
    for (SimDeployment d : s.deployments) {
      int running = 0;
      int pending = 0;
      for (SimTask t : s.tasks) {
        if (t.deployment == d && t.live()) {
          running += t.lastStatus == TaskStatus.RUNNING ? 1 : 0;
          pending += t.lastStatus == TaskStatus.RUNNING ? 0 : 1;
        }
      }
      deployments.add(
          new Deployment(
              d.id,
              d.status,
              d.taskDefinition.arn(),
              d.desiredCount,
              running,
              pending,
              d.failedTasks,
              d.rolloutState,
              d.rolloutStateReason,
              d.createdAt,
              d.updatedAt));
    }
    int running = (int) s.tasks.stream().filter(SimTask::running).count();
    int pending =
        (int)
            s.tasks.stream()
                .filter(SimTask::live)
                .filter(t -> t.lastStatus != TaskStatus.RUNNING)
                .count();
    SimDeployment primary = s.primary();
    return new ServiceState(
        s.ref,
        s.arn,
        s.status,
        primary == null ? null : primary.taskDefinition.arn(),
        s.desiredCount,
        running,
        pending,
        s.launchType,
        s.network,
        s.loadBalancers,
        deployments,
        s.events,
        null,
        s.strategy,
        s.serviceDeployment == null ? null : s.serviceDeployment.arn);
  }

  /**
   * The service's tasks as ListTasks and DescribeTasks answer: the live ones, and with {@code
   * includeStopped} those stopped recently enough for ECS to remember; none for no service.
   */
  static List<TaskState> tasks(SimService s, boolean includeStopped, Instant now) {
    if (s == null) {
      return List.of();
    }
    Instant forgetBefore = now.minus(Timings.STOPPED_TASK_MEMORY);
    List<TaskState> tasks = new ArrayList<>();
    for (SimTask t : s.tasks) {
      boolean remembered = !t.stopped() || (includeStopped && t.stoppedAt.isAfter(forgetBefore));
      if (remembered) {
        tasks.add(taskState(t));
      }
    }
    return tasks;
  }

  static TaskState taskState(SimTask t) {
    List<ContainerState> containers = new ArrayList<>();
    for (ContainerDefinition c : t.taskDefinition.spec().containers()) {
      boolean main = c.name().equals(t.main.name());
      TaskStatus status = containerStatus(t.lastStatus);
      HealthStatus health =
          c.healthCheck() == null
              ? HealthStatus.UNKNOWN
              : main ? t.health : healthOfSidecar(t, status);
      containers.add(
          new ContainerState(
              c.name(),
              c.image(),
              status,
              health,
              t.stopped() ? (main ? t.exitCode : (t.startedAt == null ? null : 0)) : null,
              t.containerReason,
              main ? t.bindings : List.of()));
    }
    return new TaskState(
        t.arn,
        t.taskDefinition.arn(),
        t.lastStatus,
        t.desiredStatus,
        t.main.healthCheck() == null ? HealthStatus.UNKNOWN : t.health,
        t.stopCode,
        t.stoppedReason,
        t.launchType,
        containers,
        t.privateIp,
        t.publicIp,
        t.startedAt,
        t.stoppedAt);
  }

  /** A container is PENDING until its task runs, and runs until its task has stopped. */
  private static TaskStatus containerStatus(TaskStatus task) {
    return switch (task) {
      case PROVISIONING, PENDING -> TaskStatus.PENDING;
      case STOPPED, DELETED -> TaskStatus.STOPPED;
      case ACTIVATING, RUNNING, DEACTIVATING, STOPPING, DEPROVISIONING, UNRECOGNIZED ->
          TaskStatus.RUNNING;
    };
  }

  private static HealthStatus healthOfSidecar(SimTask t, TaskStatus status) {
    return status == TaskStatus.RUNNING && t.readyAt != null
        ? HealthStatus.HEALTHY
        : HealthStatus.UNKNOWN;
  }

  static List<TargetHealth> targetHealth(
      Map<String, SimTargetGroup> targetGroups, String targetGroupArn) {
    SimTargetGroup tg = targetGroups.get(targetGroupArn);
    if (tg == null) {
      throw new ProviderException(
          ProviderException.Kind.NOT_FOUND,
          "elbv2",
          "DescribeTargetHealth",
          "TargetGroupNotFound: One or more target groups not found: " + targetGroupArn);
    }
    return tg.targets.values().stream()
        .map(t -> new TargetHealth(t.id, t.port, t.state, t.reason, t.description))
        .toList();
  }

  static Optional<TargetGroup> targetGroup(Map<String, SimTargetGroup> targetGroups, String arn) {
    SimTargetGroup tg = targetGroups.get(arn);
    if (tg == null) {
      return Optional.empty();
    }
    return Optional.of(
        new TargetGroup(
            tg.arn,
            tg.name,
            "HTTP",
            tg.port,
            tg.targetType,
            tg.vpcId,
            "/health",
            "traffic-port",
            tg.loadBalancerArn == null ? List.of() : List.of(tg.loadBalancerArn)));
  }
}
