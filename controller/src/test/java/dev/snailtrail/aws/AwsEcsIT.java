package dev.snailtrail.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.snailtrail.moto.MotoServer;
import dev.snailtrail.provider.ClusterStatus;
import dev.snailtrail.provider.DeploymentRolloutState;
import dev.snailtrail.provider.DeploymentStatus;
import dev.snailtrail.provider.Ecs;
import dev.snailtrail.provider.Ecs.ServiceState;
import dev.snailtrail.provider.Ecs.TaskState;
import dev.snailtrail.provider.LaunchType;
import dev.snailtrail.provider.NetworkMode;
import dev.snailtrail.provider.ProviderException;
import dev.snailtrail.provider.ServiceRef;
import dev.snailtrail.provider.ServiceStatus;
import dev.snailtrail.provider.TaskDefinition;
import dev.snailtrail.provider.TaskDefinitionSpec;
import dev.snailtrail.provider.TaskDefinitionStatus;
import dev.snailtrail.provider.TaskStatus;
import dev.snailtrail.provider.TaskStopCode;
import dev.snailtrail.rollout.ContentHash;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;

@ExtendWith(MotoServer.Extension.class)
class AwsEcsIT {

  private static final String REGION = MotoServer.REGION;
  private static final String CLUSTER = "shine-ml-cluster";

  private static AwsProviders aws;
  private static Ecs ecs;
  private MotoServer moto;
  private EcsClient sdk;
  private String subnet;
  private String securityGroup;

  @BeforeAll
  static void open() {
    aws = AwsProviders.open(MotoServer.get().settings());
    ecs = aws.providers().ecs();
  }

  @AfterAll
  static void close() {
    aws.close();
  }

  @BeforeEach
  void cluster(MotoServer server) {
    moto = server;
    sdk = moto.client(EcsClient.class, EcsClient::builder);
    sdk.createCluster(r -> r.clusterName(CLUSTER));
    Ec2Client ec2 = moto.client(Ec2Client.class, Ec2Client::builder);
    String vpc = ec2.createVpc(r -> r.cidrBlock("10.0.0.0/16")).vpc().vpcId();
    subnet = ec2.createSubnet(r -> r.vpcId(vpc).cidrBlock("10.0.1.0/24")).subnet().subnetId();
    securityGroup =
        ec2.createSecurityGroup(r -> r.groupName("tasks").description("tasks").vpcId(vpc))
            .groupId();
  }

  @Test
  void describesAnExistingClusterAndReportsAMissingOneAsAbsent() {
    Optional<Ecs.ClusterState> cluster = ecs.describeCluster(REGION, CLUSTER);

    assertThat(cluster).isPresent();
    assertThat(cluster.get().name()).isEqualTo(CLUSTER);
    assertThat(cluster.get().status()).isEqualTo(ClusterStatus.ACTIVE);
    assertThat(cluster.get().arn()).contains(":cluster/" + CLUSTER);
    assertThat(ecs.describeCluster(REGION, "no-such-cluster")).isEmpty();
  }

  @Test
  void registersATaskDefinitionAndDescribesItBackWithItsContentHashTag() {
    TaskDefinitionSpec spec = spec("shine-api-gateway", "repo/api:simple", Map.of("MODE", "basic"));

    TaskDefinition registered = ecs.registerTaskDefinition(REGION, spec);

    assertThat(registered.family()).isEqualTo("shine-api-gateway");
    assertThat(registered.revision()).isEqualTo(1);
    assertThat(registered.arn()).endsWith(":task-definition/shine-api-gateway:1");
    TaskDefinition described =
        ecs.describeTaskDefinition(REGION, "shine-api-gateway:1").orElseThrow();
    assertThat(described.status()).isEqualTo(TaskDefinitionStatus.ACTIVE);
    assertThat(described.spec().tags())
        .containsEntry(TaskDefinitionSpec.HASH_TAG, ContentHash.of(spec))
        .containsEntry("team", "shine");
    TaskDefinitionSpec.ContainerDefinition api = described.spec().container("api");
    assertThat(api.image()).isEqualTo("repo/api:simple");
    assertThat(api.environment()).containsEntry("MODE", "basic");
    assertThat(api.portMappings()).extracting(Ecs.PortMapping::containerPort).containsExactly(5000);
    assertThat(api.healthCheck().command())
        .containsExactly("CMD-SHELL", "curl -f localhost:5000/health");
    assertThat(api.logDriver()).isEqualTo("awslogs");
    assertThat(api.logOptions()).containsEntry("awslogs-group", "/ecs/shine");
    assertThat(described.spec().cpu()).isEqualTo("512");
    assertThat(described.spec().memory()).isEqualTo("1024");
    assertThat(described.spec().networkMode()).isEqualTo(NetworkMode.AWSVPC);
    assertThat(ecs.describeTaskDefinition(REGION, registered.arn())).contains(described);
  }

