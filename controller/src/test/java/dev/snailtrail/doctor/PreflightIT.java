package dev.snailtrail.doctor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.snailtrail.aws.AwsProviders;
import dev.snailtrail.cli.Main;
import dev.snailtrail.moto.MotoServer;
import dev.snailtrail.provider.TaskDefinitionSpec;
import dev.snailtrail.rollout.TaskDefinitions;
import dev.snailtrail.spec.Rollout;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.model.ComparisonOperator;
import software.amazon.awssdk.services.cloudwatch.model.StateValue;
import software.amazon.awssdk.services.cloudwatch.model.Statistic;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.IpPermission;
import software.amazon.awssdk.services.ec2.model.IpRange;
import software.amazon.awssdk.services.ec2.model.UserIdGroupPair;
import software.amazon.awssdk.services.ecr.EcrClient;
import software.amazon.awssdk.services.ecr.model.ImageIdentifier;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.AssignPublicIp;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.LaunchType;
import software.amazon.awssdk.services.ecs.model.LoadBalancer;
import software.amazon.awssdk.services.ecs.model.LogDriver;
import software.amazon.awssdk.services.ecs.model.NetworkMode;
import software.amazon.awssdk.services.ecs.model.PortMapping;
import software.amazon.awssdk.services.ecs.model.TransportProtocol;
import software.amazon.awssdk.services.elasticloadbalancingv2.ElasticLoadBalancingV2Client;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.Action;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.ActionTypeEnum;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.ProtocolEnum;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.TargetTypeEnum;

/**
 * Every check against moto: a world built with the AWS SDK as people build it (VPC, subnets, route
 * tables, internet gateway, security groups, ALB and target group, ECR images, log groups, alarm,
 * ECS cluster and Fargate service), checked through the {@code aws} provider, then broken one thing
 * at a time.
 */
@ExtendWith(MotoServer.Extension.class)
class PreflightIT {
  private static final String REGION = MotoServer.REGION;
  private static final String REGISTRY = "123456789012.dkr.ecr.us-east-1.amazonaws.com";
  private static final String ROLE = "arn:aws:iam::123456789012:role/ecsTaskExecutionRole";
  private static final String LOG_GROUP = "/ecs/shine-api-gateway";
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

  private static AwsProviders aws;

  @TempDir Path dir;

  private Ec2Client ec2;
  private EcsClient ecs;
  private EcrClient ecr;
  private ElasticLoadBalancingV2Client elb;
  private CloudWatchLogsClient logs;
  private CloudWatchClient cloudWatch;

  private String vpc;
  private String subnetA;
  private String subnetB;
  private String routeTable;
  private String igw;
  private String albGroup;
  private String taskGroup;
  private String targetGroup;
  private String baselineArn;
  private final DoctorFixtures fx = new DoctorFixtures();

  @BeforeAll
  static void open() {
    aws = AwsProviders.open(MotoServer.get().settings());
  }

  @AfterAll
  static void close() {
    aws.close();
  }

