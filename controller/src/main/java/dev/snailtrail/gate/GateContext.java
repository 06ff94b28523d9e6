package dev.snailtrail.gate;

import dev.snailtrail.provider.Providers;
import dev.snailtrail.provider.ServiceRef;
import dev.snailtrail.provider.TaskDefinitionSpec.ContainerDefinition;
import dev.snailtrail.spec.Phase;
import java.net.URI;
import java.time.Instant;

/**
 * What a gate needs to take one measurement.
 *
 * @param providers the ports
 * @param service the ECS service
 * @param baseUrl {@code target.url} resolved through {@link dev.snailtrail.provider.Endpoints}
 *     (null when the spec declares none)
 * @param main the phase's main container as its task definition has it (name, port mappings, log
 *     configuration): gates that name no container, port or log group measure this one
 * @param phase the phase whose gates are measured
 * @param taskDefinitionArn the phase's registered task definition
 * @param phaseStartedAt when the phase's deployment began: stopped tasks and log lines before it
 *     are not the phase's
 * @param now the time of the measurement
 */
public record GateContext(
    Providers providers,
    ServiceRef service,
    URI baseUrl,
    ContainerDefinition main,
    Phase phase,
    String taskDefinitionArn,
    Instant phaseStartedAt,
    Instant now) {

  /** The main container's port: its first port mapping's, or 0 without one. */
  public int mainPort() {
    return main.firstPort();
  }

  /** The awslogs group the main container writes to, or null. */
  public String mainLogGroup() {
    return "awslogs".equals(main.logDriver()) ? main.logOptions().get("awslogs-group") : null;
  }
}
