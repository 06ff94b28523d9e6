package dev.snailtrail.sim;

import dev.snailtrail.provider.Ecs.LoadBalancerBinding;
import dev.snailtrail.provider.HealthStatus;
import dev.snailtrail.provider.TaskDefinition;
import dev.snailtrail.provider.TaskDefinitionSpec.ContainerDefinition;
import dev.snailtrail.provider.TaskDefinitionSpec.HealthCheck;
import dev.snailtrail.provider.TaskStatus;
import dev.snailtrail.provider.TaskStopCode;
import dev.snailtrail.spec.ImageRef;
import java.time.Duration;
import java.time.Instant;

/**
 * What happens to a task between launch and STOPPED, by its image's {@link Behavior}: the
 * transitions are scheduled on the world's clock as each state is reached (timings in {@link
 * Timings}), together with the task's container health. Its network place, target registrations and
 * log lines are kept by {@link TaskNetwork}, {@link TaskTargets} and {@link TaskLogs}.
 */
final class TaskLifecycle {
  private final World world;
  private final TaskNetwork network;
  private final TaskTargets targets;
  private final TaskLogs logs;

  TaskLifecycle(World world) {
    this.world = world;
    this.network = new TaskNetwork(world);
    this.targets = new TaskTargets(world);
    this.logs = new TaskLogs(world);
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

  SimTask launch(SimService s, SimDeployment d) {
    TaskDefinition td = d.taskDefinition;
    ContainerDefinition main = mainContainer(s, td);
    String id = world.hex(32);
    TaskNetwork.Addresses at = network.assign(s, td, main);
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
            at.subnetId(),
            at.privateIp(),
            at.publicIp(),
            at.bindings(),
            world.now);
    s.tasks.add(t);
    world.after(Timings.PROVISIONING, t.service, () -> toPending(t));
    return t;
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
      world.after(Timings.PULL_NOT_FOUND, t.service, () -> failStart(t, reason));
    } else if (!network.registryReachable(t)) {
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
      world.after(Timings.PULL_TIMEOUT, t.service, () -> failStart(t, reason));
    } else {
      world.after(Timings.PULL, t.service, () -> toRunning(t));
    }
  }

  private static ImageRef parseOrNull(String image) {
    try {
      return ImageRef.parse(image);
    } catch (IllegalArgumentException e) {
      return null;
    }
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
    world.taskChanged(t);
    world.scheduler.taskFailed(t);
  }

  private void toRunning(SimTask t) {
    if (!t.live()) {
      return;
    }
    if (!logs.groupsReady(t)) {
      failStart(
          t,
          "ResourceInitializationError: failed to validate logger args: create stream has"
              + " been retried 1 times: failed to create Cloudwatch log stream:"
              + " ResourceNotFoundException: The specified log group does not exist. : exit"
              + " status 1");
      return;
    }
    t.lastStatus = TaskStatus.RUNNING;
    t.startedAt = world.now;
    world.taskChanged(t);
    logs.log(t, "Starting " + t.main.image());
    targets.register(t);
    HealthCheck hc = t.main.healthCheck();
    switch (t.behavior) {
      case CRASH_LOOP -> world.after(Timings.CRASH_AFTER, t.service, () -> crash(t));
      case UNHEALTHY, WRONG_PORT -> {
        world.after(Timings.APP_START, t.service, () -> ready(t));
        world.after(Timings.targetHealthyAfterReady(), t.service, () -> targets.checksFail(t));
        if (hc != null) {
          Duration d =
              Duration.ofSeconds(
                  hc.startPeriod() + (long) Math.max(1, hc.retries()) * interval(hc));
          world.after(d, t.service, () -> containerUnhealthy(t));
        }
      }
      case SLOW_START -> world.after(Timings.SLOW_APP_START, t.service, () -> ready(t));
      case HEALTHY, ML_DOWN, MISSING -> world.after(Timings.APP_START, t.service, () -> ready(t));
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
    logs.log(t, "Listening on 0.0.0.0:" + t.listenPort(t.configuredPort()));
    if (t.behavior == Behavior.UNHEALTHY) {
      logs.log(t, "WARN dependency check failing; /health answers 500");
    }
    if (t.behavior.passesHealthChecks()) {
      world.after(Timings.targetHealthyAfterReady(), t.service, () -> targets.checksPass(t));
      HealthCheck hc = t.main.healthCheck();
      if (hc != null) {
        Instant afterGrace = t.startedAt.plusSeconds(hc.startPeriod());
        Instant healthyAt =
            (afterGrace.isAfter(world.now) ? afterGrace : world.now).plusSeconds(interval(hc));
        world.at(
            healthyAt,
            t.service,
            () -> {
              if (t.running()) {
                t.health = HealthStatus.HEALTHY;
              }
            });
      }
      if (t.mlImage()) {
        world.after(Duration.ofSeconds(1), t.service, () -> mlStarted(t));
      }
    }
  }

  private void mlStarted(SimTask t) {
    if (!t.running()) {
      return;
    }
    if (t.behavior == Behavior.ML_DOWN) {
      logs.log(t, "ERROR ML backend unreachable; serving degraded responses");
      world.after(Timings.ML_DOWN_ERROR_EVERY, t.service, () -> mlStarted(t));
    } else {
      logs.log(t, "model loaded");
    }
  }

  private void crash(SimTask t) {
    if (!t.running()) {
      return;
    }
    logs.log(t, "Traceback (most recent call last):");
    logs.log(t, "  File \"/app/server.py\", line 42, in <module>");
    logs.log(t, "RuntimeError: worker crashed");
    logs.log(t, "ERROR worker crashed");
    t.desiredStatus = TaskStatus.STOPPED;
    t.stoppingAt = world.now;
    t.stopCode = TaskStopCode.ESSENTIAL_CONTAINER_EXITED;
    t.stoppedReason = "Essential container in task exited";
    t.exitCode = 1;
    targets.deregister(t);
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
          t.service,
          () -> healthStop(t, "Task failed container health checks"));
    }
  }

  /** Replaces a task that fails its health checks: a failed task for the circuit breaker. */
  void healthStop(SimTask t, String reason) {
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
    if (targets.deregister(t)) {
      t.lastStatus = TaskStatus.DEACTIVATING;
      world.after(Timings.DEREGISTRATION_DELAY, t.service, () -> finishStop(t));
    } else {
      finishStop(t);
    }
  }

  private void finishStop(SimTask t) {
    if (t.stoppedAt != null) {
      return;
    }
    if (t.startedAt != null && t.exitCode != null && t.exitCode != 1) {
      logs.log(t, "Received SIGTERM; shutting down");
    }
    t.lastStatus = TaskStatus.STOPPED;
    t.stoppedAt = world.now;
    world.taskChanged(t);
  }
}
