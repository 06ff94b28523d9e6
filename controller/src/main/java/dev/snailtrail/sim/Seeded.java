package dev.snailtrail.sim;

import java.util.List;

/**
 * What {@link Simulator#seed} created, for tests and scenario files to refer to.
 *
 * @param vpcId the VPC
 * @param internetGatewayId its internet gateway
 * @param routeTableId the main route table (0.0.0.0/0 → the internet gateway)
 * @param subnetIds the service's subnets
 * @param taskSecurityGroupIds the service's security groups
 * @param loadBalancerSecurityGroupId the ALB's security group
 * @param loadBalancerArns one ALB per target group
 * @param baselineTaskDefinitionArn the existing service's revision, or null
 */
public record Seeded(
    String vpcId,
    String internetGatewayId,
    String routeTableId,
    List<String> subnetIds,
    List<String> taskSecurityGroupIds,
    String loadBalancerSecurityGroupId,
    List<String> loadBalancerArns,
    String baselineTaskDefinitionArn) {
  public Seeded {
    subnetIds = List.copyOf(subnetIds);
    taskSecurityGroupIds = List.copyOf(taskSecurityGroupIds);
    loadBalancerArns = List.copyOf(loadBalancerArns);
  }
}
