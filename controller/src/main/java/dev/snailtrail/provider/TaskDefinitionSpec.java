package dev.snailtrail.provider;

import dev.snailtrail.provider.Ecs.PortMapping;
import java.util.List;
import java.util.Map;

/**
 * The content of a task definition, as the controller registers it.
 *
 * @param cpu task CPU units as ECS writes them ("512")
 * @param memory task memory in MiB ("1024")
 * @param requiresCompatibilities e.g. [FARGATE]
 * @param tags tags to register with
 */
public record TaskDefinitionSpec(
    String family,
    List<ContainerDefinition> containers,
    String cpu,
    String memory,
    NetworkMode networkMode,
    List<String> requiresCompatibilities,
    String executionRoleArn,
    String taskRoleArn,
    Map<String, String> tags) {

  /**
   * The tag under which a registered revision records the content hash it was registered from
   * ({@code dev.snailtrail.rollout.ContentHash}).
   */
  public static final String HASH_TAG = "snailtrail.dev/content-hash";

  public TaskDefinitionSpec {
    containers = List.copyOf(containers);
    requiresCompatibilities = List.copyOf(requiresCompatibilities);
    tags = Map.copyOf(tags);
  }

  /**
   * A container.
   *
   * @param environment name to value
   * @param healthCheck command and timings, or null
   * @param logDriver e.g. awslogs, or null
   * @param logOptions options of the log driver
   */
  public record ContainerDefinition(
      String name,
      String image,
      boolean essential,
      List<PortMapping> portMappings,
      Map<String, String> environment,
      HealthCheck healthCheck,
      String logDriver,
      Map<String, String> logOptions) {
    public ContainerDefinition {
      portMappings = List.copyOf(portMappings);
      environment = Map.copyOf(environment);
      logOptions = Map.copyOf(logOptions);
    }
  }

  /** A container health check. */
  public record HealthCheck(
      List<String> command, int interval, int timeout, int retries, int startPeriod) {
    public HealthCheck {
      command = List.copyOf(command);
    }
  }

  /** The container with this name, or null. */
  public ContainerDefinition container(String name) {
    return containers.stream().filter(c -> c.name().equals(name)).findFirst().orElse(null);
  }

  /** This spec with other tags. */
  public TaskDefinitionSpec withTags(Map<String, String> newTags) {
    return new TaskDefinitionSpec(
        family,
        containers,
        cpu,
        memory,
        networkMode,
        requiresCompatibilities,
        executionRoleArn,
        taskRoleArn,
        newTags);
  }
}