  @BeforeEach
  void buildTheWorld(MotoServer moto) {
    ec2 = moto.client(Ec2Client.class, Ec2Client::builder);
    ecs = moto.client(EcsClient.class, EcsClient::builder);
    ecr = moto.client(EcrClient.class, EcrClient::builder);
    elb = moto.client(ElasticLoadBalancingV2Client.class, ElasticLoadBalancingV2Client::builder);
    logs = moto.client(CloudWatchLogsClient.class, CloudWatchLogsClient::builder);
    cloudWatch = moto.client(CloudWatchClient.class, CloudWatchClient::builder);

    vpc = ec2.createVpc(r -> r.cidrBlock("10.0.0.0/16")).vpc().vpcId();
    subnetA = subnet("10.0.1.0/24", "us-east-1a");
    subnetB = subnet("10.0.2.0/24", "us-east-1b");
    igw = ec2.createInternetGateway(r -> {}).internetGateway().internetGatewayId();
    ec2.attachInternetGateway(r -> r.vpcId(vpc).internetGatewayId(igw));
    routeTable = ec2.createRouteTable(r -> r.vpcId(vpc)).routeTable().routeTableId();
    ec2.createRoute(
        r -> r.routeTableId(routeTable).destinationCidrBlock("0.0.0.0/0").gatewayId(igw));
    ec2.associateRouteTable(r -> r.routeTableId(routeTable).subnetId(subnetA));
    ec2.associateRouteTable(r -> r.routeTableId(routeTable).subnetId(subnetB));

    albGroup =
        ec2.createSecurityGroup(r -> r.groupName("shine-alb").description("alb").vpcId(vpc))
            .groupId();
    taskGroup =
        ec2.createSecurityGroup(r -> r.groupName("shine-tasks").description("tasks").vpcId(vpc))
            .groupId();
    ec2.authorizeSecurityGroupIngress(
        r ->
            r.groupId(albGroup)
                .ipPermissions(
                    IpPermission.builder()
                        .ipProtocol("tcp")
                        .fromPort(80)
                        .toPort(80)
                        .ipRanges(IpRange.builder().cidrIp("0.0.0.0/0").build())
                        .build()));
    ec2.authorizeSecurityGroupIngress(r -> r.groupId(taskGroup).ipPermissions(fromAlb()));

    String lb =
        elb.createLoadBalancer(
                r -> r.name("shine-alb").subnets(subnetA, subnetB).securityGroups(albGroup))
            .loadBalancers()
            .get(0)
            .loadBalancerArn();
    targetGroup =
        elb.createTargetGroup(
                r ->
                    r.name("shine-api")
                        .protocol(ProtocolEnum.HTTP)
                        .port(5000)
                        .vpcId(vpc)
                        .targetType(TargetTypeEnum.IP)
                        .healthCheckPath("/health"))
            .targetGroups()
            .get(0)
            .targetGroupArn();
    elb.createListener(
        r ->
            r.loadBalancerArn(lb)
                .protocol(ProtocolEnum.HTTP)
                .port(80)
                .defaultActions(
                    Action.builder()
                        .type(ActionTypeEnum.FORWARD)
                        .targetGroupArn(targetGroup)
                        .build()));

    ecr.createRepository(r -> r.repositoryName("shine-api-gateway"));
    for (String tag : List.of("baseline", "simple", "hybrid")) {
      ecr.putImage(
          r -> r.repositoryName("shine-api-gateway").imageManifest(MANIFEST).imageTag(tag));
    }
    logs.createLogGroup(r -> r.logGroupName(LOG_GROUP));
    cloudWatch.putMetricAlarm(
        r ->
            r.alarmName(DoctorFixtures.ALARM)
                .namespace("AWS/ApplicationELB")
                .metricName("HTTPCode_Target_5XX_Count")
                .statistic(Statistic.SUM)
                .period(60)
                .evaluationPeriods(1)
                .threshold(10.0)
                .comparisonOperator(ComparisonOperator.GREATER_THAN_THRESHOLD));

    ecs.createCluster(r -> r.clusterName(DoctorFixtures.CLUSTER));
    baselineArn = registerBaseline(5000);

    fx.registry = REGISTRY;
    fx.targetGroupArn = targetGroup;
    fx.executionRoleArn = ROLE;
    fx.subnets = List.of(subnetA, subnetB);
    fx.securityGroups = List.of(taskGroup);
    fx.createIfMissing = false;
  }

  private String subnet(String cidr, String az) {
    return ec2.createSubnet(r -> r.vpcId(vpc).cidrBlock(cidr).availabilityZone(az))
        .subnet()
        .subnetId();
  }

  private IpPermission fromAlb() {
    return IpPermission.builder()
        .ipProtocol("tcp")
        .fromPort(5000)
        .toPort(5000)
        .userIdGroupPairs(UserIdGroupPair.builder().groupId(albGroup).build())
        .build();
  }

  private String registerBaseline(int port) {
    return ecs.registerTaskDefinition(
            r ->
                r.family("shine-api-gateway")
                    .networkMode(NetworkMode.AWSVPC)
                    .requiresCompatibilitiesWithStrings("FARGATE")
                    .cpu("512")
                    .memory("1024")
                    .executionRoleArn(ROLE)
                    .containerDefinitions(
                        ContainerDefinition.builder()
                            .name("api")
                            .image(REGISTRY + "/shine-api-gateway:baseline")
                            .memory(1024)
                            .essential(true)
                            .portMappings(
                                PortMapping.builder()
                                    .containerPort(port)
                                    .hostPort(port)
                                    .protocol(TransportProtocol.TCP)
                                    .build())
                            .logConfiguration(
                                l ->
                                    l.logDriver(LogDriver.AWSLOGS)
                                        .options(
                                            Map.of(
                                                "awslogs-group", LOG_GROUP,
                                                "awslogs-region", REGION,
                                                "awslogs-stream-prefix", "ecs")))
                            .build()))
        .taskDefinition()
        .taskDefinitionArn();
  }

  private void createService(LaunchType launchType) {
    ecs.createService(
        r ->
            r.cluster(DoctorFixtures.CLUSTER)
                .serviceName(DoctorFixtures.SERVICE)
                .taskDefinition(baselineArn)
                .desiredCount(1)
                .launchType(launchType)
                .networkConfiguration(
                    n ->
                        n.awsvpcConfiguration(
                            a ->
                                a.subnets(subnetA, subnetB)
                                    .securityGroups(taskGroup)
                                    .assignPublicIp(AssignPublicIp.ENABLED)))
                .loadBalancers(
                    LoadBalancer.builder()
                        .targetGroupArn(targetGroup)
                        .containerName("api")
                        .containerPort(5000)
                        .build()));
  }

