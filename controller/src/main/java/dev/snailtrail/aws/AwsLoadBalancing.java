package dev.snailtrail.aws;

import dev.snailtrail.provider.LoadBalancing;
import dev.snailtrail.provider.TargetHealthState;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.services.elasticloadbalancingv2.ElasticLoadBalancingV2Client;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.Action;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.ActionTypeEnum;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.DescribeTargetGroupsResponse;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.ForwardActionConfig;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.TargetGroupNotFoundException;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.TargetGroupTuple;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.TargetHealthDescription;

/** {@link LoadBalancing} on Elastic Load Balancing v2. */
final class AwsLoadBalancing implements LoadBalancing {

  private static final String ELB = "elbv2";

  private final ClientCache clients;
  private final AwsCalls calls;
  private final AssumedRole role;

  AwsLoadBalancing(ClientCache clients, AwsCalls calls, AssumedRole role) {
    this.clients = clients;
    this.calls = calls;
    this.role = role;
  }

  @Override
  public List<TargetHealth> describeTargetHealth(String region, String targetGroupArn) {
    ElasticLoadBalancingV2Client elb = clients.elbv2(region, role);
    var response =
        calls.call(
            ELB,
            "DescribeTargetHealth",
            () -> elb.describeTargetHealth(r -> r.targetGroupArn(targetGroupArn)));
    List<TargetHealth> targets = new ArrayList<>();
    for (TargetHealthDescription d : response.targetHealthDescriptions()) {
      var health = d.targetHealth();
      targets.add(
          new TargetHealth(
              d.target().id(),
              d.target().port() == null ? 0 : d.target().port(),
              health == null ? null : TargetHealthState.of(health.stateAsString()),
              health == null ? null : health.reasonAsString(),
              health == null ? null : health.description()));
    }
    return targets;
  }

  @Override
  public Optional<TargetGroup> describeTargetGroup(String region, String targetGroupArn) {
    ElasticLoadBalancingV2Client elb = clients.elbv2(region, role);
    Optional<DescribeTargetGroupsResponse> response =
        calls.call(
            ELB,
            "DescribeTargetGroups",
            () -> {
              try {
                return Optional.of(
                    elb.describeTargetGroups(r -> r.targetGroupArns(targetGroupArn)));
              } catch (TargetGroupNotFoundException e) {
                return Optional.empty();
              }
            });
    return response
        .flatMap(r -> r.targetGroups().stream().findFirst())
        .map(
            g ->
                new TargetGroup(
                    g.targetGroupArn(),
                    g.targetGroupName(),
                    g.protocolAsString(),
                    g.port() == null ? 0 : g.port(),
                    g.targetTypeAsString(),
                    g.vpcId(),
                    g.healthCheckPath(),
                    g.healthCheckPort(),
                    g.loadBalancerArns()));
  }

  @Override
  public List<String> loadBalancerSecurityGroups(String region, String loadBalancerArn) {
    ElasticLoadBalancingV2Client elb = clients.elbv2(region, role);
    var response =
        calls.call(
            ELB,
            "DescribeLoadBalancers",
            () -> elb.describeLoadBalancers(r -> r.loadBalancerArns(loadBalancerArn)));
    return response.loadBalancers().stream()
        .flatMap(lb -> lb.securityGroups().stream())
        .distinct()
        .toList();
  }

  @Override
  public List<WeightedTargetGroup> forwardWeights(String region, String ruleOrListenerArn) {
    ElasticLoadBalancingV2Client elb = clients.elbv2(region, role);
    List<Action> actions =
        LoadBalancing.isRule(ruleOrListenerArn)
            ? calls
                .call(
                    ELB,
                    "DescribeRules",
                    () -> elb.describeRules(r -> r.ruleArns(ruleOrListenerArn)))
                .rules()
                .stream()
                .flatMap(rule -> rule.actions().stream())
                .toList()
            : calls
                .call(
                    ELB,
                    "DescribeListeners",
                    () -> elb.describeListeners(r -> r.listenerArns(ruleOrListenerArn)))
                .listeners()
                .stream()
                .flatMap(l -> l.defaultActions().stream())
                .toList();
    for (Action a : actions) {
      if (a.type() != ActionTypeEnum.FORWARD) {
        continue;
      }
      if (a.forwardConfig() != null && !a.forwardConfig().targetGroups().isEmpty()) {
        return a.forwardConfig().targetGroups().stream()
            .map(
                t ->
                    new WeightedTargetGroup(
                        t.targetGroupArn(), t.weight() == null ? 1 : t.weight()))
            .toList();
      }
      if (a.targetGroupArn() != null) {
        return List.of(new WeightedTargetGroup(a.targetGroupArn(), 1));
      }
    }
    return List.of();
  }

  /**
   * Replaces the actions with one forward action: a rule that also authenticates or redirects is
   * not one this weights (doctor says so before a rollout starts).
   */
  @Override
  public void setForwardWeights(
      String region, String ruleOrListenerArn, List<WeightedTargetGroup> groups) {
    ElasticLoadBalancingV2Client elb = clients.elbv2(region, role);
    Action forward =
        Action.builder()
            .type(ActionTypeEnum.FORWARD)
            .forwardConfig(
                ForwardActionConfig.builder()
                    .targetGroups(
                        groups.stream()
                            .map(
                                g ->
                                    TargetGroupTuple.builder()
                                        .targetGroupArn(g.targetGroupArn())
                                        .weight(g.weight())
                                        .build())
                            .toList())
                    .build())
            .build();
    if (LoadBalancing.isRule(ruleOrListenerArn)) {
      calls.call(
          ELB,
          "ModifyRule",
          () -> elb.modifyRule(r -> r.ruleArn(ruleOrListenerArn).actions(forward)));
    } else {
      calls.call(
          ELB,
          "ModifyListener",
          () -> elb.modifyListener(r -> r.listenerArn(ruleOrListenerArn).defaultActions(forward)));
    }
  }
}
