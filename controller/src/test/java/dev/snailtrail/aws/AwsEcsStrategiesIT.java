package dev.snailtrail.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.snailtrail.moto.MotoServer;
import dev.snailtrail.provider.DeploymentRolloutState;
import dev.snailtrail.provider.DeploymentStrategy;
import dev.snailtrail.provider.DeploymentStrategy.Kind;
import dev.snailtrail.provider.DeploymentStrategy.LifecycleHook;
import dev.snailtrail.provider.DeploymentStrategy.Stage;
import dev.snailtrail.provider.Ecs;
import dev.snailtrail.provider.Ecs.ServiceState;
import dev.snailtrail.provider.LaunchType;
import dev.snailtrail.provider.LoadBalancing;
import dev.snailtrail.provider.LoadBalancing.WeightedTargetGroup;
import dev.snailtrail.provider.ProviderException;
import dev.snailtrail.provider.ServiceDeploymentState;
import dev.snailtrail.provider.ServiceDeploymentState.Status;
import dev.snailtrail.provider.ServiceRef;
import dev.snailtrail.provider.TaskDefinition;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.DeploymentConfiguration;
import software.amazon.awssdk.services.elasticloadbalancingv2.ElasticLoadBalancingV2Client;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.Action;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.ActionTypeEnum;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.ProtocolEnum;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.RuleCondition;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.TargetTypeEnum;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * ECS's own blue/green, linear and canary deployments through the adapter, over the wire on moto
 * (whose launcher runs them, see {@code moto/strategies.py}): the strategy set by UpdateService and
 * read back, the production rule's weights stepping, the lifecycle hook deciding (the shipped
 * dead-man's switch among them), and StopServiceDeployment rolling back.
 */
@ExtendWith(MotoServer.Extension.class)
@Timeout(60)
class AwsEcsStrategiesIT {

  private static final String REGION = MotoServer.REGION;
  private static final String CLUSTER = "shine-ml-cluster";
  private static final String HOOK_ROLE = "arn:aws:iam::123456789012:role/snailtrail-hook-invoke";
  private static final String ELB_ROLE = "arn:aws:iam::123456789012:role/ecs-infrastructure";
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private static AwsProviders aws;
  private static Ecs ecs;
  private static LoadBalancing elb;
  private EcsClient sdk;
  private String subnet;
  private String securityGroup;
  private String blueGroup;
  private String greenGroup;
  private Ecs.BlueGreenRouting routing;
  @TempDir Path dir;

  @BeforeAll
  static void open() {
    aws = AwsProviders.open(MotoServer.get().settings());
    ecs = aws.providers().ecs();
    elb = aws.providers().loadBalancing();
  }

  @AfterAll
  static void close() {
    aws.close();
  }

  @BeforeEach
  void world(MotoServer moto) {
    sdk = moto.client(EcsClient.class, EcsClient::builder);
    sdk.createCluster(r -> r.clusterName(CLUSTER));
    Ec2Client ec2 = moto.client(Ec2Client.class, Ec2Client::builder);
    ElasticLoadBalancingV2Client lb =
        moto.client(ElasticLoadBalancingV2Client.class, ElasticLoadBalancingV2Client::builder);
    String vpc = ec2.createVpc(r -> r.cidrBlock("10.0.0.0/16")).vpc().vpcId();
    subnet =
        ec2.createSubnet(r -> r.vpcId(vpc).cidrBlock("10.0.1.0/24").availabilityZone("us-east-1a"))
            .subnet()
            .subnetId();
    String other =
        ec2.createSubnet(r -> r.vpcId(vpc).cidrBlock("10.0.2.0/24").availabilityZone("us-east-1b"))
            .subnet()
            .subnetId();
    securityGroup =
        ec2.createSecurityGroup(r -> r.groupName("tasks").description("tasks").vpcId(vpc))
            .groupId();
    String alb =
        lb.createLoadBalancer(r -> r.name("shine-alb").subnets(subnet, other))
            .loadBalancers()
            .get(0)
            .loadBalancerArn();
    blueGroup = targetGroup(lb, vpc, "shine-blue");
    greenGroup = targetGroup(lb, vpc, "shine-green");
    String listener =
        lb.createListener(
                r ->
                    r.loadBalancerArn(alb)
                        .protocol(ProtocolEnum.HTTP)
                        .port(80)
                        .defaultActions(to()))
            .listeners()
            .get(0)
            .listenerArn();
    String production = rule(lb, listener, 10, "/*");
    String test = rule(lb, listener, 5, "/test/*");
    routing = new Ecs.BlueGreenRouting(greenGroup, production, test, ELB_ROLE);
  }

