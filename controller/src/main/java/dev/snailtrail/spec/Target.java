package dev.snailtrail.spec;

import java.net.URI;
import java.util.List;

/**
 * The ECS service a rollout moves.
 *
 * @param region AWS region, e.g. {@code us-east-1}
 * @param cluster ECS cluster name or ARN
 * @param service ECS service name
 * @param createIfMissing create the service from the first phase when it does not exist
 * @param url where people reach the service; relative {@code http} gate paths resolve against it
 *     (null when absent)
 * @param roleArn an IAM role to assume for this rollout's AWS calls (null: the default chain)
 * @param externalId the external id the role's trust policy asks for ({@code sts:ExternalId}), sent
 *     with every AssumeRole of {@code roleArn} (null: none)
 * @param network how a created service is networked (null: take the existing service's)
 * @param loadBalancers target groups a created service registers with
 * @param adopt take over a service that another rollout or controller tagged as its own, instead of
 *     refusing to touch it
 * @param traffic the load balancer rule and the canary service of phases that shift traffic under
 *     {@code mode: alb} (null: no phase does)
 * @param lifecycleHook the dead-man's switch ECS calls during phases under {@code traffic.mode:
 *     ecs} (null: none, and ECS finishes such a deployment by itself if the controller stops)
 */
public record Target(
    String region,
    String cluster,
    String service,
    boolean createIfMissing,
    URI url,
    String roleArn,
    String externalId,
    Network network,
    List<LoadBalancer> loadBalancers,
    boolean adopt,
    TrafficRouting traffic,
    LifecycleHook lifecycleHook) {
  public Target {
    loadBalancers = List.copyOf(loadBalancers);
  }

  /** A target without traffic routing. */
  public Target(
      String region,
      String cluster,
      String service,
      boolean createIfMissing,
      URI url,
      String roleArn,
      String externalId,
      Network network,
      List<LoadBalancer> loadBalancers,
      boolean adopt) {
    this(
        region,
        cluster,
        service,
        createIfMissing,
        url,
        roleArn,
        externalId,
        network,
        loadBalancers,
        adopt,
        null,
        null);
  }

  /** A target without a lifecycle hook. */
  public Target(
      String region,
      String cluster,
      String service,
      boolean createIfMissing,
      URI url,
      String roleArn,
      String externalId,
      Network network,
      List<LoadBalancer> loadBalancers,
      boolean adopt,
      TrafficRouting traffic) {
    this(
        region,
        cluster,
        service,
        createIfMissing,
        url,
        roleArn,
        externalId,
        network,
        loadBalancers,
        adopt,
        traffic,
        null);
  }

  /**
   * A target that does not adopt a service another rollout or controller owns, and assumes its role
   * (if any) without an external id.
   */
  public Target(
      String region,
      String cluster,
      String service,
      boolean createIfMissing,
      URI url,
      String roleArn,
      Network network,
      List<LoadBalancer> loadBalancers) {
    this(
        region,
        cluster,
        service,
        createIfMissing,
        url,
        roleArn,
        null,
        network,
        loadBalancers,
        false);
  }

  /**
   * The AWS account the service is in, when the spec says: the account of {@code roleArn}, else of
   * a cluster given as an ARN; null when the default credentials decide.
   */
  public String account() {
    String arn = roleArn != null ? roleArn : cluster.startsWith("arn:") ? cluster : null;
    if (arn == null) {
      return null;
    }
    String[] parts = arn.split(":", 6);
    return parts.length > 4 && !parts[4].isEmpty() ? parts[4] : null;
  }

  /** The cluster's name, whether the spec gives a name or an ARN. */
  public String clusterName() {
    return cluster.startsWith("arn:") ? cluster.substring(cluster.lastIndexOf('/') + 1) : cluster;
  }

  /**
   * Service networking under {@code awsvpc}.
   *
   * @param subnets subnet ids
   * @param securityGroups security group ids
   * @param assignPublicIp whether tasks get a public IP (Fargate only)
   */
  public record Network(List<String> subnets, List<String> securityGroups, boolean assignPublicIp) {
    public Network {
      subnets = List.copyOf(subnets);
      securityGroups = List.copyOf(securityGroups);
    }
  }

  /**
   * A target group the service registers its container port with.
   *
   * @param targetGroupArn the ELBv2 target group
   * @param containerName the container to register (null: the template's main container)
   * @param containerPort the port to register (0: the template's port)
   * @param blueGreen what ECS's blue/green, canary and linear deployments of a created service move
   *     traffic with (null: none)
   */
  public record LoadBalancer(
      String targetGroupArn, String containerName, int containerPort, BlueGreen blueGreen) {
    /** A registration without blue/green routing. */
    public LoadBalancer(String targetGroupArn, String containerName, int containerPort) {
      this(targetGroupArn, containerName, containerPort, null);
    }
  }

  /**
   * The second target group and the rules of a service's load balancer that phases under {@code
   * traffic.mode: ecs} move traffic with ({@code advancedConfiguration}), for a service the rollout
   * creates; an existing service has its own.
   *
   * @param alternateTargetGroupArn the second target group
   * @param productionListenerRule the rule production requests arrive by
   * @param testListenerRule the rule test requests arrive by, or null
   * @param roleArn the role ECS changes the rules with
   */
  public record BlueGreen(
      String alternateTargetGroupArn,
      String productionListenerRule,
      String testListenerRule,
      String roleArn) {}

  /**
   * Where a phase with {@code traffic} shifts requests: one forward action of an Application Load
   * Balancer, on a listener rule or on a listener's default action, sending each request to the
   * stable or the canary target group by weight.
   *
   * @param listenerRuleArn the listener rule whose forward action is weighted (null: the listener's
   *     default action)
   * @param listenerArn the listener whose default action is weighted, when no rule is given
   * @param stableTargetGroupArn the target group of the stable service ({@code target.service})
   * @param canaryTargetGroupArn the target group of the canary service
   * @param canaryService the ECS service, in the same cluster, that runs a phase's revision while
   *     the traffic shifts
   */
  public record TrafficRouting(
      String listenerRuleArn,
      String listenerArn,
      String stableTargetGroupArn,
      String canaryTargetGroupArn,
      String canaryService) {
    /** The rule's ARN, else the listener's: whose forward action is weighted. */
    public String forwardArn() {
      return listenerRuleArn != null ? listenerRuleArn : listenerArn;
    }
  }

  /**
   * The lifecycle hook the controller gives a service for its {@code traffic.mode: ecs} phases: a
   * Lambda function ({@code deploy/lambda/snailtrail-hook}) that reads the controller's verdict
   * from the store and answers ECS, so that a controller that goes silent makes ECS roll back.
   *
   * @param functionArn the function
   * @param roleArn the role ECS assumes to invoke it
   * @param silence how long the verdict may go unconfirmed before the function fails the deployment
   */
  public record LifecycleHook(String functionArn, String roleArn, java.time.Duration silence) {}
}
