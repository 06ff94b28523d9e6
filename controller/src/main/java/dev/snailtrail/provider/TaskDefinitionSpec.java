package dev.snailtrail.provider;

import dev.snailtrail.provider.Ecs.PortMapping;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The content of a task definition, as the controller registers it.
 *
 * @param cpu task CPU units as ECS writes them ("512")
 * @param memory task memory in MiB ("1024")
 * @param requiresCompatibilities e.g. [FARGATE]
 * @param tags tags to register with (the content hash tag is added by {@link #withHashTag()})
 */
public record TaskDefinitionSpec(
    String family,
    List<ContainerDefinition> containers,
    String cpu,
    String memory,
    String networkMode,
    List<String> requiresCompatibilities,
    String executionRoleArn,
    String taskRoleArn,
    Map<String, String> tags) {

  /** The tag under which the content hash is recorded on registered revisions. */
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

  /**
   * A stable hash of everything but the tags: two specs with the same hash register the same
   * revision, so a phase's content is never registered twice.
   */
  public String contentHash() {
    StringBuilder b = new StringBuilder();
    b.append(family)
        .append('|')
        .append(cpu)
        .append('|')
        .append(memory)
        .append('|')
        .append(networkMode);
    b.append('|')
        .append(requiresCompatibilities)
        .append('|')
        .append(executionRoleArn)
        .append('|')
        .append(taskRoleArn);
    for (ContainerDefinition c : containers) {
      b.append("|c:")
          .append(c.name())
          .append(',')
          .append(c.image())
          .append(',')
          .append(c.essential());
      b.append(',').append(c.portMappings()).append(',').append(new TreeMap<>(c.environment()));
      b.append(',')
          .append(c.healthCheck())
          .append(',')
          .append(c.logDriver())
          .append(',')
          .append(new TreeMap<>(c.logOptions()));
    }
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256")
              .digest(b.toString().getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }

  /** This spec with its content hash recorded as a tag. */
  public TaskDefinitionSpec withHashTag() {
    Map<String, String> t = new TreeMap<>(tags);
    t.put(HASH_TAG, contentHash());
    return new TaskDefinitionSpec(
        family,
        containers,
        cpu,
        memory,
        networkMode,
        requiresCompatibilities,
        executionRoleArn,
        taskRoleArn,
        t);
  }
}
