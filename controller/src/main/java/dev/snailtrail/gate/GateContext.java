package dev.snailtrail.gate;

import dev.snailtrail.provider.Providers;
import dev.snailtrail.provider.ServiceRef;
import dev.snailtrail.spec.Phase;
import dev.snailtrail.spec.Template;
import java.net.URI;
import java.time.Instant;

/**
 * What a gate needs to take one measurement.
 *
 * @param providers the ports
 * @param service the ECS service
 * @param baseUrl {@code target.url} resolved through {@link dev.snailtrail.provider.Endpoints}
 *     (null when the spec declares none)
 * @param template the base task definition (main container name, port)
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
    Template template,
    Phase phase,
    String taskDefinitionArn,
    Instant phaseStartedAt,
    Instant now) {}
