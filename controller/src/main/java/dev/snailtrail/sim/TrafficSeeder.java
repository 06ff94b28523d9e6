package dev.snailtrail.sim;

import dev.snailtrail.provider.Ecs.BlueGreenRouting;
import dev.snailtrail.provider.Ecs.CreateServiceRequest;
import dev.snailtrail.provider.Ecs.LoadBalancerBinding;
import dev.snailtrail.provider.Ecs.NetworkConfig;
import dev.snailtrail.provider.LaunchType;
import dev.snailtrail.provider.LoadBalancing.WeightedTargetGroup;
import dev.snailtrail.provider.ProviderException;
import dev.snailtrail.provider.ServiceRef;
import dev.snailtrail.provider.TaskDefinition;
import dev.snailtrail.provider.TaskDefinitionSpec;
import dev.snailtrail.spec.Target;
import dev.snailtrail.spec.Target.TrafficRouting;
import dev.snailtrail.spec.Template;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Seeds what traffic shifts through. For a rollout with {@code target.traffic} ({@code mode: alb}):
 * the canary target group beside the stable one (behind the same load balancer), the rule
 * forwarding all of it to stable, and the canary service at zero tasks, bound to the canary group.
 * For ECS's own blue/green, linear and canary deployments ({@link #blueGreen}): the alternate
 * target group, the production (and test) rule forwarding all of it to the service's own group, and
 * the service's load balancer binding given that routing.
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

  /**
   * Gives an existing service's (first) load balancer binding blue/green routing: the alternate
   * target group beside the binding's (same load balancer, port and type), the production rule and,
   * when named, the test rule, each forwarding 100 to the binding's group and 0 to the alternate.
   * ARNs left null are made up; a target group or rule that exists is reused as it is.
   *
   * @return the routing the binding now has
   * @throws ProviderException NOT_FOUND without the service, INVALID without a load balancer
   */
  BlueGreenRouting blueGreen(ServiceRef ref, BlueGreenRouting given) {
    SimService s = world.ecs.service(ref);
    if (s == null) {
      throw new ProviderException(
          ProviderException.Kind.NOT_FOUND,
          "ecs",
          "UpdateService",
          "ServiceNotFoundException: Service not found: "
              + ref
              + " (create or seed the service before its blue/green routing)");
    }
    if (s.loadBalancers.isEmpty()) {
      throw new ProviderException(
          ProviderException.Kind.INVALID,
          "ecs",
          "UpdateService",
          "InvalidParameterException: "
              + ref
              + " has no load balancer to give blue/green routing; bind it to a target group");
    }
    LoadBalancerBinding lb = s.loadBalancers.get(0);
    BlueGreenRouting routing = routes(ref.region(), lb.targetGroupArn(), lb.containerPort(), given);
    List<LoadBalancerBinding> bindings = new ArrayList<>(s.loadBalancers);
    bindings.set(
        0,
        new LoadBalancerBinding(
            lb.targetGroupArn(), lb.containerName(), lb.containerPort(), routing));
    s.loadBalancers = List.copyOf(bindings);
    return routing;
  }

  /**
   * The blue/green routing of the spec's first load balancer ({@code blueGreen}, or made up when
   * the spec leaves it to the service, as an existing service has its own): the alternate target
   * group and the rules, bound to the service when it exists, ready for it when the rollout creates
   * it.
   */
  void blueGreen(Seeder.Input target, boolean serviceExists) {
    if (target.loadBalancers().isEmpty()) {
      return;
    }
    Target.LoadBalancer lb = target.loadBalancers().get(0);
    BlueGreenRouting given = BlueGreenRouting.of(lb.blueGreen());
    if (serviceExists) {
      blueGreen(new ServiceRef(target.region(), target.cluster(), target.service()), given);
    } else {
      routes(target.region(), lb.targetGroupArn(), target.template().port(), given);
    }
  }

  /**
   * What a blue/green binding on {@code ownTargetGroupArn} routes through, whether or not a service
   * is bound yet (seeding from a spec whose service the controller creates): the alternate target
   * group beside the own one (same load balancer, port and type; {@code port} when the own one is
   * not in the world either), the production rule and, when named, the test rule, each forwarding
   * 100 to the own group and 0 to the alternate. ARNs left null are made up; a target group or rule
   * that exists is reused as it is.
   *
   * @return the routing with every ARN
   */
  BlueGreenRouting routes(
      String region, String ownTargetGroupArn, int port, BlueGreenRouting given) {
    SimTargetGroup own = world.targetGroups.get(ownTargetGroupArn);
    BlueGreenRouting r = given == null ? new BlueGreenRouting(null, null, null, null) : given;
    String lbArn = own == null ? null : own.loadBalancerArn;
    String alternate =
        r.alternateTargetGroupArn() != null
            ? r.alternateTargetGroupArn()
            : "arn:aws:elasticloadbalancing:"
                + region
                + ":"
                + World.ACCOUNT
                + ":targetgroup/"
                + shorten(Seeder.targetGroupName(ownTargetGroupArn) + "-alt")
                + "/"
                + world.hex(16);
    world.targetGroups.computeIfAbsent(
        alternate,
        a ->
            new SimTargetGroup(
                a,
                Seeder.targetGroupName(a),
                own != null ? own.port : port,
                own != null ? own.targetType : "ip",
                own != null ? own.vpcId : null,
                lbArn));
    String production =
        r.productionListenerRule() != null ? r.productionListenerRule() : ruleArn(region, lbArn);
    List<WeightedTargetGroup> allOwn =
        List.of(
            new WeightedTargetGroup(ownTargetGroupArn, 100), new WeightedTargetGroup(alternate, 0));
    for (String rule : java.util.Arrays.asList(production, r.testListenerRule())) {
      if (rule != null && !world.rules.exists(rule)) {
        world.rules.seed(rule, allOwn);
      }
    }
    return new BlueGreenRouting(
        alternate,
        production,
        r.testListenerRule(),
        r.roleArn() != null
            ? r.roleArn()
            : "arn:aws:iam::" + World.ACCOUNT + ":role/ecsInfrastructureRoleForLoadBalancers");
  }

  /** A listener rule's ARN on the load balancer (or a made-up one). */
  private String ruleArn(String region, String loadBalancerArn) {
    String lb =
        loadBalancerArn != null && loadBalancerArn.contains(":loadbalancer/")
            ? loadBalancerArn.substring(loadBalancerArn.indexOf(":loadbalancer/") + 14)
            : "app/sim-alb/" + world.hex(16);
    return "arn:aws:elasticloadbalancing:"
        + region
        + ":"
        + World.ACCOUNT
        + ":listener-rule/"
        + lb
        + "/"
        + world.hex(16)
        + "/"
        + world.hex(16);
  }

  private static String shorten(String name) {
    return name.length() <= 32 ? name : name.substring(0, 32);
  }
}