  @Test
  void aCanaryDeploymentIsSetReadBackAndShiftsTheProductionRuleInStepsToGreen() throws Exception {
    ServiceRef ref = new ServiceRef(REGION, CLUSTER, "canary");
    TaskDefinition blue = register("canary", "repo/api:simple");
    TaskDefinition green = register("canary", "repo/api:hybrid");
    ServiceState rolling = createAndSettle(ref, blue);
    // Settings of deploymentConfiguration beside the strategy, which the update must keep.
    sdk.updateService(
        r ->
            r.cluster(CLUSTER)
                .service("canary")
                .deploymentConfiguration(
                    c ->
                        c.deploymentCircuitBreaker(cb -> cb.enable(true).rollback(false))
                            .maximumPercent(200)
                            .minimumHealthyPercent(100)));
    assertThat(rolling.strategy()).isEqualTo(DeploymentStrategy.ROLLING);
    assertThat(rolling.loadBalancers())
        .extracting(Ecs.LoadBalancerBinding::blueGreen)
        .containsExactly(routing);
    assertThat(ecs.describeServiceDeployment(REGION, rolling.currentServiceDeployment()))
        .map(ServiceDeploymentState::status)
        .contains(Status.SUCCESSFUL);
    answer("SUCCEEDED");
    LifecycleHook hook =
        hook(
            MotoServer.SCRIPTED_HOOK,
            List.of(Stage.POST_TEST_TRAFFIC_SHIFT, Stage.POST_PRODUCTION_TRAFFIC_SHIFT),
            "canary");
    DeploymentStrategy canary =
        new DeploymentStrategy(
            Kind.CANARY, 10, Duration.ofMinutes(2), Duration.ofMinutes(1), List.of(hook));

    ServiceState updated = ecs.updateService(ref, green.arn(), 2, canary);

    assertThat(updated.taskDefinitionArn()).isEqualTo(green.arn());
    ServiceState read = ecs.describeService(ref).orElseThrow();
    assertThat(read.strategy()).isEqualTo(canary);
    String deployment = read.currentServiceDeployment();
    assertThat(deployment)
        .startsWith("arn:aws:ecs:" + REGION + ":123456789012:service-deployment/" + CLUSTER)
        .contains("/canary/")
        .isNotEqualTo(rolling.currentServiceDeployment());
    DeploymentConfiguration live = liveConfiguration("canary");
    assertThat(live.deploymentCircuitBreaker().enable()).isTrue();
    assertThat(live.deploymentCircuitBreaker().rollback()).isFalse();
    assertThat(live.maximumPercent()).isEqualTo(200);
    assertThat(live.minimumHealthyPercent()).isEqualTo(100);
    assertThat(live.canaryConfiguration().canaryBakeTimeInMinutes()).isEqualTo(2);
    assertThat(live.bakeTimeInMinutes()).isEqualTo(1);

    Watch watch = watch(deployment, shifted -> false);

    assertThat(watch.last.status()).isEqualTo(Status.SUCCESSFUL);
    assertThat(watch.greenWeights).as("green's share of production").containsExactly(0, 10, 100);
    assertThat(watch.stages)
        .containsSubsequence(
            Stage.SCALE_UP, Stage.PRODUCTION_TRAFFIC_SHIFT, Stage.BAKE_TIME, Stage.CLEAN_UP);
    assertThat(elb.forwardWeights(REGION, routing.testListenerRule()))
        .containsExactly(
            new WeightedTargetGroup(blueGroup, 0), new WeightedTargetGroup(greenGroup, 100));
    List<JsonNode> events = hookEvents();
    assertThat(events)
        .extracting(e -> e.get("lifecycleStage").asString())
        .containsExactly("POST_TEST_TRAFFIC_SHIFT", "POST_PRODUCTION_TRAFFIC_SHIFT");
    assertThat(events)
        .allSatisfy(
            e -> {
              assertThat(e.get("resourceArn").asString()).isEqualTo(deployment);
              assertThat(e.get("executionDetails").get("serviceArn").asString())
                  .isEqualTo(read.arn());
              assertThat(e.get("hookDetails").get("rollout").asString()).isEqualTo("canary");
              assertThat(e.get("hookDetails").get("silenceSeconds").asString()).isEqualTo("120");
            });
    assertThat(
            events.get(1).get("executionDetails").get("productionTrafficWeights").get(greenGroup))
        .hasToString("100");
    ServiceState done = ecs.describeService(ref).orElseThrow();
    assertThat(done.deployments()).hasSize(1);
    assertThat(done.primary().orElseThrow().rolloutState())
        .isEqualTo(DeploymentRolloutState.COMPLETED);
    assertThat(ecs.listTasks(ref, false))
        .hasSize(2)
        .allSatisfy(t -> assertThat(t.taskDefinitionArn()).isEqualTo(green.arn()));
  }