  @Test
  void describingAnUnknownTaskDefinitionIsEmpty() {
    assertThat(ecs.describeTaskDefinition(REGION, "never-registered:3")).isEmpty();
  }

  @Test
  void aFamilyAloneIsDescribedAsItsNewestRevisionWithItsContentHash() {
    TaskDefinitionSpec simple = spec("newest-family", "repo/api:simple", Map.of());
    TaskDefinitionSpec hybrid = spec("newest-family", "repo/api:hybrid", Map.of());
    assertThat(ecs.describeTaskDefinition(REGION, "newest-family")).isEmpty();

    ecs.registerTaskDefinition(REGION, simple);
    TaskDefinition second = ecs.registerTaskDefinition(REGION, hybrid);

    TaskDefinition newest = ecs.describeTaskDefinition(REGION, "newest-family").orElseThrow();
    assertThat(newest.arn()).isEqualTo(second.arn());
    assertThat(newest.status()).isEqualTo(TaskDefinitionStatus.ACTIVE);
    assertThat(newest.spec().tags())
        .containsEntry(TaskDefinitionSpec.HASH_TAG, ContentHash.of(hybrid));
  }

  @Test
  void findsTheRevisionRegisteredFromTheSameContentInsteadOfRegisteringAgain() {
    TaskDefinitionSpec simple = spec("shine-api-gateway", "repo/api:simple", Map.of());
    TaskDefinitionSpec hybrid = spec("shine-api-gateway", "repo/api:hybrid", Map.of());
    assertThat(ecs.findTaskDefinitionByHash(REGION, "shine-api-gateway", ContentHash.of(simple)))
        .isEmpty();

    TaskDefinition first = ecs.registerTaskDefinition(REGION, simple);
    TaskDefinition second = ecs.registerTaskDefinition(REGION, hybrid);
    // The same content again (a new spec object, other tags): found, so nobody registers it anew.
    TaskDefinitionSpec simpleAgain =
        TaskDefinitionSpec.of(
            simple.family(),
            simple.containers(),
            simple.cpu(),
            simple.memory(),
            simple.networkMode(),
            simple.requiresCompatibilities(),
            simple.executionRoleArn(),
            simple.taskRoleArn(),
            Map.of("owner", "someone-else"));

    assertThat(
            ecs.findTaskDefinitionByHash(REGION, "shine-api-gateway", ContentHash.of(simpleAgain))
                .map(TaskDefinition::arn))
        .contains(first.arn());
    assertThat(
            ecs.findTaskDefinitionByHash(REGION, "shine-api-gateway", ContentHash.of(hybrid))
                .map(TaskDefinition::arn))
        .contains(second.arn());
    assertThat(ecs.findTaskDefinitionByHash(REGION, "other-family", ContentHash.of(simple)))
        .isEmpty();
    assertThat(
            sdk.listTaskDefinitions(r -> r.familyPrefix("shine-api-gateway")).taskDefinitionArns())
        .hasSize(2);
  }

  @Test
  void describesServicesInBatchesAndLeavesMissingOnesOut() {
    TaskDefinition td = ecs.registerTaskDefinition(REGION, spec("batch", "repo/api:1", Map.of()));
    List<String> names = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      String name = "svc-" + i;
      names.add(name);
      sdk.createService(
          r ->
              r.cluster(CLUSTER)
                  .serviceName(name)
                  .taskDefinition(td.arn())
                  .desiredCount(0)
                  .launchType(software.amazon.awssdk.services.ecs.model.LaunchType.FARGATE)
                  .networkConfiguration(
                      n ->
                          n.awsvpcConfiguration(
                              a -> a.subnets(subnet).securityGroups(securityGroup))));
    }
    names.add("svc-missing");

