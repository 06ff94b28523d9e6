package dev.snailtrail.rollout;

import dev.snailtrail.provider.Ecs.PortMapping;
import dev.snailtrail.provider.NetworkMode;
import dev.snailtrail.provider.TaskDefinitionJson;
import dev.snailtrail.provider.TaskDefinitionSpec;
import dev.snailtrail.provider.TaskDefinitionSpec.ContainerDefinition;
import dev.snailtrail.provider.TaskDefinitionSpec.HealthCheck;
import dev.snailtrail.spec.ImageRef;
import dev.snailtrail.spec.Phase;
import dev.snailtrail.spec.Rollout;
import dev.snailtrail.spec.RolloutSpec;
import dev.snailtrail.spec.Template;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds the task definition a phase runs: the template (or the task definition it starts from)
 * with the phase applied.
 */
public final class TaskDefinitions {
  private TaskDefinitions() {}

  /** The task definition of phase {@code index}. */
  public static TaskDefinitionSpec forPhase(Rollout rollout, int index) {
    return forPhase(rollout, index, base(rollout.spec().template()));
  }

  /**
   * The task definition of phase {@code index}, started from {@code base}.
   *
   * @param base the task definition to start from, or null to build it from the template's fields
   */
  public static TaskDefinitionSpec forPhase(Rollout rollout, int index, TaskDefinitionSpec base) {
    RolloutSpec spec = rollout.spec();
    Template t = spec.template();
    Phase phase = spec.phases().get(index);
    TaskDefinitionSpec start = base != null ? base : fromTemplate(rollout);
    List<ContainerDefinition> containers = new ArrayList<>();
    for (ContainerDefinition c : start.containers()) {
      if (c.name().equals(t.container())) {
        Map<String, String> env = new LinkedHashMap<>(c.environment());
        env.putAll(phase.env());
        containers.add(
            new ContainerDefinition(
                c.name(),
                phase.image() != null ? phase.image().toString() : c.image(),
                c.essential(),
                c.portMappings(),
                env,
                c.healthCheck(),
                c.logDriver(),
                c.logOptions()));
      } else {
        ImageRef image = phase.images().get(c.name());
        containers.add(
            image == null
                ? c
                : new ContainerDefinition(
                    c.name(),
                    image.toString(),
                    c.essential(),
                    c.portMappings(),
                    c.environment(),
                    c.healthCheck(),
                    c.logDriver(),
                    c.logOptions()));
      }
    }
    return TaskDefinitionSpec.of(
        start.family(),
        containers,
        phase.cpu() > 0 ? Integer.toString(phase.cpu()) : start.cpu(),
        phase.memory() > 0 ? Integer.toString(phase.memory()) : start.memory(),
        start.networkMode(),
        start.requiresCompatibilities(),
        start.executionRoleArn(),
        start.taskRoleArn(),
        Map.of("snailtrail.dev/rollout", rollout.name()));
  }

  /**
   * The registered task definition the template starts from, read from the content the spec
   * carries; null when the template's fields describe the task alone.
   */
  public static TaskDefinitionSpec base(Template t) {
    return t.fromFile() == null ? null : TaskDefinitionJson.read(t.fromFile().json());
  }

  private static TaskDefinitionSpec fromTemplate(Rollout rollout) {
    RolloutSpec spec = rollout.spec();
    return fromTemplate(spec.template(), spec.target().region(), spec.phases().get(0).image());
  }

  /**
   * The task definition the template's fields describe, with {@code image} in the main container
   * (no phase applied).
   */
  public static TaskDefinitionSpec fromTemplate(Template t, String region, ImageRef image) {
    List<ContainerDefinition> containers = new ArrayList<>();
    String logDriver = null;
    Map<String, String> logOptions = Map.of();
    if (t.logGroup() != null) {
      logDriver = "awslogs";
      logOptions =
          Map.of(
              "awslogs-group", t.logGroup(),
              "awslogs-region", region,
              "awslogs-stream-prefix", t.family());
    }
    HealthCheck health = null;
    if (t.healthCheck() != null) {
      Template.HealthCheck h = t.healthCheck();
      health =
          new HealthCheck(
              h.command(),
              h.intervalSeconds(),
              h.timeoutSeconds(),
              h.retries(),
              h.startPeriodSeconds());
    }
    NetworkMode mode = NetworkMode.of(t.networkMode());
    boolean bindsHostPort = mode == NetworkMode.AWSVPC || mode == NetworkMode.HOST;
    containers.add(
        new ContainerDefinition(
            t.container(),
            image.toString(),
            true,
            List.of(new PortMapping(t.port(), bindsHostPort ? t.port() : 0, "tcp")),
            t.env(),
            health,
            logDriver,
            logOptions));
    for (Template.Sidecar s : t.sidecars()) {
      containers.add(
          new ContainerDefinition(
              s.name(),
              s.image().toString(),
              s.essential(),
              List.of(),
              Map.of(),
              null,
              logDriver,
              logOptions));
    }
    return TaskDefinitionSpec.of(
        t.family(),
        containers,
        Integer.toString(t.cpu()),
        Integer.toString(t.memory()),
        mode,
        List.of(t.launchType()),
        t.executionRoleArn(),
        t.taskRoleArn(),
        Map.of());
  }
}