  @Test
  void aHookThatHoldsAtFullProductionTrafficThenAnswersFailedPutsEveryRequestBackOnBlue()
      throws Exception {
    ServiceRef ref = new ServiceRef(REGION, CLUSTER, "held");
    TaskDefinition blue = register("held", "repo/api:simple");
    TaskDefinition green = register("held", "repo/api:hybrid");
    createAndSettle(ref, blue);
    answer("IN_PROGRESS");
    DeploymentStrategy blueGreen =
        new DeploymentStrategy(
            Kind.BLUE_GREEN,
            0,
            Duration.ZERO,
            null,
            List.of(
                hook(
                    MotoServer.SCRIPTED_HOOK,
                    List.of(Stage.POST_PRODUCTION_TRAFFIC_SHIFT),
                    "held")));
    ecs.updateService(ref, green.arn(), 2, blueGreen);
    String deployment = ecs.describeService(ref).orElseThrow().currentServiceDeployment();

    // The hold point: all production traffic on green, blue still up, the hook asked again.
    Watch held =
        watch(
            deployment,
            w -> w.last.stage() == Stage.POST_PRODUCTION_TRAFFIC_SHIFT && hookEvents().size() >= 2);
    assertThat(held.last.status()).isEqualTo(Status.IN_PROGRESS);
    assertThat(held.greenWeights).endsWith(100);
    assertThat(hookEvents().get(1).get("hookDetails").get("asked").asString())
        .as("what the hook's IN_PROGRESS answer returned, passed back to it")
        .isEqualTo("1");
    assertThat(ecs.listTasks(ref, false)).hasSize(4);
    answer("FAILED");

    Watch after = watch(deployment, w -> false);

    assertThat(after.last.status()).isEqualTo(Status.ROLLBACK_SUCCESSFUL);
    assertThat(after.last.statusReason()).contains("FAILED");
    assertThat(elb.forwardWeights(REGION, routing.productionListenerRule()))
        .containsExactly(
            new WeightedTargetGroup(blueGroup, 100), new WeightedTargetGroup(greenGroup, 0));
    ServiceState service = ecs.describeService(ref).orElseThrow();
    assertThat(service.taskDefinitionArn()).isEqualTo(blue.arn());
    assertThat(service.primary().orElseThrow().rolloutState())
        .isEqualTo(DeploymentRolloutState.FAILED);
    assertThat(ecs.listTasks(ref, false))
        .hasSize(2)
        .allSatisfy(t -> assertThat(t.taskDefinitionArn()).isEqualTo(blue.arn()));
  }

