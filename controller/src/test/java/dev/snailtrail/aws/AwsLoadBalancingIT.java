package dev.snailtrail.aws;

import static org.assertj.core.api.Assertions.assertThat;

import dev.snailtrail.moto.MotoServer;
import dev.snailtrail.provider.LoadBalancing;
import dev.snailtrail.provider.LoadBalancing.TargetHealth;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.elasticloadbalancingv2.ElasticLoadBalancingV2Client;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.Action;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.ActionTypeEnum;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.ProtocolEnum;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.TargetDescription;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.TargetTypeEnum;

@ExtendWith(MotoServer.Extension.class)
class AwsLoadBalancingIT {

  private static final String REGION = MotoServer.REGION;
  private static AwsProviders aws;
  private static LoadBalancing elb;

  @BeforeAll
  static void open() {
    aws = AwsProviders.open(MotoServer.get().settings());
    elb = aws.providers().loadBalancing();
  }

  @AfterAll
  static void close() {
    aws.close();
  }

  @Test
  void describesTargetGroupTargetsAndTheLoadBalancersSecurityGroups(MotoServer moto) {
    Ec2Client ec2 = moto.client(Ec2Client.class, Ec2Client::builder);
    ElasticLoadBalancingV2Client sdk =
        moto.client(ElasticLoadBalancingV2Client.class, ElasticLoadBalancingV2Client::builder);
    String vpc = ec2.createVpc(r -> r.cidrBlock("10.0.0.0/16")).vpc().vpcId();
    String a =
        ec2.createSubnet(r -> r.vpcId(vpc).cidrBlock("10.0.1.0/24").availabilityZone("us-east-1a"))
            .subnet()
            .subnetId();
    String b =
        ec2.createSubnet(r -> r.vpcId(vpc).cidrBlock("10.0.2.0/24").availabilityZone("us-east-1b"))
            .subnet()
            .subnetId();
    String sg =
        ec2.createSecurityGroup(r -> r.groupName("alb").description("alb").vpcId(vpc)).groupId();
    String lbArn =
        sdk.createLoadBalancer(r -> r.name("shine-alb").subnets(a, b).securityGroups(sg))
            .loadBalancers()
            .get(0)
            .loadBalancerArn();
    String tgArn =
        sdk.createTargetGroup(
                r ->
                    r.name("shine")
                        .protocol(ProtocolEnum.HTTP)
                        .port(5000)
                        .vpcId(vpc)
                        .targetType(TargetTypeEnum.IP)
                        .healthCheckPath("/health"))
            .targetGroups()
            .get(0)
            .targetGroupArn();
    sdk.createListener(
        r ->
            r.loadBalancerArn(lbArn)
                .protocol(ProtocolEnum.HTTP)
                .port(80)
                .defaultActions(
                    Action.builder().type(ActionTypeEnum.FORWARD).targetGroupArn(tgArn).build()));
    sdk.registerTargets(
        r ->
            r.targetGroupArn(tgArn)
                .targets(
                    TargetDescription.builder().id("10.0.1.10").port(5000).build(),
                    TargetDescription.builder().id("10.0.2.20").port(5000).build()));

    List<TargetHealth> targets = elb.describeTargetHealth(REGION, tgArn);
    LoadBalancing.TargetGroup group = elb.describeTargetGroup(REGION, tgArn).orElseThrow();

    assertThat(targets)
        .extracting(TargetHealth::targetId, TargetHealth::port)
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple("10.0.1.10", 5000),
            org.assertj.core.groups.Tuple.tuple("10.0.2.20", 5000));
    assertThat(targets).allSatisfy(t -> assertThat(t.state()).isNotNull());
    assertThat(group.name()).isEqualTo("shine");
    assertThat(group.port()).isEqualTo(5000);
    assertThat(group.protocol()).isEqualTo("HTTP");
    assertThat(group.targetType()).isEqualTo("ip");
    assertThat(group.vpcId()).isEqualTo(vpc);
    assertThat(group.healthCheckPath()).isEqualTo("/health");
    assertThat(group.healthCheckPort()).isEqualTo("traffic-port");
    assertThat(group.loadBalancerArns()).containsExactly(lbArn);
    assertThat(elb.loadBalancerSecurityGroups(REGION, lbArn)).containsExactly(sg);
    assertThat(
            elb.describeTargetGroup(
                REGION, tgArn.replace("targetgroup/shine/", "targetgroup/gone/0")))
        .isEmpty();
  }

  @Test
  void weightsAListenersDefaultForwardAndSaysWhenARuleDoesNotExist(MotoServer moto) {
    Ec2Client ec2 = moto.client(Ec2Client.class, Ec2Client::builder);
    ElasticLoadBalancingV2Client sdk =
        moto.client(ElasticLoadBalancingV2Client.class, ElasticLoadBalancingV2Client::builder);
    String vpc = ec2.createVpc(r -> r.cidrBlock("10.1.0.0/16")).vpc().vpcId();
    String a =
        ec2.createSubnet(r -> r.vpcId(vpc).cidrBlock("10.1.1.0/24").availabilityZone("us-east-1a"))
            .subnet()
            .subnetId();
    String b =
        ec2.createSubnet(r -> r.vpcId(vpc).cidrBlock("10.1.2.0/24").availabilityZone("us-east-1b"))
            .subnet()
            .subnetId();
    String lbArn =
        sdk.createLoadBalancer(r -> r.name("weights-alb").subnets(a, b))
            .loadBalancers()
            .get(0)
            .loadBalancerArn();
    String stable = group(sdk, vpc, "weights-stable");
    String canary = group(sdk, vpc, "weights-canary");
    String listener =
        sdk.createListener(
                r ->
                    r.loadBalancerArn(lbArn)
                        .protocol(ProtocolEnum.HTTP)
                        .port(80)
                        .defaultActions(
                            Action.builder()
                                .type(ActionTypeEnum.FORWARD)
                                .targetGroupArn(stable)
                                .build()))
            .listeners()
            .get(0)
            .listenerArn();

    assertThat(elb.forwardWeights(REGION, listener))
        .extracting(LoadBalancing.WeightedTargetGroup::targetGroupArn)
        .containsExactly(stable);
    List<LoadBalancing.WeightedTargetGroup> split =
        List.of(
            new LoadBalancing.WeightedTargetGroup(stable, 90),
            new LoadBalancing.WeightedTargetGroup(canary, 10));
    elb.setForwardWeights(REGION, listener, split);
    assertThat(elb.forwardWeights(REGION, listener)).containsExactlyElementsOf(split);

    String missing = listener.replace(":listener/", ":listener-rule/") + "/0123456789abcdef";
    assertThat(
            org.assertj.core.api.Assertions.catchThrowableOfType(
                dev.snailtrail.provider.ProviderException.class,
                () -> elb.forwardWeights(REGION, missing)))
        .satisfies(
            e ->
                assertThat(e.kind())
                    .isEqualTo(dev.snailtrail.provider.ProviderException.Kind.NOT_FOUND));
  }

  private static String group(ElasticLoadBalancingV2Client sdk, String vpc, String name) {
    return sdk.createTargetGroup(
            r ->
                r.name(name)
                    .protocol(ProtocolEnum.HTTP)
                    .port(5000)
                    .vpcId(vpc)
                    .targetType(TargetTypeEnum.IP))
        .targetGroups()
        .get(0)
        .targetGroupArn();
  }
}
