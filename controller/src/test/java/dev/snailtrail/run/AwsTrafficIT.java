package dev.snailtrail.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.snailtrail.moto.MotoServer;
import dev.snailtrail.rollout.RolloutStatus;
import dev.snailtrail.rollout.StatusPhase;
import dev.snailtrail.rollout.Step;
import dev.snailtrail.trail.EventType;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.model.StateValue;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.AssignPublicIp;
import software.amazon.awssdk.services.ecs.model.Compatibility;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.LaunchType;
import software.amazon.awssdk.services.ecs.model.LoadBalancer;
import software.amazon.awssdk.services.ecs.model.NetworkMode;
import software.amazon.awssdk.services.ecs.model.PortMapping;
import software.amazon.awssdk.services.elasticloadbalancingv2.ElasticLoadBalancingV2Client;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.Action;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.ActionTypeEnum;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.ForwardActionConfig;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.ProtocolEnum;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.RuleCondition;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.TargetGroupTuple;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.TargetTypeEnum;

/**
 * A phase with traffic steps over the wire: the loop of {@code snailtrail run --provider aws}
 * against moto, with an ALB whose listener rule forwards to the stable and the canary target groups
 * by weight, both ECS services behind them. The test reads the rule after every pass.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
@ExtendWith(MotoServer.Extension.class)
class AwsTrafficIT {
  private static final String CANARY_SERVICE = "snail-api-canary";

  private MotoServer moto;
  private MotoRolloutFixture world;
  private String rule;
  private String canaryGroup;

  @BeforeEach
  void fixtures(MotoServer server, @TempDir Path dir) throws Exception {
    moto = server;
    world = MotoRolloutFixture.create(server, dir, "canary.yaml", this::loadBalancer);
  }

  /** The ALB, its two target groups, the weighted rule (100/0) and the canary service at zero. */
  private Map<String, String> loadBalancer(String vpc, String subnet) {
    Ec2Client ec2 = moto.client(Ec2Client.class, Ec2Client::builder);
    String a =
        ec2.createSubnet(r -> r.vpcId(vpc).cidrBlock("10.0.2.0/24").availabilityZone("us-east-1a"))
            .subnet()
            .subnetId();
    String b =
        ec2.createSubnet(r -> r.vpcId(vpc).cidrBlock("10.0.3.0/24").availabilityZone("us-east-1b"))
            .subnet()
            .subnetId();
    String group =
        ec2.createSecurityGroup(r -> r.groupName("canary").description("canary").vpcId(vpc))
            .groupId();
    ElasticLoadBalancingV2Client elb =
        moto.client(ElasticLoadBalancingV2Client.class, ElasticLoadBalancingV2Client::builder);
    String lb =
        elb.createLoadBalancer(r -> r.name("snail-alb").subnets(a, b))
            .loadBalancers()
            .get(0)
            .loadBalancerArn();
    String stable = targetGroup(elb, vpc, "snail-api");
    canaryGroup = targetGroup(elb, vpc, "snail-api-canary");
    String listener =
        elb.createListener(
                r ->
                    r.loadBalancerArn(lb)
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
    rule =
        elb.createRule(
                r ->
                    r.listenerArn(listener)
                        .priority(10)
                        .conditions(
                            RuleCondition.builder().field("path-pattern").values("/*").build())
                        .actions(forward(stable, 100, canaryGroup, 0)))
            .rules()
            .get(0)
            .ruleArn();
    EcsClient ecs = moto.client(EcsClient.class, EcsClient::builder);
    String td =
        ecs.registerTaskDefinition(
                r ->
                    r.family("snail-api-canary")
                        .networkMode(NetworkMode.AWSVPC)
                        .requiresCompatibilities(Compatibility.FARGATE)
                        .cpu("256")
                        .memory("512")
                        .containerDefinitions(
                            ContainerDefinition.builder()
                                .name("api")
                                .image(
                                    "123456789012.dkr.ecr.us-east-1.amazonaws.com/"
                                        + "snail-api:simple")
                                .portMappings(PortMapping.builder().containerPort(8080).build())
                                .build()))
            .taskDefinition()
            .taskDefinitionArn();
    ecs.createService(
        r ->
            r.cluster(MotoRolloutFixture.CLUSTER)
                .serviceName(CANARY_SERVICE)
                .taskDefinition(td)
                .desiredCount(0)
                .launchType(LaunchType.FARGATE)
                .networkConfiguration(
                    n ->
                        n.awsvpcConfiguration(
                            v ->
                                v.subnets(subnet)
                                    .securityGroups(group)
                                    .assignPublicIp(AssignPublicIp.ENABLED)))
                .loadBalancers(
                    LoadBalancer.builder()
                        .targetGroupArn(canaryGroup)
                        .containerName("api")
                        .containerPort(8080)
                        .build()));
    return Map.of("${RULE}", rule, "${STABLE_TG}", stable, "${CANARY_TG}", canaryGroup);
  }

  private static String targetGroup(ElasticLoadBalancingV2Client elb, String vpc, String name) {
    return elb.createTargetGroup(
            r ->
                r.name(name)
                    .protocol(ProtocolEnum.HTTP)
                    .port(8080)
                    .vpcId(vpc)
                    .targetType(TargetTypeEnum.IP)
                    .healthCheckPath("/health"))
        .targetGroups()
        .get(0)
        .targetGroupArn();
  }

  private static Action forward(String stable, int stableWeight, String canary, int weight) {
    return Action.builder()
        .type(ActionTypeEnum.FORWARD)
        .forwardConfig(
            ForwardActionConfig.builder()
                .targetGroups(
                    TargetGroupTuple.builder().targetGroupArn(stable).weight(stableWeight).build(),
                    TargetGroupTuple.builder().targetGroupArn(canary).weight(weight).build())
                .build())
        .build();
  }

  /** The canary group's weight on the rule, as moto describes it. */
  private int canaryWeight() {
    return moto
        .client(ElasticLoadBalancingV2Client.class, ElasticLoadBalancingV2Client::builder)
        .describeRules(r -> r.ruleArns(rule))
        .rules()
        .get(0)
        .actions()
        .stream()
        .filter(a -> a.forwardConfig() != null)
        .flatMap(a -> a.forwardConfig().targetGroups().stream())
        .filter(t -> t.targetGroupArn().equals(canaryGroup))
        .mapToInt(t -> t.weight() == null ? 0 : t.weight())
        .sum();
  }

  private int canaryDesired() {
    return moto.client(EcsClient.class, EcsClient::builder)
        .describeServices(r -> r.cluster(MotoRolloutFixture.CLUSTER).services(CANARY_SERVICE))
        .services()
        .get(0)
        .desiredCount();
  }

  /** After each pass: the rollout's phase and step, and the canary's weight on the rule. */
  private record Seen(StatusPhase phase, Step step, int weight) {}

  @Test
  void theRuleCarriesEachStepsWeightThenReturnsToStable() throws Exception {
    List<Integer> weights = new ArrayList<>(List.of(canaryWeight()));
    MotoRolloutFixture.Run run =
        world
            .run(moto.settings(), new AwsCallTally())
            .onPass(
                s -> {
                  int w = canaryWeight();
                  if (w != weights.get(weights.size() - 1)) {
                    weights.add(w);
                  }
                });

    RolloutStatus end = run.toTheEnd();

    assertThat(end.phase()).as(run.dump(end)).isEqualTo(StatusPhase.Healthy);
    assertThat(weights).containsExactly(0, 10, 50, 100, 0);
    assertThat(run.events(EventType.TrafficShifted).stream().map(e -> e.data().get("weight")))
        .containsExactly("10", "50", "100", "0");
    assertThat(world.service().taskDefinition()).isEqualTo(end.revisions().get("canary"));
    assertThat(canaryDesired()).isZero();
  }

  @Test
  void anAlarmAtFiftyPercentPutsEveryRequestOnStableWithinOnePass() throws Exception {
    List<Seen> seen = new ArrayList<>();
    int[] alarmedAt = {-1};
    MotoRolloutFixture.Run run =
        world
            .run(moto.settings(), new AwsCallTally())
            .onPass(
                s -> {
                  seen.add(new Seen(s.phase(), s.step(), canaryWeight()));
                  if (alarmedAt[0] < 0 && s.step() == Step.Shifting && s.traffic().weight() == 50) {
                    alarmedAt[0] = seen.size() - 1;
                    moto.client(CloudWatchClient.class, CloudWatchClient::builder)
                        .setAlarmState(
                            r ->
                                r.alarmName(MotoRolloutFixture.ALARM)
                                    .stateValue(StateValue.ALARM)
                                    .stateReason("5xx above 5 in the last minute"));
                  }
                });

    RolloutStatus end = run.toTheEnd();

    assertThat(end.phase()).as(run.dump(end)).isEqualTo(StatusPhase.Degraded);
    int alarmed = alarmedAt[0];
    assertThat(alarmed).as(run.dump(end)).isNotNegative();
    assertThat(seen.get(alarmed).weight()).isEqualTo(50);
    // The next pass sees the alarm and begins the rollback; the first pass of the rollback puts
    // every request on stable, in one ModifyRule.
    assertThat(seen.get(alarmed + 1).phase()).isEqualTo(StatusPhase.RollingBack);
    assertThat(seen.get(alarmed + 1).weight()).isEqualTo(50);
    assertThat(seen.get(alarmed + 2).weight()).isZero();
    assertThat(canaryWeight()).isZero();
    assertThat(canaryDesired()).isZero();
    assertThat(world.service().taskDefinition()).isEqualTo(end.revisions().get("first-steps"));
    assertThat(run.events(EventType.TrafficShifted).stream().map(e -> e.data().get("weight")))
        .containsExactly("10", "50", "0");
  }
}