  @Test
  void stoppingALinearDeploymentWithRollbackPutsEveryRequestBackOnBlue() {
    ServiceRef ref = new ServiceRef(REGION, CLUSTER, "linear");
    TaskDefinition blue = register("linear", "repo/api:simple");
    TaskDefinition green = register("linear", "repo/api:hybrid");
    createAndSettle(ref, blue);
    sdk.updateService(
        r ->
            r.cluster(CLUSTER)
                .service("linear")
                .deploymentConfiguration(c -> c.bakeTimeInMinutes(7)));
    // No bake of its own: the service's stays. A step bake of 4.5 minutes goes as 5.
    DeploymentStrategy linear =
        new DeploymentStrategy(Kind.LINEAR, 50, Duration.ofSeconds(270), null, List.of());
    ecs.updateService(ref, green.arn(), 2, linear);
    ServiceState read = ecs.describeService(ref).orElseThrow();
    assertThat(read.strategy())
        .isEqualTo(
            new DeploymentStrategy(
                Kind.LINEAR, 50, Duration.ofMinutes(5), Duration.ofMinutes(7), List.of()));
    String deployment = read.currentServiceDeployment();
    Watch halfway = watch(deployment, w -> w.greenWeights.contains(50));
    assertThat(halfway.last.status()).isEqualTo(Status.IN_PROGRESS);

    ecs.stopServiceDeployment(REGION, deployment, true);

    Watch after = watch(deployment, w -> false);
    assertThat(after.last.status()).isEqualTo(Status.ROLLBACK_SUCCESSFUL);
    assertThat(halfway.greenWeights).doesNotContain(100);
    assertThat(elb.forwardWeights(REGION, routing.productionListenerRule()))
        .containsExactly(
            new WeightedTargetGroup(blueGroup, 100), new WeightedTargetGroup(greenGroup, 0));
    assertThat(ecs.describeService(ref).orElseThrow().taskDefinitionArn()).isEqualTo(blue.arn());
    assertThat(ecs.listTasks(ref, false))
        .allSatisfy(t -> assertThat(t.taskDefinitionArn()).isEqualTo(blue.arn()));
  }

  @Test
  void aHookFunctionThatCannotBeInvokedRollsBackAndUnknownDeploymentsAreAbsent() {
    ServiceRef ref = new ServiceRef(REGION, CLUSTER, "orphan");
    TaskDefinition blue = register("orphan", "repo/api:simple");
    TaskDefinition green = register("orphan", "repo/api:hybrid");
    createAndSettle(ref, blue);
    DeploymentStrategy strategy =
        new DeploymentStrategy(
            Kind.BLUE_GREEN,
            0,
            Duration.ZERO,
            Duration.ZERO,
            List.of(hook("no-such-function", List.of(Stage.POST_SCALE_UP), "orphan")));
    ecs.updateService(ref, green.arn(), 2, strategy);
    String deployment = ecs.describeService(ref).orElseThrow().currentServiceDeployment();

    Watch after = watch(deployment, w -> false);

    assertThat(after.last.status()).isEqualTo(Status.ROLLBACK_SUCCESSFUL);
    assertThat(after.last.statusReason()).contains("no-such-function", "could not be invoked");
    assertThat(after.greenWeights).doesNotContain(100);
    String unknown = deployment.substring(0, deployment.lastIndexOf('/') + 1) + "0000000000";
    assertThat(ecs.describeServiceDeployment(REGION, unknown)).isEmpty();
    assertThat(
            catchThrowableOfType(
                ProviderException.class, () -> ecs.stopServiceDeployment(REGION, unknown, true)))
        .satisfies(e -> assertThat(e.kind()).isEqualTo(ProviderException.Kind.NOT_FOUND));
  }

  @Test
  void theShippedHookRollsTheDeploymentBackWhenNoControllerSpeaksForIt() {
    // The store's table exists, but no controller names a verdict for this rollout.
    assertThat(aws.createStoreTable(REGION, MotoServer.HOOK_TABLE)).as("created").isTrue();
    ServiceRef ref = new ServiceRef(REGION, CLUSTER, "unattended");
    TaskDefinition blue = register("unattended", "repo/api:simple");
    TaskDefinition green = register("unattended", "repo/api:hybrid");
    createAndSettle(ref, blue);
    LifecycleHook deadMansSwitch =
        new LifecycleHook(
            MotoServer.hookArn(MotoServer.SHIPPED_HOOK),
            HOOK_ROLE,
            List.of(Stage.POST_TEST_TRAFFIC_SHIFT, Stage.POST_PRODUCTION_TRAFFIC_SHIFT),
            Map.of("rollout", "unattended", "silenceSeconds", "2"));
    ecs.updateService(
        ref,
        green.arn(),
        2,
        new DeploymentStrategy(Kind.BLUE_GREEN, 0, Duration.ZERO, null, List.of(deadMansSwitch)));
    String deployment = ecs.describeService(ref).orElseThrow().currentServiceDeployment();
    long started = System.nanoTime();

    Watch after = watch(deployment, w -> false);

    assertThat(after.last.status()).isEqualTo(Status.ROLLBACK_SUCCESSFUL);
    assertThat(after.last.statusReason()).contains("snailtrail-hook", "FAILED");
    assertThat(Duration.ofNanos(System.nanoTime() - started))
        .as("ECS waited out the silence before it rolled back")
        .isGreaterThan(Duration.ofSeconds(2));
    assertThat(after.greenWeights).doesNotContain(100);
    assertThat(ecs.describeService(ref).orElseThrow().taskDefinitionArn()).isEqualTo(blue.arn());
  }

