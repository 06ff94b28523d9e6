package dev.snailtrail.sim;

import dev.snailtrail.provider.Ecs.LoadBalancerBinding;
import dev.snailtrail.provider.Ecs.PortMapping;
import dev.snailtrail.provider.HealthStatus;
import dev.snailtrail.provider.LaunchType;
import dev.snailtrail.provider.Logs.LogEvent;
import dev.snailtrail.provider.Network.RouteTable;
import dev.snailtrail.provider.Network.Subnet;
import dev.snailtrail.provider.NetworkMode;
import dev.snailtrail.provider.TargetHealthState;
import dev.snailtrail.provider.TaskDefinition;
import dev.snailtrail.provider.TaskDefinitionSpec.ContainerDefinition;
import dev.snailtrail.provider.TaskDefinitionSpec.HealthCheck;
import dev.snailtrail.provider.TaskStatus;
import dev.snailtrail.provider.TaskStopCode;
import dev.snailtrail.spec.ImageRef;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * What happens to a task between launch and STOPPED, by its image's {@link Behavior}: the
 * transitions are scheduled on the world's clock as each state is reached (timings in {@link
 * Timings}), together with the task's target registrations, container health and log lines.
 */
final class TaskLifecycle {
  private final World world;

  TaskLifecycle(World world) {
    this.world = world;
  }

  /** The container a task's behaviour and target registration follow. */
  static ContainerDefinition mainContainer(SimService s, TaskDefinition td) {
    for (LoadBalancerBinding lb : s.loadBalancers) {
      ContainerDefinition c = td.spec().container(lb.containerName());
      if (c != null) {
        return c;
      }
    }
    return td.spec().containers().stream()
        .filter(c -> c.essential() && !c.portMappings().isEmpty())
        .findFirst()
        .orElse(td.spec().containers().get(0));
  }

  Behavior behaviorOf(String image) {
    Behavior override = world.imageBehaviors.get(image);
    if (override != null) {
      return override;
    }
    try {
      ImageRef ref = ImageRef.parse(image);
      override = world.imageBehaviors.get(ref.repository() + ":" + ref.effectiveTag());
      return override != null ? override : Behavior.fromTag(ref.tag());
    } catch (IllegalArgumentException e) {
      return Behavior.HEALTHY;
    }
  }

  private static boolean awsvpc(TaskDefinition td) {
    return td.spec().networkMode() == null || td.spec().networkMode() == NetworkMode.AWSVPC;
  }

  SimTask launch(SimService s, SimDeployment d) {
    TaskDefinition td = d.taskDefinition;
    ContainerDefinition main = mainContainer(s, td);
    String id = world.hex(32);
    boolean vpc = awsvpc(td);
    String subnet = null;
    int n = world.ipCounter++;
    if (s.network != null && !s.network.subnets().isEmpty()) {
      subnet = s.network.subnets().get(n % s.network.subnets().size());
    }
    String privateIp = vpc ? privateIp(subnet, n) : null;
    String publicIp =
        vpc && s.network != null && s.network.assignPublicIp() && s.launchType == LaunchType.FARGATE
            ? (3 + world.random.nextInt(50))
                + "."
                + world.random.nextInt(256)
                + "."
                + world.random.nextInt(256)
                + "."
                + (1 + world.random.nextInt(254))
            : null;
    List<PortMapping> bindings = new ArrayList<>();
    if (!vpc) {
      for (PortMapping m : main.portMappings()) {
        bindings.add(
            new PortMapping(
                m.containerPort(), m.hostPort() != 0 ? m.hostPort() : 32768 + n % 28000, "tcp"));
      }
    }
    SimTask t =
        new SimTask(
            id,
            "arn:aws:ecs:"
                + s.ref.region()
                + ":"
                + World.ACCOUNT
                + ":task/"
                + s.ref.cluster()
                + "/"
                + id,
            s,
            d,
            td,
            main,
            behaviorOf(main.image()),
            s.launchType,
            subnet,
            privateIp,
            publicIp,
            bindings,
            world.now);
    s.tasks.add(t);
    world.after(Timings.PROVISIONING, () -> toPending(t));
    return t;
  }

  private String privateIp(String subnetId, int n) {
    int third = 0;
    Subnet subnet = subnetId == null ? null : world.subnets.get(subnetId);
    if (subnet != null) {
      String[] octets = subnet.cidr().split("[./]");
      third = Integer.parseInt(octets[2]);
    } else if (subnetId != null) {
      third = Math.floorMod(subnetId.hashCode(), 200);
    }
    return "10.0." + third + "." + (10 + n % 240);
  }

