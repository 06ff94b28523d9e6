package dev.snailtrail.aws;

import dev.snailtrail.provider.Scaling;
import dev.snailtrail.provider.ServiceRef;
import java.util.Optional;
import software.amazon.awssdk.services.applicationautoscaling.ApplicationAutoScalingClient;
import software.amazon.awssdk.services.applicationautoscaling.model.DescribeScalableTargetsResponse;
import software.amazon.awssdk.services.applicationautoscaling.model.ScalableDimension;
import software.amazon.awssdk.services.applicationautoscaling.model.ScalableTarget;
import software.amazon.awssdk.services.applicationautoscaling.model.ServiceNamespace;

/** {@link Scaling} on Application Auto Scaling: an ECS service's desired-count target. */
final class AwsScaling implements Scaling {
  private static final String SERVICE = "application-autoscaling";

  private final ClientCache clients;
  private final AwsCalls calls;
  private final AssumedRole role;

  AwsScaling(ClientCache clients, AwsCalls calls, AssumedRole role) {
    this.clients = clients;
    this.calls = calls;
    this.role = role;
  }

  @Override
  public Optional<Range> scalableTarget(ServiceRef service) {
    ApplicationAutoScalingClient scaling = clients.scaling(service.region(), role);
    String resourceId = "service/" + service.cluster() + "/" + service.service();
    DescribeScalableTargetsResponse response =
        calls.call(
            SERVICE,
            "DescribeScalableTargets",
            () ->
                scaling.describeScalableTargets(
                    r ->
                        r.serviceNamespace(ServiceNamespace.ECS)
                            .scalableDimension(ScalableDimension.ECS_SERVICE_DESIRED_COUNT)
                            .resourceIds(resourceId)));
    return response.scalableTargets().stream()
        .filter(t -> resourceId.equals(t.resourceId()))
        .findFirst()
        .map(AwsScaling::range);
  }

  private static Range range(ScalableTarget t) {
    int min = t.minCapacity() == null ? 0 : t.minCapacity();
    int max = t.maxCapacity() == null ? Integer.MAX_VALUE : t.maxCapacity();
    return new Range(min, Math.max(min, max));
  }
}
