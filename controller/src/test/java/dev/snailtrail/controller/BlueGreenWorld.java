package dev.snailtrail.controller;

import dev.snailtrail.aws.AwsProviders;
import dev.snailtrail.moto.MotoServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.model.ComparisonOperator;
import software.amazon.awssdk.services.cloudwatch.model.StateValue;
import software.amazon.awssdk.services.cloudwatch.model.Statistic;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.IpPermission;
import software.amazon.awssdk.services.ec2.model.UserIdGroupPair;
import software.amazon.awssdk.services.ecr.EcrClient;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.Service;
import software.amazon.awssdk.services.ecs.model.ServiceDeployment;
import software.amazon.awssdk.services.ecs.model.Tag;
import software.amazon.awssdk.services.elasticloadbalancingv2.ElasticLoadBalancingV2Client;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.Action;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.ActionTypeEnum;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.ForwardActionConfig;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.ProtocolEnum;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.RuleCondition;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.TargetGroupTuple;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.TargetTypeEnum;

/**
 * The world of {@link EcsBlueGreenIT}, made on a freshly reset moto through the AWS SDK as a team
 * would make it for ECS's blue/green deployments: the cluster, a VPC with two subnets, an ALB with
 * the blue and the green target group and a production listener rule forwarding 100/0 between them,
 * the tasks' security group admitting the ALB, the ECR images, the 5xx alarm (OK), the log group
 * and the store's table, made by the code behind {@code snailtrail store init}. It reads what the
 * test asserts straight from moto, past the controller: the rule's weights, the service, its
 * service deployment, the verdict on the rollout's row and what the lifecycle hook answered.
 */
final class BlueGreenWorld {
  static final String CLUSTER = "snail-cluster";
  static final String SERVICE = "snail-api";
  static final String ROLLOUT = "snail-api";
  static final String ALARM = "snail-api-5xx";
  static final String REPOSITORY = "snail-api";

  /**
   * Real seconds a minute of ECS's bake lasts on this cluster: the canary's {@code pause: 1m} holds
   * 10% this long, time enough for the controller to act within it on a loaded machine.
   */
  static final int SECONDS_PER_MINUTE = 8;

  private static final String MANIFEST =
      """
      {"schemaVersion": 2,
       "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
       "config": {"mediaType": "application/vnd.docker.container.image.v1+json", "size": 7023,
                  "digest": "sha256:b5b2b2c507a0944348e0303114d8d93aaaa081732b86451d9bce1f432a537bc7"},
       "layers": [{"mediaType": "application/vnd.docker.image.rootfs.diff.tar.gzip",
                   "size": 32654,
                   "digest": "sha256:e692418e4cbaf90ca69d05a66403747baa33ee08806650b51fab815ad7fc331f"}]}
      """;

  private static final Pattern HOOK_LINE =
      Pattern.compile("lifecycle hook (\\S+) at (\\S+) of (\\S+): (\\S+)");

  final MotoServer moto;
  final String blueGroup;
  final String greenGroup;
  final String rule;

  /** The rollout, as applied. */
  final String spec;

  private BlueGreenWorld(
      MotoServer moto, String blueGroup, String greenGroup, String rule, String spec) {
    this.moto = moto;
    this.blueGroup = blueGroup;
    this.greenGroup = greenGroup;
    this.rule = rule;
    this.spec = spec;
  }

