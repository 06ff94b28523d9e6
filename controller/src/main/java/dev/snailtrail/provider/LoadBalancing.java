package dev.snailtrail.provider;

import java.util.List;
import java.util.Optional;

/** Elastic Load Balancing v2. */
public interface LoadBalancing {

  /** Health of every target registered in the group. */
  List<TargetHealth> describeTargetHealth(String region, String targetGroupArn);

  /** The target group, or empty when it does not exist. */
  Optional<TargetGroup> describeTargetGroup(String region, String targetGroupArn);

  /** Security group ids of a load balancer (empty for network load balancers without groups). */
  List<String> loadBalancerSecurityGroups(String region, String loadBalancerArn);

  /**
   * The target groups a listener rule's forward action (or a listener's default forward action)
   * sends requests to, with their weights; empty when the action forwards nowhere.
   *
   * @param ruleOrListenerArn a listener rule ARN ({@code …:listener-rule/…}) or a listener ARN
   * @throws ProviderException NOT_FOUND when there is no such rule or listener
   */
  List<WeightedTargetGroup> forwardWeights(String region, String ruleOrListenerArn);

  /**
   * Makes the rule (or the listener's default action) forward to these target groups by weight, in
   * one request (ModifyRule or ModifyListener): the whole change lands at once.
   */
  void setForwardWeights(String region, String ruleOrListenerArn, List<WeightedTargetGroup> groups);

  /**
   * A target group of a weighted forward action.
   *
   * @param weight 0 to 999, relative to the others' (the controller sends percentages)
   */
  record WeightedTargetGroup(String targetGroupArn, int weight) {}

  /** Whether an ARN names a listener rule rather than a listener. */
  static boolean isRule(String ruleOrListenerArn) {
    return ruleOrListenerArn.contains(":listener-rule/");
  }

  /**
   * A registered target.
   *
   * @param reason e.g. Target.ResponseCodeMismatch, or null
   */
  record TargetHealth(
      String targetId, int port, TargetHealthState state, String reason, String description) {}

  /**
   * A target group.
   *
   * @param healthCheckPort "traffic-port" or a number
   */
  record TargetGroup(
      String arn,
      String name,
      String protocol,
      int port,
      String targetType,
      String vpcId,
      String healthCheckPath,
      String healthCheckPort,
      List<String> loadBalancerArns) {
    public TargetGroup {
      loadBalancerArns = List.copyOf(loadBalancerArns);
    }
  }
}
