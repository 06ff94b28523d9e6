package dev.snailtrail.spec;

import java.util.List;
import java.util.Map;

/**
 * The base task definition every phase starts from.
 *
 * @param family task definition family
 * @param container name of the main container: the one {@code Phase#image} and {@code port} apply
 *     to
 * @param port the main container's port
 * @param cpu task CPU units (256 = 0.25 vCPU)
 * @param memory task memory in MiB
 * @param env environment variables of the main container
 * @param launchType {@code FARGATE} (default) or {@code EC2}
 * @param networkMode {@code awsvpc} (default), {@code bridge} or {@code host}
 * @param executionRoleArn task execution role (pulls private images, writes logs), or null
 * @param taskRoleArn task role, or null
 * @param logGroup CloudWatch Logs group for the awslogs driver, or null for no log configuration
 * @param healthCheck container health check of the main container, or null
 * @param sidecars further containers, each with a name and image
 * @param fromFile the registered task definition every phase starts from, read from {@code
 *     template.fromFile} or written inline as {@code template.taskDefinition}; null when the fields
 *     above describe the task alone. (The component keeps its first name because stored phase
 *     fingerprints are computed over the template's component names: renaming it would make every
 *     stored rollout look changed.)
 * @param secrets secrets of the main container, name to {@code valueFrom} (a Secrets Manager or SSM
 *     Parameter Store ARN: a reference, never the value)
 */
public record Template(
    String family,
    String container,
    int port,
    int cpu,
    int memory,
    Map<String, String> env,
    String launchType,
    String networkMode,
    String executionRoleArn,
    String taskRoleArn,
    String logGroup,
    HealthCheck healthCheck,
    List<Sidecar> sidecars,
    TaskDefinitionDocument fromFile,
    Map<String, String> secrets) {
  public Template {
    env = Map.copyOf(env);
    sidecars = List.copyOf(sidecars);
    secrets = Map.copyOf(secrets);
  }

  /**
   * Whether phases start from the service's live task definition: the template names neither a
   * family of its own nor a task definition to start from (it may still choose the main container
   * and add variables and secrets).
   */
  public boolean startsFromLiveService() {
    return family == null && fromFile == null;
  }

  /**
   * An ECS container health check.
   *
   * @param command e.g. {@code [CMD-SHELL, curl -f http://localhost:5000/health || exit 1]}
   * @param intervalSeconds seconds between checks
   * @param timeoutSeconds seconds before a check counts as failed
   * @param retries consecutive failures before UNHEALTHY
   * @param startPeriodSeconds grace period after start
   */
  public record HealthCheck(
      List<String> command,
      int intervalSeconds,
      int timeoutSeconds,
      int retries,
      int startPeriodSeconds) {
    public HealthCheck {
      command = List.copyOf(command);
    }
  }

  /**
   * A further container in the task.
   *
   * @param name container name
   * @param image image reference
   * @param essential whether the task stops when it stops
   */
  public record Sidecar(String name, ImageRef image, boolean essential) {}
}
