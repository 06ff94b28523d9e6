package dev.snailtrail.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.snailtrail.aws.AwsProviders;
import dev.snailtrail.json.Json;
import dev.snailtrail.moto.MotoServer;
import dev.snailtrail.provider.TaskDefinitionSpec;
import dev.snailtrail.rollout.RolloutStatus;
import dev.snailtrail.rollout.StatusPhase;
import dev.snailtrail.spec.Rollout;
import dev.snailtrail.spec.load.SpecLoader;
import dev.snailtrail.trail.EventType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.applicationautoscaling.ApplicationAutoScalingClient;
import software.amazon.awssdk.services.applicationautoscaling.model.ScalableDimension;
import software.amazon.awssdk.services.applicationautoscaling.model.ServiceNamespace;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ecr.EcrClient;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.ContainerDependency;
import software.amazon.awssdk.services.ecs.model.EFSVolumeConfiguration;
import software.amazon.awssdk.services.ecs.model.KeyValuePair;
import software.amazon.awssdk.services.ecs.model.LogConfiguration;
import software.amazon.awssdk.services.ecs.model.MountPoint;
import software.amazon.awssdk.services.ecs.model.PortMapping;
import software.amazon.awssdk.services.ecs.model.Secret;
import software.amazon.awssdk.services.ecs.model.Tag;
import software.amazon.awssdk.services.ecs.model.Ulimit;
import software.amazon.awssdk.services.ecs.model.Volume;
import tools.jackson.databind.node.ObjectNode;