  private void toPending(SimTask t) {
    if (!t.live()) {
      return;
    }
    t.lastStatus = TaskStatus.PENDING;
    String region = t.service.ref.region();
    String image = t.main.image();
    ImageRef ref = parseOrNull(image);
    boolean absent =
        t.behavior == Behavior.MISSING || (ref != null && !world.ecr.pullable(region, ref));
    if (absent) {
      String reason =
          "CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to"
              + " resolve ref "
              + image
              + ": "
              + image
              + ": not found";
      world.after(Timings.PULL_NOT_FOUND, () -> failStart(t, reason));
    } else if (!registryReachable(t)) {
      String host = ref != null && ref.registry() != null ? ref.registry() : "registry-1.docker.io";
      String reason =
          "CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to do"
              + " request: Head \"https://"
              + host
              + "/v2/"
              + (ref == null ? image : ref.repository())
              + "/manifests/"
              + (ref == null ? "latest" : ref.effectiveTag())
              + "\": dial tcp 52.94.224.60:443: i/o timeout";
      world.after(Timings.PULL_TIMEOUT, () -> failStart(t, reason));
    } else {
      world.after(Timings.PULL, () -> toRunning(t));
    }
  }

  private static ImageRef parseOrNull(String image) {
    try {
      return ImageRef.parse(image);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /**
   * Whether the task's subnet can reach a registry: a default route through a NAT gateway, or
   * through an internet gateway when the task has a public IP. Subnets the simulator does not know
   * are assumed to route.
   */
  private boolean registryReachable(SimTask t) {
    if (t.subnetId == null || !world.subnets.containsKey(t.subnetId)) {
      return true;
    }
    RouteTable table = routeTableOf(world.subnets.get(t.subnetId));
    if (table == null) {
      return true;
    }
    for (var route : table.routes()) {
      if (route.destinationCidr().equals("0.0.0.0/0")) {
        if (route.target().startsWith("nat-")) {
          return true;
        }
        if (route.target().startsWith("igw-")) {
          return t.publicIp != null;
        }
      }
    }
    return false;
  }

  RouteTable routeTableOf(Subnet subnet) {
    RouteTable main = null;
    for (RouteTable rt : world.routeTables.values()) {
      if (rt.subnetIds().contains(subnet.id())) {
        return rt;
      }
      if (rt.main() && rt.vpcId().equals(subnet.vpcId())) {
        main = rt;
      }
    }
    return main;
  }

  private void failStart(SimTask t, String reason) {
    if (!t.live()) {
      return;
    }
    t.lastStatus = TaskStatus.STOPPED;
    t.desiredStatus = TaskStatus.STOPPED;
    t.stoppingAt = world.now;
    t.stoppedAt = world.now;
    t.stopCode = TaskStopCode.TASK_FAILED_TO_START;
    t.stoppedReason = reason;
    t.containerReason = reason;
    world.scheduler.taskFailed(t);
  }

  private String logGroupOf(ContainerDefinition c) {
    return "awslogs".equals(c.logDriver()) ? c.logOptions().get("awslogs-group") : null;
  }

  private String logRegion(SimTask t, ContainerDefinition c) {
    return c.logOptions().getOrDefault("awslogs-region", t.service.ref.region());
  }

  private void toRunning(SimTask t) {
    if (!t.live()) {
      return;
    }
    for (ContainerDefinition c : t.taskDefinition.spec().containers()) {
      String group = logGroupOf(c);
      if (group == null) {
        continue;
      }
      String k = World.key(logRegion(t, c), group);
      if (!world.logGroups.containsKey(k)) {
        if ("true".equals(c.logOptions().get("awslogs-create-group"))) {
          world.logGroups.put(k, new ArrayList<>());
        } else {
          failStart(
              t,
              "ResourceInitializationError: failed to validate logger args: create stream has"
                  + " been retried 1 times: failed to create Cloudwatch log stream:"
                  + " ResourceNotFoundException: The specified log group does not exist. : exit"
                  + " status 1");
          return;
        }
      }
    }
    t.lastStatus = TaskStatus.RUNNING;
    t.startedAt = world.now;
    log(t, "Starting " + t.main.image());
    registerTargets(t);
    HealthCheck hc = t.main.healthCheck();
    switch (t.behavior) {
      case CRASH_LOOP -> world.after(Timings.CRASH_AFTER, () -> crash(t));
      case UNHEALTHY, WRONG_PORT -> {
        world.after(Timings.APP_START, () -> ready(t));
        world.after(Timings.targetHealthyAfterReady(), () -> targetsUnhealthy(t));
        if (hc != null) {
          Duration d =
              Duration.ofSeconds(
                  hc.startPeriod() + (long) Math.max(1, hc.retries()) * interval(hc));
          world.after(d, () -> containerUnhealthy(t));
        }
      }
      case SLOW_START -> world.after(Timings.SLOW_APP_START, () -> ready(t));
      case HEALTHY, ML_DOWN, MISSING -> world.after(Timings.APP_START, () -> ready(t));
    }
  }

  private static long interval(HealthCheck hc) {
    return Math.max(1, hc.interval());
  }

  private void ready(SimTask t) {
    if (!t.running()) {
      return;
    }
    t.readyAt = world.now;
    log(t, "Listening on 0.0.0.0:" + t.listenPort(configuredPort(t)));
    if (t.behavior == Behavior.UNHEALTHY) {
      log(t, "WARN dependency check failing; /health answers 500");
    }
    if (t.behavior.passesHealthChecks()) {
      world.after(Timings.targetHealthyAfterReady(), () -> targetsHealthy(t));
      HealthCheck hc = t.main.healthCheck();
      if (hc != null) {
        Instant afterGrace = t.startedAt.plusSeconds(hc.startPeriod());
        Instant healthyAt =
            (afterGrace.isAfter(world.now) ? afterGrace : world.now).plusSeconds(interval(hc));
        world.at(
            healthyAt,
            () -> {
              if (t.running()) {
                t.health = HealthStatus.HEALTHY;
              }
            });
      }
      if (t.mlImage()) {
        world.after(Duration.ofSeconds(1), () -> mlStarted(t));
      }
    }
  }

  private void mlStarted(SimTask t) {
    if (!t.running()) {
      return;
    }
    if (t.behavior == Behavior.ML_DOWN) {
      log(t, "ERROR ML backend unreachable; serving degraded responses");
      world.after(Timings.ML_DOWN_ERROR_EVERY, () -> mlStarted(t));
    } else {
      log(t, "model loaded");
    }
  }

  int configuredPort(SimTask t) {
    for (LoadBalancerBinding lb : t.service.loadBalancers) {
      if (lb.containerName() == null || lb.containerName().equals(t.main.name())) {
        return lb.containerPort();
      }
    }
    return t.main.portMappings().isEmpty() ? 80 : t.main.portMappings().get(0).containerPort();
  }

  private void crash(SimTask t) {
    if (!t.running()) {
      return;
    }
    log(t, "Traceback (most recent call last):");
    log(t, "  File \"/app/server.py\", line 42, in <module>");
    log(t, "RuntimeError: worker crashed");
    log(t, "ERROR worker crashed");
    t.desiredStatus = TaskStatus.STOPPED;
    t.stoppingAt = world.now;
    t.stopCode = TaskStopCode.ESSENTIAL_CONTAINER_EXITED;
    t.stoppedReason = "Essential container in task exited";
    t.exitCode = 1;
    deregisterTargets(t);
    finishStop(t);
    world.scheduler.taskFailed(t);
  }

  private void containerUnhealthy(SimTask t) {
    if (!t.running()) {
      return;
    }
    t.health = HealthStatus.UNHEALTHY;
    world.event(
        t.service, t.service.tag() + " (task " + t.id + ") failed container health checks.");
    if (t.service.loadBalancers.isEmpty()) {
      world.after(
          Timings.UNHEALTHY_REPLACEMENT,
          () -> healthStop(t, "Task failed container health checks"));
    }
  }

  private void healthStop(SimTask t, String reason) {
    if (!t.live()) {
      return;
    }
    beginStop(t, TaskStopCode.SERVICE_SCHEDULER_INITIATED, reason, 143);
    world.scheduler.taskFailed(t);
  }

  /** Stops a task gracefully: its targets drain for the deregistration delay first. */
  void beginStop(SimTask t, TaskStopCode stopCode, String reason, int exitCode) {
    t.desiredStatus = TaskStatus.STOPPED;
    t.stoppingAt = world.now;
    t.stopCode = stopCode;
    t.stoppedReason = reason;
    boolean ran = t.startedAt != null;
    if (ran) {
      t.exitCode = exitCode;
    }
    if (deregisterTargets(t)) {
      t.lastStatus = TaskStatus.DEACTIVATING;
      world.after(Timings.DEREGISTRATION_DELAY, () -> finishStop(t));
    } else {
      finishStop(t);
    }
  }

  private void finishStop(SimTask t) {
    if (t.stoppedAt != null) {
      return;
    }
    if (t.startedAt != null && t.exitCode != null && t.exitCode != 1) {
      log(t, "Received SIGTERM; shutting down");
    }
    t.lastStatus = TaskStatus.STOPPED;
    t.stoppedAt = world.now;
  }

  // ---------------------------------------------------------------- targets

  private void registerTargets(SimTask t) {
    for (LoadBalancerBinding lb : t.service.loadBalancers) {
      SimTargetGroup tg = world.targetGroups.get(lb.targetGroupArn());
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

  private void targetsHealthy(SimTask t) {
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

  private void targetsUnhealthy(SimTask t) {
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
          () -> healthStop(t, "Task failed ELB health checks in (target-group " + arn + ")"));
    }
  }

  /** Puts the task's targets into draining; whether it had any. */
  private boolean deregisterTargets(SimTask t) {
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
      world.after(Timings.DEREGISTRATION_DELAY, () -> tg.targets.remove(t.id, target));
    }
    return any;
  }

  // ---------------------------------------------------------------- logs

  private void log(SimTask t, String message) {
    for (ContainerDefinition c : t.taskDefinition.spec().containers()) {
      if (c != t.main) {
        continue;
      }
      String group = logGroupOf(c);
      if (group == null) {
        return;
      }
      List<LogEvent> events = world.logGroups.get(World.key(logRegion(t, c), group));
      if (events != null) {
        String prefix = c.logOptions().getOrDefault("awslogs-stream-prefix", "ecs");
        events.add(new LogEvent(world.now, prefix + "/" + c.name() + "/" + t.id, message));
      }
    }
  }
}