    Map<String, ServiceState> found = ecs.describeServices(REGION, CLUSTER, names);

    assertThat(found).hasSize(12).doesNotContainKey("svc-missing");
    assertThat(found.get("svc-11").taskDefinitionArn()).isEqualTo(td.arn());
    assertThat(found.get("svc-11").ref()).isEqualTo(new ServiceRef(REGION, CLUSTER, "svc-11"));
    assertThat(ecs.describeService(new ServiceRef(REGION, CLUSTER, "svc-missing"))).isEmpty();
  }

  @Test
  void createsAServiceThenUpdatesItThroughANewPrimaryDeploymentThatCompletes() {
    ServiceRef ref = new ServiceRef(REGION, CLUSTER, "shine-api-gateway");
    TaskDefinition simple =
        ecs.registerTaskDefinition(REGION, spec("shine-api-gateway", "repo/api:simple", Map.of()));
    TaskDefinition hybrid =
        ecs.registerTaskDefinition(REGION, spec("shine-api-gateway", "repo/api:hybrid", Map.of()));

    ServiceState created =
        ecs.createService(
            new Ecs.CreateServiceRequest(
                ref,
                simple.arn(),
                2,
                LaunchType.FARGATE,
                new Ecs.NetworkConfig(List.of(subnet), List.of(securityGroup), true),
                List.of()));

    assertThat(created.status()).isEqualTo(ServiceStatus.ACTIVE);
    assertThat(created.taskDefinitionArn()).isEqualTo(simple.arn());
    assertThat(created.launchType()).isEqualTo(LaunchType.FARGATE);
    assertThat(created.network().subnets()).containsExactly(subnet);
    assertThat(created.network().assignPublicIp()).isTrue();
    ServiceState steady = eventually(() -> completed(ref, simple.arn()));
    assertThat(steady.runningCount()).isEqualTo(2);

    ServiceState updated = ecs.updateService(ref, hybrid.arn(), 3);

    assertThat(updated.taskDefinitionArn()).isEqualTo(hybrid.arn());
    assertThat(updated.desiredCount()).isEqualTo(3);
    ServiceState rolling = ecs.describeService(ref).orElseThrow();
    assertThat(rolling.deployments()).hasSize(2);
    assertThat(rolling.primary().orElseThrow().taskDefinitionArn()).isEqualTo(hybrid.arn());
    assertThat(rolling.primary().orElseThrow().rolloutState())
        .isEqualTo(DeploymentRolloutState.IN_PROGRESS);
    assertThat(rolling.deployments().get(1).status()).isEqualTo(DeploymentStatus.ACTIVE);
    assertThat(rolling.deployments().get(1).taskDefinitionArn()).isEqualTo(simple.arn());

    ServiceState done = eventually(() -> completed(ref, hybrid.arn()));
    assertThat(done.deployments()).hasSize(1);
    assertThat(done.runningCount()).isEqualTo(3);
    assertThat(done.events()).isNotEmpty();
    assertThat(done.events().get(0).message()).contains("steady state");

    List<TaskState> running = ecs.listTasks(ref, false);
    assertThat(running).hasSize(3);
    assertThat(running)
        .allSatisfy(
            t -> {
              assertThat(t.taskDefinitionArn()).isEqualTo(hybrid.arn());
              assertThat(t.lastStatus()).isEqualTo(TaskStatus.RUNNING);
              assertThat(t.privateIp()).startsWith("10.");
            });
    List<TaskState> all = ecs.listTasks(ref, true);
    assertThat(all).hasSize(5);
    assertThat(all)
        .filteredOn(t -> t.lastStatus() == TaskStatus.STOPPED)
        .hasSize(2)
        .allSatisfy(
            t -> {
              assertThat(t.taskDefinitionArn()).isEqualTo(simple.arn());
              assertThat(t.stopCode()).isEqualTo(TaskStopCode.SERVICE_SCHEDULER_INITIATED);
              assertThat(t.stoppedReason()).contains("Scaling activity");
            });
  }

  @Test
  void aServiceIsDescribedWithItsTagsAndTaggedThroughItsArn() {
    ServiceRef ref = new ServiceRef(REGION, CLUSTER, "tagged");
    TaskDefinition td = ecs.registerTaskDefinition(REGION, spec("tagged", "repo/api:1", Map.of()));
    ServiceState created =
        ecs.createService(
            new Ecs.CreateServiceRequest(
                ref,
                td.arn(),
                1,
                LaunchType.FARGATE,
                new Ecs.NetworkConfig(List.of(subnet), List.of(securityGroup), true),
                List.of()));
    assertThat(created.tags()).as("CreateService's answer does not say").isNull();
    assertThat(ecs.describeService(ref).orElseThrow().tags()).isEmpty();

    ecs.tagService(REGION, created.arn(), Map.of("snailtrail.dev/rollout", "tagged"));

    assertThat(ecs.describeService(ref).orElseThrow().tags())
        .containsExactly(Map.entry("snailtrail.dev/rollout", "tagged"));
    assertThat(ecs.serviceTags(REGION, created.arn()))
        .containsExactly(Map.entry("snailtrail.dev/rollout", "tagged"));
  }

  @Test
  void aDeploymentWhoseTasksNeverStartEndsFailed() {
    ServiceRef ref = new ServiceRef(REGION, CLUSTER, "doomed");
    TaskDefinition good =
        ecs.registerTaskDefinition(REGION, spec("doomed", "repo/api:simple", Map.of()));
    TaskDefinition bad =
        ecs.registerTaskDefinition(
            REGION, spec("doomed", "repo/api:" + MotoServer.FAILING_IMAGE_MARK, Map.of()));
    ecs.createService(
        new Ecs.CreateServiceRequest(
            ref,
            good.arn(),
            1,
            LaunchType.FARGATE,
            new Ecs.NetworkConfig(List.of(subnet), List.of(securityGroup), false),
            List.of()));
    eventually(() -> completed(ref, good.arn()));

    ecs.updateService(ref, bad.arn(), 1);

    Ecs.Deployment failed =
        eventually(
            () ->
                ecs.describeService(ref)
                    .flatMap(ServiceState::primary)
                    .filter(d -> d.rolloutState() == DeploymentRolloutState.FAILED));
    assertThat(failed.taskDefinitionArn()).isEqualTo(bad.arn());
    assertThat(failed.rolloutStateReason()).contains("circuit breaker");
    assertThat(ecs.listTasks(ref, false))
        .extracting(TaskState::taskDefinitionArn)
        .containsExactly(good.arn());
  }

  @Test
  void listsAndDescribesTasksStartedForAService() {
    ServiceRef ref = new ServiceRef(REGION, CLUSTER, "worker");
    // moto's RunTask needs a container-level memory, which the controller never sets.
    String tdArn =
        sdk.registerTaskDefinition(
                r ->
                    r.family("worker")
                        .networkMode("awsvpc")
                        .requiresCompatibilitiesWithStrings("FARGATE")
                        .cpu("256")
                        .memory("512")
                        .containerDefinitions(
                            ContainerDefinition.builder()
                                .name("api")
                                .image("repo/worker:1")
                                .memory(512)
                                .essential(true)
                                .build()))
            .taskDefinition()
            .taskDefinitionArn();
    ecs.createService(
        new Ecs.CreateServiceRequest(
            ref,
            tdArn,
            0,
            LaunchType.FARGATE,
            new Ecs.NetworkConfig(List.of(subnet), List.of(securityGroup), false),
            List.of()));
    List<String> started =
        sdk
            .runTask(
                r ->
                    r.cluster(CLUSTER)
                        .taskDefinition(tdArn)
                        .count(2)
                        .group("service:worker")
                        .launchType(software.amazon.awssdk.services.ecs.model.LaunchType.FARGATE)
                        .networkConfiguration(
                            n ->
                                n.awsvpcConfiguration(
                                    a -> a.subnets(subnet).securityGroups(securityGroup))))
            .tasks()
            .stream()
            .map(t -> t.taskArn())
            .toList();
    sdk.stopTask(r -> r.cluster(CLUSTER).task(started.get(0)).reason("Essential container exited"));

    List<TaskState> running = ecs.listTasks(ref, false);
    List<TaskState> all = ecs.listTasks(ref, true);

    assertThat(running).extracting(TaskState::taskArn).containsExactly(started.get(1));
    TaskState task = running.get(0);
    assertThat(task.launchType()).isEqualTo(LaunchType.FARGATE);
    assertThat(task.containers()).extracting(Ecs.ContainerState::name).containsExactly("api");
    assertThat(task.containers().get(0).image()).isEqualTo("repo/worker:1");
    assertThat(task.privateIp()).isNotBlank();
    assertThat(all).extracting(TaskState::taskArn).containsExactlyInAnyOrderElementsOf(started);
    TaskState stopped =
        all.stream().filter(t -> t.taskArn().equals(started.get(0))).findFirst().orElseThrow();
    assertThat(stopped.lastStatus()).isEqualTo(TaskStatus.STOPPED);
    assertThat(stopped.stoppedReason()).isEqualTo("Essential container exited");
    assertThatThrownBy(() -> ecs.listTasks(new ServiceRef(REGION, CLUSTER, "other"), true))
        .isInstanceOfSatisfying(
            ProviderException.class,
            e -> assertThat(e.kind()).isEqualTo(ProviderException.Kind.NOT_FOUND));
  }

  @Test
  void tasksUnderBridgeNetworkingReportTheHostPortsTheirContainersAreBoundTo() {
    ServiceRef ref = new ServiceRef(REGION, CLUSTER, "bridged");
    String tdArn =
        sdk.registerTaskDefinition(
                r ->
                    r.family("bridged")
                        .networkMode("bridge")
                        .requiresCompatibilitiesWithStrings("EC2")
                        .containerDefinitions(
                            ContainerDefinition.builder()
                                .name("web")
                                .image("repo/web:1")
                                .memory(256)
                                .portMappings(
                                    software.amazon.awssdk.services.ecs.model.PortMapping.builder()
                                        .containerPort(8080)
                                        .hostPort(0)
                                        .build())
                                .build()))
            .taskDefinition()
            .taskDefinitionArn();
    sdk.createService(
        r ->
            r.cluster(CLUSTER)
                .serviceName("bridged")
                .taskDefinition(tdArn)
                .desiredCount(2)
                .launchType(software.amazon.awssdk.services.ecs.model.LaunchType.EC2));
    eventually(() -> completed(ref, tdArn));

    List<TaskState> running = ecs.listTasks(ref, false);

    // As ECS reports them, and as preflight's network bindings check reads them.
    assertThat(running).hasSize(2);
    assertThat(running)
        .flatExtracting(t -> t.containers().get(0).networkBindings())
        .hasSize(2)
        .allSatisfy(
            b -> {
              assertThat(b.containerPort()).isEqualTo(8080);
              assertThat(b.hostPort()).isGreaterThanOrEqualTo(32768);
            })
        .extracting(Ecs.PortMapping::hostPort)
        .doesNotHaveDuplicates();
  }

  private Optional<ServiceState> completed(ServiceRef ref, String taskDefinitionArn) {
    return ecs.describeService(ref)
        .filter(
            s ->
                s.primary()
                    .map(
                        d ->
                            d.taskDefinitionArn().equals(taskDefinitionArn)
                                && d.rolloutState() == DeploymentRolloutState.COMPLETED)
                    .orElse(false));
  }

  private static <T> T eventually(Supplier<Optional<T>> probe) {
    long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    while (System.nanoTime() < deadline) {
      Optional<T> value = probe.get();
      if (value.isPresent()) {
        return value.get();
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted", e);
      }
    }
    throw new AssertionError("condition not reached within 15 s");
  }

  /** A spec tagged with its content hash, as the reconciler registers it. */
  static TaskDefinitionSpec spec(String family, String image, Map<String, String> env) {
    return ContentHash.tagged(
        TaskDefinitionSpec.of(
            family,
            List.of(
                new TaskDefinitionSpec.ContainerDefinition(
                    "api",
                    image,
                    true,
                    List.of(new Ecs.PortMapping(5000, 5000, "tcp")),
                    env,
                    new TaskDefinitionSpec.HealthCheck(
                        List.of("CMD-SHELL", "curl -f localhost:5000/health"), 30, 5, 3, 10),
                    "awslogs",
                    Map.of("awslogs-group", "/ecs/shine", "awslogs-region", REGION))),
            "512",
            "1024",
            NetworkMode.AWSVPC,
            List.of("FARGATE"),
            null,
            null,
            Map.of("team", "shine")));
  }
}