  static BlueGreenWorld create(MotoServer moto) throws IOException {
    ecs(moto)
        .createCluster(
            r ->
                r.clusterName(CLUSTER)
                    .tags(
                        Tag.builder()
                            .key(MotoServer.BAKE_SECONDS_PER_MINUTE_TAG)
                            .value(Integer.toString(SECONDS_PER_MINUTE))
                            .build()));
    Ec2Client ec2 = moto.client(Ec2Client.class, Ec2Client::builder);
    String vpc = ec2.createVpc(r -> r.cidrBlock("10.0.0.0/16")).vpc().vpcId();
    String a =
        ec2.createSubnet(r -> r.vpcId(vpc).cidrBlock("10.0.1.0/24").availabilityZone("us-east-1a"))
            .subnet()
            .subnetId();
    String b =
        ec2.createSubnet(r -> r.vpcId(vpc).cidrBlock("10.0.2.0/24").availabilityZone("us-east-1b"))
            .subnet()
            .subnetId();
    String albGroup =
        ec2.createSecurityGroup(r -> r.groupName("snail-alb").description("alb").vpcId(vpc))
            .groupId();
    String tasks =
        ec2.createSecurityGroup(r -> r.groupName("snail-api").description("tasks").vpcId(vpc))
            .groupId();
    ec2.authorizeSecurityGroupIngress(
        r ->
            r.groupId(tasks)
                .ipPermissions(
                    IpPermission.builder()
                        .ipProtocol("tcp")
                        .fromPort(8080)
                        .toPort(8080)
                        .userIdGroupPairs(UserIdGroupPair.builder().groupId(albGroup).build())
                        .build()));
    ElasticLoadBalancingV2Client elb = elb(moto);
    String alb =
        elb.createLoadBalancer(r -> r.name("snail-alb").subnets(a, b).securityGroups(albGroup))
            .loadBalancers()
            .get(0)
            .loadBalancerArn();
    String blue = targetGroup(elb, vpc, "snail-api-blue");
    String green = targetGroup(elb, vpc, "snail-api-green");
    String listener =
        elb.createListener(
                r ->
                    r.loadBalancerArn(alb)
                        .protocol(ProtocolEnum.HTTP)
                        .port(80)
                        .defaultActions(
                            Action.builder()
                                .type(ActionTypeEnum.FORWARD)
                                .targetGroupArn(blue)
                                .build()))
            .listeners()
            .get(0)
            .listenerArn();
    String rule =
        elb.createRule(
                r ->
                    r.listenerArn(listener)
                        .priority(10)
                        .conditions(
                            RuleCondition.builder().field("path-pattern").values("/*").build())
                        .actions(forward(blue, 100, green, 0)))
            .rules()
            .get(0)
            .ruleArn();
    EcrClient ecr = moto.client(EcrClient.class, EcrClient::builder);
    ecr.createRepository(r -> r.repositoryName(REPOSITORY));
    for (String tag : List.of("simple", "hybrid")) {
      ecr.putImage(
          r ->
              r.repositoryName(REPOSITORY)
                  .imageManifest(MANIFEST.replace("e692418e", tag.substring(0, 3) + "92418e"))
                  .imageTag(tag));
    }
    CloudWatchClient cloudWatch = moto.client(CloudWatchClient.class, CloudWatchClient::builder);
    cloudWatch.putMetricAlarm(
        r ->
            r.alarmName(ALARM)
                .namespace("AWS/ApplicationELB")
                .metricName("HTTPCode_Target_5XX_Count")
                .statistic(Statistic.SUM)
                .period(60)
                .evaluationPeriods(1)
                .threshold(5.0)
                .comparisonOperator(ComparisonOperator.GREATER_THAN_THRESHOLD));
    alarm(moto, StateValue.OK, "no 5xx");
    moto.client(CloudWatchLogsClient.class, CloudWatchLogsClient::builder)
        .createLogGroup(r -> r.logGroupName("/ecs/snail-api"));
    try (AwsProviders aws = AwsProviders.open(moto.settings())) {
      if (!aws.createStoreTable(MotoServer.REGION, MotoServer.HOOK_TABLE)) {
        throw new IllegalStateException("the store's table existed on a freshly reset moto");
      }
    }
    Map<String, String> values = new HashMap<>();
    values.put("${SUBNET}", a);
    values.put("${SECURITY_GROUP}", tasks);
    values.put("${BLUE_TG}", blue);
    values.put("${GREEN_TG}", green);
    values.put("${RULE}", rule);
    values.put("${HOOK}", MotoServer.hookArn(MotoServer.SHIPPED_HOOK));
    String spec = resource("/e2e/blue-green.yaml");
    for (var e : values.entrySet()) {
      spec = spec.replace(e.getKey(), e.getValue());
    }
    return new BlueGreenWorld(moto, blue, green, rule, spec);
  }

  /** Puts the gate's alarm in this state. */
  void alarm(StateValue state, String reason) {
    alarm(moto, state, reason);
  }

  /** The green target group's share of the production rule, in percent. */
  int greenWeight() {
    int total = 0;
    int green = 0;
    for (TargetGroupTuple t : forwardedTo()) {
      int w = t.weight() == null ? 0 : t.weight();
      total += w;
      green += t.targetGroupArn().equals(greenGroup) ? w : 0;
    }
    return total == 0 ? 0 : Math.round(100f * green / total);
  }

