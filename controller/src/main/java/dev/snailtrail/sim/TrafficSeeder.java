package dev.snailtrail.sim;

import dev.snailtrail.provider.Ecs.CreateServiceRequest;
import dev.snailtrail.provider.Ecs.LoadBalancerBinding;
import dev.snailtrail.provider.Ecs.NetworkConfig;
import dev.snailtrail.provider.LaunchType;
import dev.snailtrail.provider.LoadBalancing.WeightedTargetGroup;
import dev.snailtrail.provider.ServiceRef;
import dev.snailtrail.provider.TaskDefinition;
import dev.snailtrail.provider.TaskDefinitionSpec;
import dev.snailtrail.spec.Target.TrafficRouting;
import dev.snailtrail.spec.Template;
import java.time.Instant;
import java.util.List;

/**
 * Seeds what a rollout with {@code target.traffic} shifts through: the canary target group beside
 * the stable one (behind the same load balancer), the rule forwarding all of it to stable, and the
 * canary service at zero tasks, bound to the canary group.
 */
final class TrafficSeeder {
  private final World world;

  TrafficSeeder(World world) {
    this.world = world;
  }

  void seed(
      Seeder.Input target, TaskDefinitionSpec existing, NetworkConfig network, Instant wallNow) {
    TrafficRouting r = target.traffic();
    Template template = target.template();
    SimTargetGroup stable = world.targetGroups.get(r.stableTargetGroupArn());
    String lbArn = stable != null ? stable.loadBalancerArn : null;
    int port = stable != null ? stable.port : template.port();
    String type = stable != null ? stable.targetType : "ip";
    String vpc = stable != null ? stable.vpcId : null;
    for (String arn : List.of(r.stableTargetGroupArn(), r.canaryTargetGroupArn())) {
      world.targetGroups.computeIfAbsent(
          arn, a -> new SimTargetGroup(a, Seeder.targetGroupName(a), port, type, vpc, lbArn));
    }
    world.rules.seed(
        r.forwardArn(),
        List.of(
            new WeightedTargetGroup(r.stableTargetGroupArn(), 100),
            new WeightedTargetGroup(r.canaryTargetGroupArn(), 0)));
    TaskDefinitionSpec spec =
        existing != null
            ? existing
            : Seeder.taskDefinition(template, target.region(), target.firstImage());
    TaskDefinition td = world.taskDefinitions.register(target.region(), spec);
    world.ecs.createService(
        new CreateServiceRequest(
            new ServiceRef(target.region(), World.clusterName(target.cluster()), r.canaryService()),
            td.arn(),
            0,
            template.launchType() == null
                ? LaunchType.FARGATE
                : LaunchType.of(template.launchType()),
            network,
            List.of(
                new LoadBalancerBinding(
                    r.canaryTargetGroupArn(), template.container(), template.port()))));
    world.advance(wallNow);
  }
}
