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
