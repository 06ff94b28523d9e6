package dev.snailtrail.reconcile;

import dev.snailtrail.provider.Ecs.BlueGreenRouting;
import dev.snailtrail.provider.Ecs.CreateServiceRequest;
import dev.snailtrail.provider.Ecs.LoadBalancerBinding;
import dev.snailtrail.provider.Ecs.NetworkConfig;
import dev.snailtrail.provider.LaunchType;
import dev.snailtrail.spec.Target;
import java.util.List;

/** The CreateService of a service the rollout creates from its first phase, from the target. */
final class CreateRequests {
  private CreateRequests() {}

  static CreateServiceRequest of(Pass p, String arn, int desired) {
    Target t = p.rollout.spec().target();
    NetworkConfig network =
        t.network() == null
            ? null
            : new NetworkConfig(
                t.network().subnets(), t.network().securityGroups(), t.network().assignPublicIp());
    List<LoadBalancerBinding> lbs =
        t.loadBalancers().stream()
            .map(
                lb ->
                    new LoadBalancerBinding(
                        lb.targetGroupArn(),
                        lb.containerName() != null
                            ? lb.containerName()
                            : p.rollout.spec().template().container(),
                        lb.containerPort() > 0
                            ? lb.containerPort()
                            : p.rollout.spec().template().port(),
                        BlueGreenRouting.of(lb.blueGreen())))
            .toList();
    return new CreateServiceRequest(
        p.service,
        arn,
        desired,
        LaunchType.of(p.rollout.spec().template().launchType()),
        network,
        lbs);
  }
}