  private List<CheckResult> check(Rollout rollout, int phase) {
    return new Preflight(aws.providers()).check(rollout, phase);
  }

  private static CheckResult result(List<CheckResult> results, Check check) {
    return results.stream().filter(r -> r.check() == check).findFirst().orElseThrow();
  }

  private static String line(List<CheckResult> results, Check check) {
    return Checklist.line(result(results, check), false);
  }

  @Test
  void theWorldAsBuiltPassesEveryCheck() {
    createService(LaunchType.FARGATE);

    List<CheckResult> results = check(fx.rollout(), 0);

    assertThat(results)
        .allSatisfy(r -> assertThat(r.status()).as(r.toString()).isEqualTo(Status.PASS));
    assertThat(line(results, Check.PublicIpRoutable))
        .isEqualTo(
            "✓ Public IP routable: FARGATE tasks get public IPs; every subnet routes 0.0.0.0/0 to an"
                + " internet gateway");
    assertThat(result(results, Check.PublicIpRoutable).seen())
        .contains(subnetA + " → " + igw + " via " + routeTable);
  }

  @Test
  void serviceExists() {
    List<CheckResult> results = check(fx.rollout(), 0);
    assertThat(line(results, Check.ServiceExists))
        .isEqualTo(
            "✗ Service exists: service shine-api-gateway not found in cluster shine-ml-cluster");

    fx.createIfMissing = true;
    assertThat(result(check(fx.rollout(), 0), Check.ServiceExists).status()).isEqualTo(Status.PASS);
  }

  @Test
  void imageInEcr() {
    createService(LaunchType.FARGATE);
    assertThat(result(check(fx.rollout(), 1), Check.ImageInEcr).status()).isEqualTo(Status.PASS);

    ecr.batchDeleteImage(
        r ->
            r.repositoryName("shine-api-gateway")
                .imageIds(ImageIdentifier.builder().imageTag("hybrid").build()));
    assertThat(line(check(fx.rollout(), 1), Check.ImageInEcr))
        .isEqualTo(
            "✗ Image in ECR: image "
                + REGISTRY
                + "/shine-api-gateway:hybrid not found in ECR repository shine-api-gateway");
  }

  @Test
  void portsMatchTargetGroup() {
    createService(LaunchType.FARGATE);
    fx.templatePort = 8080;
    List<CheckResult> results = check(fx.rollout(), 0);
    assertThat(line(results, Check.PortsMatchTargetGroup))
        .isEqualTo(
            "✗ Ports match the target group: container api listens on 8080 but target group"
                + " shine-api forwards to 5000 (the service registers port 5000)");
  }

  @Test
  void networkBindings() {
    createService(LaunchType.FARGATE);
    Rollout rollout = fx.rollout();
    assertThat(line(check(rollout, 0), Check.AwsvpcBindings))
        .isEqualTo(
            "✓ Network bindings: awsvpc: empty networkBindings are normal; port 5000 lives on each"
                + " task's network interface");

    fx.networkMode = "bridge";
    fx.launchType = "EC2";
    Rollout bridge = fx.rollout();
    TaskDefinitionSpec td = TaskDefinitions.forPhase(bridge, 0);
    TaskDefinitionSpec noPorts =
        TaskDefinitionSpec.of(
            td.family(),
            td.containers().stream()
                .map(
                    c ->
                        new TaskDefinitionSpec.ContainerDefinition(
                            c.name(),
                            c.image(),
                            c.essential(),
                            List.of(),
                            c.environment(),
                            c.healthCheck(),
                            c.logDriver(),
                            c.logOptions()))
                .toList(),
            td.cpu(),
            td.memory(),
            td.networkMode(),
            td.requiresCompatibilities(),
            td.executionRoleArn(),
            td.taskRoleArn(),
            td.tags());
    List<CheckResult> results = new Preflight(aws.providers(), r -> noPorts).check(bridge, 0);
    assertThat(line(results, Check.AwsvpcBindings))
        .isEqualTo("✗ Network bindings: container api maps no port 5000 under bridge");
  }

  @Test
  void securityGroupAdmitsPort() {
    createService(LaunchType.FARGATE);
    ec2.revokeSecurityGroupIngress(r -> r.groupId(taskGroup).ipPermissions(fromAlb()));

    List<CheckResult> results = check(fx.rollout(), 0);

    assertThat(line(results, Check.SecurityGroupAdmitsPort))
        .isEqualTo(
            "✗ Security group admits the port: security group "
                + taskGroup
                + " (shine-tasks) does not admit tcp 5000 from the load balancer's group "
                + albGroup);
    assertThat(result(results, Check.SecurityGroupAdmitsPort).fix())
        .isEqualTo(
            "Add the rule: aws ec2 authorize-security-group-ingress --group-id "
                + taskGroup
                + " --protocol tcp --port 5000 --source-group "
                + albGroup
                + " --region us-east-1");
  }