  /** The production rule's target groups and weights, as moto describes them. */
  List<TargetGroupTuple> forwardedTo() {
    return elb(moto).describeRules(r -> r.ruleArns(rule)).rules().get(0).actions().stream()
        .filter(a -> a.forwardConfig() != null)
        .flatMap(a -> a.forwardConfig().targetGroups().stream())
        .toList();
  }

  /** The service as moto describes it now. */
  Optional<Service> service() {
    return ecs(moto).describeServices(r -> r.cluster(CLUSTER).services(SERVICE)).services().stream()
        .findFirst();
  }

  /** The task definitions of the service's running tasks. */
  List<String> runningTaskDefinitions() {
    EcsClient ecs = ecs(moto);
    List<String> arns = ecs.listTasks(r -> r.cluster(CLUSTER).serviceName(SERVICE)).taskArns();
    if (arns.isEmpty()) {
      return List.of();
    }
    return ecs.describeTasks(r -> r.cluster(CLUSTER).tasks(arns)).tasks().stream()
        .map(t -> t.taskDefinitionArn())
        .toList();
  }

  /** A service deployment, as moto describes it. */
  ServiceDeployment deployment(String arn) {
    return ecs(moto)
        .describeServiceDeployments(r -> r.serviceDeploymentArns(arn))
        .serviceDeployments()
        .get(0);
  }

  /** The verdict attributes of the rollout's row in the store's table, as the hook reads them. */
  Map<String, AttributeValue> verdictRow() {
    Map<String, AttributeValue> item =
        moto.client(DynamoDbClient.class, DynamoDbClient::builder)
            .getItem(
                r ->
                    r.tableName(MotoServer.HOOK_TABLE)
                        .consistentRead(true)
                        .key(
                            Map.of(
                                "pk", AttributeValue.fromS("rollout#" + ROLLOUT),
                                "sk", AttributeValue.fromS("row"))))
            .item();
    return item == null ? Map.of() : item;
  }

  /**
   * What the shipped hook answered about the deployment, "STAGE: ANSWER" per call in order, as the
   * moto launcher logs each invocation.
   */
  List<String> hookAnswers(String deployment) {
    List<String> answers = new ArrayList<>();
    try {
      for (String line : Files.readAllLines(moto.log(), StandardCharsets.UTF_8)) {
        Matcher m = HOOK_LINE.matcher(line);
        if (m.find()
            && m.group(1).equals(MotoServer.SHIPPED_HOOK)
            && m.group(3).equals(deployment)) {
          answers.add(m.group(2) + ": " + m.group(4));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("moto's log " + moto.log() + " unreadable", e);
    }
    return answers;
  }

  /** The lines of moto's log that mention the deployment: the hook's own and the launcher's. */
  String logOf(String deployment) {
    try {
      return String.join(
          "\n",
          Files.readAllLines(moto.log(), StandardCharsets.UTF_8).stream()
              .filter(l -> l.contains(deployment) || l.contains("\"rollout\": \"" + ROLLOUT))
              .toList());
    } catch (IOException e) {
      return "(moto's log unreadable: " + e + ")";
    }
  }

  private static void alarm(MotoServer moto, StateValue state, String reason) {
    moto.client(CloudWatchClient.class, CloudWatchClient::builder)
        .setAlarmState(r -> r.alarmName(ALARM).stateValue(state).stateReason(reason));
  }

  private static EcsClient ecs(MotoServer moto) {
    return moto.client(EcsClient.class, EcsClient::builder);
  }

  private static ElasticLoadBalancingV2Client elb(MotoServer moto) {
    return moto.client(ElasticLoadBalancingV2Client.class, ElasticLoadBalancingV2Client::builder);
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

  private static Action forward(String blue, int blueWeight, String green, int greenWeight) {
    return Action.builder()
        .type(ActionTypeEnum.FORWARD)
        .forwardConfig(
            ForwardActionConfig.builder()
                .targetGroups(
                    TargetGroupTuple.builder().targetGroupArn(blue).weight(blueWeight).build(),
                    TargetGroupTuple.builder().targetGroupArn(green).weight(greenWeight).build())
                .build())
        .build();
  }

  private static String resource(String name) throws IOException {
    try (InputStream in = BlueGreenWorld.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IOException(name + " is missing from the test classpath");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