  /** What a deployment went through, polled until it ended or {@code until} held. */
  private static final class Watch {
    final List<Integer> greenWeights = new ArrayList<>();
    final List<Stage> stages = new ArrayList<>();
    ServiceDeploymentState last;
  }

  private Watch watch(String deployment, java.util.function.Predicate<Watch> until) {
    Watch w = new Watch();
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline) {
      w.last = ecs.describeServiceDeployment(REGION, deployment).orElseThrow();
      elb.forwardWeights(REGION, routing.productionListenerRule()).stream()
          .filter(g -> g.targetGroupArn().equals(greenGroup))
          .findFirst()
          .ifPresent(g -> addIfNew(w.greenWeights, g.weight()));
      if (w.last.stage() != null) {
        addIfNew(w.stages, w.last.stage());
      }
      if (w.last.status().ended() || until.test(w)) {
        return w;
      }
      pause();
    }
    throw new AssertionError(
        "deployment " + deployment + " still " + w.last.status() + " after 30 s at " + w.stages);
  }

  private static <T> void addIfNew(List<T> seen, T value) {
    if (seen.isEmpty() || !seen.get(seen.size() - 1).equals(value)) {
      seen.add(value);
    }
  }

  private ServiceState createAndSettle(ServiceRef ref, TaskDefinition td) {
    ecs.createService(
        new Ecs.CreateServiceRequest(
            ref,
            td.arn(),
            2,
            LaunchType.FARGATE,
            new Ecs.NetworkConfig(List.of(subnet), List.of(securityGroup), false),
            List.of(new Ecs.LoadBalancerBinding(blueGroup, "api", 5000, routing))));
    return eventually(
        () ->
            ecs.describeService(ref)
                .filter(
                    s ->
                        s.primary().map(d -> d.rolloutState()).orElse(null)
                            == DeploymentRolloutState.COMPLETED));
  }

  private LifecycleHook hook(String function, List<Stage> stages, String rollout) {
    return new LifecycleHook(
        MotoServer.hookArn(function),
        HOOK_ROLE,
        stages,
        Map.of(
            "rollout",
            rollout,
            "silenceSeconds",
            "120",
            "answerFile",
            dir.resolve("answer").toString(),
            "eventsFile",
            dir.resolve("events.jsonl").toString()));
  }

  private void answer(String hookStatus) throws IOException {
    Files.writeString(dir.resolve("answer"), hookStatus, StandardCharsets.UTF_8);
  }

  private List<JsonNode> hookEvents() {
    Path events = dir.resolve("events.jsonl");
    try {
      if (!Files.exists(events)) {
        return List.of();
      }
      return Files.readAllLines(events, StandardCharsets.UTF_8).stream()
          .filter(l -> !l.isBlank())
          .map(JSON::readTree)
          .toList();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private DeploymentConfiguration liveConfiguration(String service) {
    return sdk.describeServices(r -> r.cluster(CLUSTER).services(service))
        .services()
        .get(0)
        .deploymentConfiguration();
  }

  private static TaskDefinition register(String family, String image) {
    return ecs.registerTaskDefinition(REGION, AwsEcsIT.spec(family, image, Map.of()));
  }

  private Action to() {
    return Action.builder().type(ActionTypeEnum.FORWARD).targetGroupArn(blueGroup).build();
  }

  private String rule(ElasticLoadBalancingV2Client lb, String listener, int priority, String path) {
    return lb.createRule(
            r ->
                r.listenerArn(listener)
                    .priority(priority)
                    .conditions(RuleCondition.builder().field("path-pattern").values(path).build())
                    .actions(to()))
        .rules()
        .get(0)
        .ruleArn();
  }

  private static String targetGroup(ElasticLoadBalancingV2Client lb, String vpc, String name) {
    return lb.createTargetGroup(
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

  private static <T> T eventually(Supplier<Optional<T>> probe) {
    long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    while (System.nanoTime() < deadline) {
      Optional<T> value = probe.get();
      if (value.isPresent()) {
        return value.get();
      }
      pause();
    }
    throw new AssertionError("condition not reached within 15 s");
  }

  private static void pause() {
    try {
      Thread.sleep(50);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }
}