  @Test
  void publicIpRoutable() {
    createService(LaunchType.FARGATE);
    ec2.modifySubnetAttribute(r -> r.subnetId(subnetA).mapPublicIpOnLaunch(v -> v.value(true)));
    ec2.deleteRoute(r -> r.routeTableId(routeTable).destinationCidrBlock("0.0.0.0/0"));

    List<CheckResult> results = check(fx.rollout(), 0);

    CheckResult r = result(results, Check.PublicIpRoutable);
    assertThat(Checklist.line(r, false))
        .isEqualTo(
            "✗ Public IP routable: subnet "
                + subnetA
                + " has no 0.0.0.0/0 route to an internet gateway: tasks cannot pull images");
    assertThat(r.seen())
        .contains("MapPublicIpOnLaunch is true, but that does not make the subnet public");
  }

  @Test
  void publicIpNeedsFargate() {
    createService(LaunchType.EC2);
    assertThat(line(check(fx.rollout(), 0), Check.PublicIpRoutable))
        .isEqualTo(
            "✗ Public IP routable: assignPublicIp is ENABLED but the launch type is EC2: tasks on"
                + " EC2 never get a public IP");
  }

  @Test
  void logGroupExists() {
    createService(LaunchType.FARGATE);
    logs.deleteLogGroup(r -> r.logGroupName(LOG_GROUP));
    assertThat(line(check(fx.rollout(), 0), Check.LogGroupExists))
        .isEqualTo(
            "✗ Log group exists: log group /ecs/shine-api-gateway does not exist: tasks will fail"
                + " to start");
  }

  @Test
  void rollbackReady() {
    createService(LaunchType.FARGATE);
    cloudWatch.setAlarmState(
        r ->
            r.alarmName(DoctorFixtures.ALARM)
                .stateValue(StateValue.ALARM)
                .stateReason("5xx above 1%"));
    assertThat(line(check(fx.rollout(), 0), Check.RollbackReady))
        .isEqualTo(
            "✗ Rollback ready: alarm shine-5xx-high is already in ALARM (5xx above 1%): its gate"
                + " would fail at once");
  }

  @Test
  void aDeregisteredBaselineIsNoRollbackTarget() {
    createService(LaunchType.FARGATE);
    ecs.deregisterTaskDefinition(r -> r.taskDefinition(baselineArn));
    assertThat(line(check(fx.rollout(), 0), Check.RollbackReady))
        .isEqualTo(
            "✗ Rollback ready: rollback target the baseline revision shine-api-gateway:1 is"
                + " INACTIVE: ECS cannot start tasks from it");
  }

  @Test
  void doctorOnTheMotoFixturesIsQuick(MotoServer moto) throws Exception {
    createService(LaunchType.FARGATE);
    Path spec = dir.resolve("rollout.yaml");
    Files.writeString(spec, yaml());
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream stdout = System.out;
    long start = System.nanoTime();
    int exit;
    try {
      System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
      exit =
          Main.run(
              "doctor",
              "-f",
              spec.toString(),
              "--provider",
              "aws",
              "--endpoint",
              moto.endpoint().toString());
    } finally {
      System.setOut(stdout);
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    String out = bytes.toString(StandardCharsets.UTF_8);
    System.out.println(
        String.format(
            Locale.ROOT, "doctor on the moto fixtures (2 phases, 14 checks): %.2f s", seconds));
    assertThat(exit).as(out).isZero();
    assertThat(out)
        .contains("checked against AWS us-east-1 at " + moto.endpoint())
        .contains("14 checks: 14 passed, 0 failed");
  }

  private String yaml() {
    return """
        apiVersion: snailtrail.dev/v1
        kind: Rollout
        metadata: {name: shine-api-gateway}
        spec:
          target:
            region: us-east-1
            cluster: shine-ml-cluster
            service: shine-api-gateway
            network: {subnets: [%s, %s], securityGroups: [%s], assignPublicIp: true}
            loadBalancers: [{targetGroupArn: "%s"}]
          template:
            family: shine-api-gateway
            container: api
            port: 5000
            executionRoleArn: %s
            logGroup: /ecs/shine-api-gateway
          phases:
            - name: simple
              image: %s/shine-api-gateway:simple
              gates: [{ecsTasks: {}}]
            - name: hybrid
              image: %s/shine-api-gateway:hybrid
              gates: [{cloudwatchAlarm: {names: [shine-5xx-high]}}]
        """
        .formatted(subnetA, subnetB, taskGroup, targetGroup, ROLE, REGISTRY, REGISTRY);
  }
}