/**
 * An existing production service rolled over the wire: its live task definition, registered through
 * the SDK with what teams really have (two containers, secrets from Secrets Manager and SSM, an EFS
 * volume and its mount point, ulimits, a dependency, roles, 512/1024, a tag), is the base of every
 * phase, and only the image changes. The service keeps its task count.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
@ExtendWith(MotoServer.Extension.class)
class AwsLiveServiceIT {
  private static final String REGION = MotoServer.REGION;
  private static final String CLUSTER = "ml";
  private static final String SERVICE = "ml-api";
  private static final String REPO = "ml-api";

  private MotoServer moto;
  private String liveArn;
  private String image;

  @BeforeEach
  void liveService(MotoServer server) {
    moto = server;
    EcsClient ecs = moto.client(EcsClient.class, EcsClient::builder);
    ecs.createCluster(r -> r.clusterName(CLUSTER));
    String repoUri =
        moto.client(EcrClient.class, EcrClient::builder)
            .createRepository(r -> r.repositoryName(REPO))
            .repository()
            .repositoryUri();
    image = repoUri;
    liveArn =
        ecs.registerTaskDefinition(
                r ->
                    r.family(SERVICE)
                        .cpu("512")
                        .memory("1024")
                        .networkMode("awsvpc")
                        .requiresCompatibilitiesWithStrings("FARGATE")
                        .executionRoleArn("arn:aws:iam::123456789012:role/ml-api-execution")
                        .taskRoleArn("arn:aws:iam::123456789012:role/ml-api-task")
                        .volumes(
                            Volume.builder()
                                .name("models")
                                .efsVolumeConfiguration(
                                    EFSVolumeConfiguration.builder()
                                        .fileSystemId("fs-0123456789abcdef0")
                                        .transitEncryption("ENABLED")
                                        .build())
                                .build())
                        .containerDefinitions(main(repoUri + ":baseline"), sidecar(repoUri))
                        .tags(Tag.builder().key("team").value("ml").build()))
            .taskDefinition()
            .taskDefinitionArn();
    // The run loop writes the application's "model loaded" line where the e2e world logs.
    CloudWatchLogsClient logs =
        moto.client(CloudWatchLogsClient.class, CloudWatchLogsClient::builder);
    logs.createLogGroup(r -> r.logGroupName(MotoRolloutFixture.LOG_GROUP));
    logs.createLogStream(
        r -> r.logGroupName(MotoRolloutFixture.LOG_GROUP).logStreamName("api/api/boot"));
    Ec2Client ec2 = moto.client(Ec2Client.class, Ec2Client::builder);
    String vpc = ec2.createVpc(r -> r.cidrBlock("10.0.0.0/16")).vpc().vpcId();
    String subnet =
        ec2.createSubnet(r -> r.vpcId(vpc).cidrBlock("10.0.1.0/24")).subnet().subnetId();
    String group =
        ec2.createSecurityGroup(r -> r.groupName("ml-api").description("tasks").vpcId(vpc))
            .groupId();
    ecs.createService(
        r ->
            r.cluster(CLUSTER)
                .serviceName(SERVICE)
                .taskDefinition(liveArn)
                .desiredCount(3)
                .launchType("FARGATE")
                .networkConfiguration(
                    n -> n.awsvpcConfiguration(a -> a.subnets(subnet).securityGroups(group))));
  }

  private static ContainerDefinition main(String image) {
    return ContainerDefinition.builder()
        .name("api")
        .image(image)
        .essential(true)
        .portMappings(PortMapping.builder().containerPort(5000).hostPort(5000).build())
        .environment(KeyValuePair.builder().name("LOG_LEVEL").value("info").build())
        .secrets(
            Secret.builder()
                .name("DB_PASSWORD")
                .valueFrom("arn:aws:secretsmanager:us-east-1:123456789012:secret:ml/db")
                .build(),
            Secret.builder()
                .name("API_TOKEN")
                .valueFrom("arn:aws:ssm:us-east-1:123456789012:parameter/ml/token")
                .build())
        .mountPoints(MountPoint.builder().sourceVolume("models").containerPath("/models").build())
        .ulimits(Ulimit.builder().name("nofile").softLimit(65536).hardLimit(65536).build())
        .dependsOn(
            ContainerDependency.builder().containerName("log-router").condition("START").build())
        .logConfiguration(
            LogConfiguration.builder()
                .logDriver("awslogs")
                .options(Map.of("awslogs-group", "/ecs/ml-api", "awslogs-region", REGION))
                .build())
        .build();
  }

  private static ContainerDefinition sidecar(String repoUri) {
    return ContainerDefinition.builder()
        .name("log-router")
        .image(repoUri + "-log-router:stable")
        .essential(true)
        .secrets(
            Secret.builder()
                .name("LOG_TOKEN")
                .valueFrom("arn:aws:ssm:us-east-1:123456789012:parameter/ml/log-token")
                .build())
        .build();
  }

  private Rollout spec(Path dir, String template, String first, String second) throws Exception {
    Path file = dir.resolve("ml-api.yaml");
    Files.writeString(
        file,
        """
        apiVersion: snailtrail.dev/v1
        kind: Rollout
        metadata: {name: ml-api}
        spec:
          target: {region: %s, cluster: %s, service: %s}
          %s
          progressDeadline: 2m
          analysis: {interval: 1s, count: 1}
          phases:
            - name: one
              image: %s:%s
              gates: [ecsTasks]
            - name: two
              image: %s:%s
              gates: [ecsTasks]
        """
            .formatted(REGION, CLUSTER, SERVICE, template, image, first, image, second));
    return new SpecLoader().load(file).get(0);
  }

  private RolloutStatus roll(Rollout rollout) throws Exception {
    AwsCallTally tally = new AwsCallTally();
    return MotoRolloutFixture.of(moto, rollout)
        .run(moto.settings().withListener(tally), tally)
        .toTheEnd();
  }

  private TaskDefinitionSpec described(String arn) {
    try (AwsProviders aws = AwsProviders.open(moto.settings())) {
      return aws.providers().ecs().describeTaskDefinition(REGION, arn).orElseThrow().spec();
    }
  }

  private static ObjectNode withoutImageAndTags(TaskDefinitionSpec td) {
    ObjectNode json = td.json();
    json.remove("tags");
    ((ObjectNode) json.get("containerDefinitions").get(0)).remove("image");
    return json;
  }

  private int desiredCount() {
    return moto.client(EcsClient.class, EcsClient::builder)
        .describeServices(r -> r.cluster(CLUSTER).services(SERVICE))
        .services()
        .get(0)
        .desiredCount();
  }

  private void assertEveryRevisionIsTheLiveOneButForTheImage(RolloutStatus end) {
    TaskDefinitionSpec live = described(liveArn);
    assertThat(end.revisions()).isNotEmpty();
    for (String arn : end.revisions().values()) {
      TaskDefinitionSpec registered = described(arn);
      assertThat(withoutImageAndTags(registered)).isEqualTo(withoutImageAndTags(live));
      assertThat(registered.tags()).containsEntry("team", "ml");
      assertThat(registered.container("api").secrets()).containsKeys("DB_PASSWORD", "API_TOKEN");
      assertThat(registered.container("log-router").secrets()).containsKey("LOG_TOKEN");
    }
  }

  @Test
  void aSpecWithoutTemplateChangesOnlyTheImageAndKeepsTheCount(@TempDir Path dir) throws Exception {
    RolloutStatus end = roll(spec(dir, "", "simple", "hybrid"));

    assertThat(end.phase()).as(end.message()).isEqualTo(StatusPhase.Healthy);
    assertThat(end.baseline()).isEqualTo(liveArn);
    assertEveryRevisionIsTheLiveOneButForTheImage(end);
    assertThat(described(end.revisions().get("two")).container("api").image())
        .isEqualTo(image + ":hybrid");
    assertThat(desiredCount()).isEqualTo(3);
  }

  @Test
  void theExportedLiveRevisionAsFromFileKeepsEveryFieldToo(@TempDir Path dir) throws Exception {
    var exported =
        moto.client(EcsClient.class, EcsClient::builder)
            .describeTaskDefinition(r -> r.taskDefinition(liveArn).includeWithStrings("TAGS"));
    Path file = dir.resolve("live.json");
    try (AwsProviders aws = AwsProviders.open(moto.settings())) {
      Files.writeString(
          file,
          Json.mapper()
              .writeValueAsString(
                  Map.of(
                      "taskDefinition",
                      aws.providers()
                          .ecs()
                          .describeTaskDefinition(REGION, liveArn)
                          .orElseThrow()
                          .spec()
                          .json())));
    }
    assertThat(exported.tags()).isNotEmpty();

    RolloutStatus end = roll(spec(dir, "template: {fromFile: live.json}", "simple", "hybrid"));

    assertThat(end.phase()).as(end.message()).isEqualTo(StatusPhase.Healthy);
    assertEveryRevisionIsTheLiveOneButForTheImage(end);
    assertThat(desiredCount()).isEqualTo(3);
  }

  @Test
  void aFailedFirstPhaseReturnsToTheLiveRevisionAndThreeTasks(@TempDir Path dir) throws Exception {
    RolloutStatus end = roll(spec(dir, "", MotoServer.FAILING_IMAGE_MARK + "-crash", "hybrid"));

    assertThat(end.phase()).as(end.message()).isEqualTo(StatusPhase.Degraded);
    var service =
        moto.client(EcsClient.class, EcsClient::builder)
            .describeServices(r -> r.cluster(CLUSTER).services(SERVICE))
            .services()
            .get(0);
    assertThat(service.taskDefinition()).isEqualTo(liveArn);
    assertThat(service.desiredCount()).isEqualTo(3);
  }

  @Test
  void underAutoScalingNoPhaseChangesTheCount(@TempDir Path dir) throws Exception {
    moto.client(EcsClient.class, EcsClient::builder)
        .updateService(r -> r.cluster(CLUSTER).service(SERVICE).desiredCount(4));
    moto.client(ApplicationAutoScalingClient.class, ApplicationAutoScalingClient::builder)
        .registerScalableTarget(
            r ->
                r.serviceNamespace(ServiceNamespace.ECS)
                    .scalableDimension(ScalableDimension.ECS_SERVICE_DESIRED_COUNT)
                    .resourceId("service/" + CLUSTER + "/" + SERVICE)
                    .minCapacity(2)
                    .maxCapacity(6));

    RolloutStatus end = roll(spec(dir, "", "simple", "hybrid"));

    assertThat(end.phase()).as(end.message()).isEqualTo(StatusPhase.Healthy);
    assertThat(desiredCount()).isEqualTo(4);
  }

  @Test
  void noSecretReferenceReachesTheTrailOrStatus(@TempDir Path dir) throws Exception {
    AwsCallTally tally = new AwsCallTally();
    Rollout rollout =
        spec(
            dir,
            "template: {secrets: {FEATURE_KEY: arn:aws:ssm:us-east-1:123456789012:parameter/f}}",
            "simple",
            "hybrid");
    MotoRolloutFixture.Run run =
        MotoRolloutFixture.of(moto, rollout).run(moto.settings().withListener(tally), tally);
    RolloutStatus end = run.toTheEnd();

    assertThat(end.phase()).as(end.message()).isEqualTo(StatusPhase.Healthy);
    assertThat(described(end.revisions().get("one")).container("api").secrets())
        .containsEntry("FEATURE_KEY", "arn:aws:ssm:us-east-1:123456789012:parameter/f");
    String everything =
        Json.mapper().writeValueAsString(end) + Json.mapper().writeValueAsString(run.trail);
    assertThat(everything).doesNotContain("arn:aws:ssm").doesNotContain("arn:aws:secretsmanager");
    assertThat(run.events(EventType.RolloutCompleted)).hasSize(1);
    assertThat(List.of(end.message())).noneMatch(m -> m.contains("arn:aws:s"));
  }
}
