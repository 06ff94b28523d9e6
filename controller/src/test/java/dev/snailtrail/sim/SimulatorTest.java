package dev.snailtrail.sim;

import static dev.snailtrail.sim.SimFixtures.REGION;
import static dev.snailtrail.sim.SimFixtures.SERVICE;
import static dev.snailtrail.sim.SimFixtures.TG;
import static dev.snailtrail.sim.SimFixtures.image;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.snailtrail.provider.CloudWatch.MetricPoint;
import dev.snailtrail.provider.DeploymentRolloutState;
import dev.snailtrail.provider.DeploymentStatus;
import dev.snailtrail.provider.Ecs.CreateServiceRequest;
import dev.snailtrail.provider.Ecs.Deployment;
import dev.snailtrail.provider.Ecs.LoadBalancerBinding;
import dev.snailtrail.provider.Ecs.NetworkConfig;
import dev.snailtrail.provider.Ecs.ServiceEvent;
import dev.snailtrail.provider.Ecs.ServiceState;
import dev.snailtrail.provider.Ecs.TaskState;
import dev.snailtrail.provider.HealthStatus;
import dev.snailtrail.provider.LaunchType;
import dev.snailtrail.provider.LoadBalancing.TargetHealth;
import dev.snailtrail.provider.Logs.LogEvent;
import dev.snailtrail.provider.ProviderException;
import dev.snailtrail.provider.TargetHealthState;
import dev.snailtrail.provider.TaskDefinition;
import dev.snailtrail.provider.TaskDefinitionSpec;
import dev.snailtrail.provider.TaskStatus;
import dev.snailtrail.provider.TaskStopCode;
import dev.snailtrail.rollout.ContentHash;
import dev.snailtrail.spec.Gate.MetricQuery;
import dev.snailtrail.time.MutableClock;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SimulatorTest {
  private static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");

  private final MutableClock clock = new MutableClock(T0);
  private final Simulator sim = new Simulator(clock);

  @AfterEach
  void close() {
    sim.close();
  }

  private TaskDefinition register(String tag) {
    return sim.registerTaskDefinition(
        REGION, Seeder.taskDefinition(SimFixtures.template(), REGION, image(tag)));
  }

  /** Seeds a world whose ECR holds every tag given, and creates the service on the first. */
  private ServiceState create(String tag, int desired, String... laterTags) {
    String[] tags = new String[laterTags.length + 1];
    tags[0] = tag;
    System.arraycopy(laterTags, 0, tags, 1, laterTags.length);
    sim.seed(SimFixtures.rollout(tags), Seed.defaults());
    TaskDefinition td = register(tag);
    return sim.createService(
        new CreateServiceRequest(
            SERVICE,
            td.arn(),
            desired,
            LaunchType.FARGATE,
            new NetworkConfig(List.of("subnet-0aaa", "subnet-0bbb"), List.of("sg-0task"), true),
            List.of(new LoadBalancerBinding(TG, "api", 5000))));
  }

  private ServiceState service() {
    return sim.describeService(SERVICE).orElseThrow();
  }

  private void advance(int seconds) {
    clock.advance(Duration.ofSeconds(seconds));
  }

  private static List<String> messages(ServiceState s) {
    return s.events().stream().map(ServiceEvent::message).toList();
  }

  @Test
  void healthyDeploymentCompletesWithRunningTasksAndHealthyTargets() {
    ServiceState created = create("simple", 2);
    assertThat(created.primary().orElseThrow().rolloutState())
        .isEqualTo(DeploymentRolloutState.IN_PROGRESS);

    advance(15);
    assertThat(sim.listTasks(SERVICE, false))
        .hasSize(2)
        .allSatisfy(t -> assertThat(t.lastStatus()).isEqualTo(TaskStatus.RUNNING));
    assertThat(service().primary().orElseThrow().rolloutState())
        .isEqualTo(DeploymentRolloutState.IN_PROGRESS);

    // 15s to RUNNING, 2s to listen, two 10s target checks: completed within 40s.
    advance(25);
    ServiceState s = service();
    Deployment primary = s.primary().orElseThrow();
    assertThat(primary.rolloutState()).isEqualTo(DeploymentRolloutState.COMPLETED);
    assertThat(primary.runningCount()).isEqualTo(2);
    assertThat(s.runningCount()).isEqualTo(2);
    assertThat(messages(s).get(0))
        .isEqualTo("(service shine-api-gateway) has reached a steady state.");
    assertThat(messages(s)).anyMatch(m -> m.contains("has started 2 tasks: (task "));
    List<TaskState> tasks = sim.listTasks(SERVICE, false);
    assertThat(tasks)
        .allSatisfy(
            t -> {
              assertThat(t.healthStatus()).isEqualTo(HealthStatus.HEALTHY);
              assertThat(t.privateIp()).startsWith("10.0.");
              assertThat(t.publicIp()).isNotNull();
              assertThat(t.containers().get(0).networkBindings()).isEmpty();
            });
    List<TargetHealth> targets = sim.providers().loadBalancing().describeTargetHealth(REGION, TG);
    assertThat(targets)
        .hasSize(2)
        .allSatisfy(t -> assertThat(t.state()).isEqualTo(TargetHealthState.HEALTHY));
    assertThat(targets)
        .extracting(TargetHealth::targetId)
        .containsExactlyInAnyOrderElementsOf(tasks.stream().map(TaskState::privateIp).toList());
    assertThat(targets).allSatisfy(t -> assertThat(t.port()).isEqualTo(5000));
  }

  @Test
  void updateServiceReplacesTasksAndRetiresTheOldDeployment() {
    create("simple", 2, "hybrid");
    advance(60);
    List<String> oldTasks = sim.listTasks(SERVICE, false).stream().map(TaskState::taskArn).toList();
    TaskDefinition next = register("hybrid");

    ServiceState updated = sim.updateService(SERVICE, next.arn(), 2);
    assertThat(updated.deployments())
        .extracting(Deployment::status)
        .startsWith(DeploymentStatus.PRIMARY, DeploymentStatus.ACTIVE);

    advance(20);
    // New tasks are up but not yet healthy in the target group: the old ones still serve.
    assertThat(sim.listTasks(SERVICE, false)).hasSize(4);

    advance(60);
    ServiceState s = service();
    assertThat(s.taskDefinitionArn()).isEqualTo(next.arn());
    assertThat(s.primary().orElseThrow().rolloutState())
        .isEqualTo(DeploymentRolloutState.COMPLETED);
    assertThat(s.deployments().get(1).status()).isEqualTo(DeploymentStatus.INACTIVE);
    List<TaskState> running = sim.listTasks(SERVICE, false);
    assertThat(running)
        .hasSize(2)
        .allSatisfy(t -> assertThat(t.taskDefinitionArn()).isEqualTo(next.arn()));
    List<TaskState> stopped =
        sim.listTasks(SERVICE, true).stream().filter(t -> oldTasks.contains(t.taskArn())).toList();
    assertThat(stopped)
        .hasSize(2)
        .allSatisfy(
            t -> {
              assertThat(t.lastStatus()).isEqualTo(TaskStatus.STOPPED);
              assertThat(t.stopCode()).isEqualTo(TaskStopCode.SERVICE_SCHEDULER_INITIATED);
            });
    assertThat(sim.providers().loadBalancing().describeTargetHealth(REGION, TG)).hasSize(2);
  }

  @Test
  void crashLoopTripsTheCircuitBreakerWhileTheBaselineKeepsServing() {
    sim.seed(SimFixtures.rollout("crashloop"), Seed.existingService("baseline"));
    ServiceState before = service();
    assertThat(before.primary().orElseThrow().rolloutState())
        .isEqualTo(DeploymentRolloutState.COMPLETED);
    TaskDefinition bad = register("crashloop");

    sim.updateService(SERVICE, bad.arn(), 2);
    advance(120);

    ServiceState s = service();
    Deployment primary = s.primary().orElseThrow();
    assertThat(primary.taskDefinitionArn()).isEqualTo(bad.arn());
    assertThat(primary.rolloutState()).isEqualTo(DeploymentRolloutState.FAILED);
    assertThat(primary.rolloutStateReason()).contains("circuit breaker");
    assertThat(primary.failedTasks()).isGreaterThanOrEqualTo(3);
    assertThat(messages(s)).anyMatch(m -> m.endsWith("deployment failed: tasks failed to start."));
    List<TaskState> crashed =
        sim.listTasks(SERVICE, true).stream()
            .filter(t -> t.taskDefinitionArn().equals(bad.arn()))
            .filter(t -> t.lastStatus() == TaskStatus.STOPPED)
            .toList();
    assertThat(crashed)
        .isNotEmpty()
        .allSatisfy(
            t -> {
              assertThat(t.stopCode()).isEqualTo(TaskStopCode.ESSENTIAL_CONTAINER_EXITED);
              assertThat(t.stoppedReason()).isEqualTo("Essential container in task exited");
              assertThat(t.containers().get(0).exitCode()).isEqualTo(1);
            });
    // The failed deployment stops launching; the baseline's tasks keep running.
    advance(300);
    assertThat(sim.listTasks(SERVICE, false))
        .hasSize(2)
        .allSatisfy(t -> assertThat(t.taskDefinitionArn()).isEqualTo(before.taskDefinitionArn()));
    assertThat(service().primary().orElseThrow().failedTasks()).isEqualTo(primary.failedTasks());
    List<LogEvent> traces =
        sim.filterLogEvents(REGION, "/ecs/shine", "?Traceback ?ERROR", T0, clock.instant(), 100);
    assertThat(traces).extracting(LogEvent::message).contains("ERROR worker crashed");
  }

  @Test
  void withoutACircuitBreakerACrashLoopStaysInProgressReplacingTasks() {
    sim.setCircuitBreaker(false);
    create("crashloop", 1);
    advance(600);
    Deployment primary = service().primary().orElseThrow();
    assertThat(primary.rolloutState()).isEqualTo(DeploymentRolloutState.IN_PROGRESS);
    assertThat(primary.failedTasks()).isGreaterThan(10);
    assertThat(sim.listTasks(SERVICE, false)).hasSize(1);
  }

  @Test
  void missingImageStopsTasksWithCannotPullContainerError() {
    create("missing", 1);
    advance(60);
    TaskState t =
        sim.listTasks(SERVICE, true).stream()
            .filter(x -> x.lastStatus() == TaskStatus.STOPPED)
            .findFirst()
            .orElseThrow();
    assertThat(t.stopCode()).isEqualTo(TaskStopCode.TASK_FAILED_TO_START);
    assertThat(t.stoppedReason())
        .startsWith("CannotPullContainerError: pull image manifest has been retried 5 time(s):")
        .endsWith("not found");
    assertThat(t.startedAt()).isNull();
    assertThat(sim.describeImage(REGION, image("missing"))).isEmpty();
  }

  @Test
  void wrongPortMakesTargetsUnhealthyNamingBothPortsAndTheEndpointAnswers502() throws Exception {
    create("port8080", 1);
    advance(60);
    List<TargetHealth> targets = sim.providers().loadBalancing().describeTargetHealth(REGION, TG);
    assertThat(targets).hasSize(1);
    TargetHealth target = targets.get(0);
    assertThat(target.state()).isEqualTo(TargetHealthState.UNHEALTHY);
    assertThat(target.reason()).isEqualTo("Target.FailedHealthChecks");
    assertThat(target.description()).contains("5000").contains("8080");
    assertThat(sim.listTasks(SERVICE, false).get(0).healthStatus())
        .isEqualTo(HealthStatus.UNHEALTHY);
    assertThat(get(sim.endpoint(SERVICE), "/health").statusCode()).isEqualTo(502);
    assertThat(
            sim.filterLogEvents(REGION, "/ecs/shine", "\"Listening on\"", T0, clock.instant(), 10))
        .extracting(LogEvent::message)
        .containsExactly("Listening on 0.0.0.0:8080");
  }

  @Test
  void mlDownAnswersDegradedOverRealHttp() throws Exception {
    create("ml-down", 1);
    URI base = sim.resolve(SERVICE, URI.create("http://shine-alb.example.com/api"));
    assertThat(base.toString()).startsWith("http://127.0.0.1:").endsWith("/api");
    assertThat(get(base, "/ml/status").statusCode()).isEqualTo(503);

    advance(60);
    HttpResponse<String> status = get(base, "/ml/status");
    assertThat(status.statusCode()).isEqualTo(200);
    assertThat(status.body())
        .isEqualTo(
            "{\"ml\":{\"state\":\"degraded\",\"reason\":\"model backend unreachable\"},\"status\":\"ok\"}");
    assertThat(get(base, "/health").body()).isEqualTo("{\"status\":\"healthy\"}");
    assertThat(sim.filterLogEvents(REGION, "/ecs/shine", "ERROR", T0, clock.instant(), 10))
        .extracting(LogEvent::message)
        .contains("ERROR ML backend unreachable; serving degraded responses");
  }

  @Test
  void healthyImagesReportReadyAndLoadTheirModel() throws Exception {
    create("full", 1);
    advance(60);
    assertThat(get(sim.endpoint(SERVICE), "/ml/status").body())
        .isEqualTo("{\"ml\":{\"state\":\"ready\"},\"status\":\"ok\"}");
    assertThat(
            sim.filterLogEvents(REGION, "/ecs/shine", "\"model loaded\"", T0, clock.instant(), 10))
        .hasSize(1);
    assertThat(
            sim.filterLogEvents(REGION, "/ecs/shine", "?ERROR ?Traceback", T0, clock.instant(), 10))
        .isEmpty();
  }

  @Test
  void unhealthyTasksAreReplacedAndCountAsFailures() {
    create("unhealthy", 2);
    advance(45);
    assertThat(sim.providers().loadBalancing().describeTargetHealth(REGION, TG))
        .allSatisfy(t -> assertThat(t.reason()).isEqualTo("Target.FailedHealthChecks"));
    advance(600);
    Deployment primary = service().primary().orElseThrow();
    assertThat(primary.rolloutState()).isEqualTo(DeploymentRolloutState.FAILED);
    assertThat(
            sim.listTasks(SERVICE, true).stream()
                .filter(t -> t.lastStatus() == TaskStatus.STOPPED)
                .map(TaskState::stoppedReason))
        .allMatch(r -> r.startsWith("Task failed ELB health checks"));
  }

  @Test
  void slowStartImagesTakeMinutesToBecomeHealthy() {
    create("slow", 1);
    advance(60);
    assertThat(service().primary().orElseThrow().rolloutState())
        .isEqualTo(DeploymentRolloutState.IN_PROGRESS);
    assertThat(sim.providers().loadBalancing().describeTargetHealth(REGION, TG).get(0).state())
        .isEqualTo(TargetHealthState.INITIAL);
    // RUNNING at 15s, listening at 105s, healthy target two checks later.
    advance(70);
    assertThat(service().primary().orElseThrow().rolloutState())
        .isEqualTo(DeploymentRolloutState.COMPLETED);
  }

  @Test
  void unknownClusterIsNotFound() {
    assertThatThrownBy(() -> sim.describeServices(REGION, "nowhere", List.of("x")))
        .isInstanceOfSatisfying(
            ProviderException.class,
            e -> assertThat(e.kind()).isEqualTo(ProviderException.Kind.NOT_FOUND));
    sim.createCluster(REGION, "empty");
    assertThat(sim.describeServices(REGION, "empty", List.of("x"))).isEmpty();
  }

  @Test
  void metricsFollowTaskHistory() {
    create("simple", 2, "ml-down");
    advance(300);
    MetricQuery latency =
        new MetricQuery(
            "AWS/ApplicationELB",
            "TargetResponseTime",
            "Average",
            Map.of("TargetGroup", "targetgroup/shine/0123456789abcdef"),
            Duration.ofMinutes(1));
    List<MetricPoint> before =
        sim.getMetricData(REGION, latency, T0.minus(Duration.ofMinutes(10)), T0);
    assertThat(before).isEmpty();
    List<MetricPoint> points = sim.getMetricData(REGION, latency, T0, T0.plusSeconds(300));
    assertThat(points).hasSize(5);
    assertThat(points).allSatisfy(p -> assertThat(p.value()).isBetween(0.05, 0.09));
    assertThat(sim.getMetricData(REGION, latency, T0, T0.plusSeconds(300))).isEqualTo(points);

    MetricQuery cpu =
        new MetricQuery(
            "AWS/ECS",
            "CPUUtilization",
            "Maximum",
            Map.of("ClusterName", SERVICE.cluster(), "ServiceName", SERVICE.service()),
            Duration.ofMinutes(1));
    assertThat(sim.getMetricData(REGION, cpu, T0, T0.plusSeconds(300))).hasSize(5);

    // Switch to an image whose ML backend is down: slower answers once it has taken over.
    TaskDefinition degraded = register("ml-down");
    sim.updateService(SERVICE, degraded.arn(), 2);
    advance(300);
    Instant takenOver = T0.plusSeconds(360);
    assertThat(sim.getMetricData(REGION, latency, takenOver, takenOver.plusSeconds(240)))
        .hasSize(4)
        .allSatisfy(p -> assertThat(p.value()).isBetween(0.115, 0.125));

    // Scaled to zero, the service has nothing left to measure.
    sim.updateService(SERVICE, degraded.arn(), 0);
    advance(600);
    Instant empty = T0.plusSeconds(660);
    assertThat(sim.getMetricData(REGION, latency, empty, empty.plusSeconds(300))).isEmpty();
  }

  @Test
  void findsTaskDefinitionsByContentHash() {
    TaskDefinitionSpec spec =
        Seeder.taskDefinition(SimFixtures.template(), REGION, image("simple"));
    TaskDefinition first = sim.registerTaskDefinition(REGION, spec);
    sim.registerTaskDefinition(
        REGION, Seeder.taskDefinition(SimFixtures.template(), REGION, image("hybrid")));
    assertThat(first.revision()).isEqualTo(1);
    assertThat(sim.findTaskDefinitionByHash(REGION, "shine-api-gateway", ContentHash.of(spec)))
        .contains(first);
    assertThat(sim.describeTaskDefinition(REGION, "shine-api-gateway:2").orElseThrow().revision())
        .isEqualTo(2);
    sim.deregisterTaskDefinition(REGION, first.arn());
    assertThat(sim.findTaskDefinitionByHash(REGION, "shine-api-gateway", ContentHash.of(spec)))
        .isEmpty();
  }

  @Test
  void seedPreparesTheWorldAndAnExistingSteadyService() {
    Seeded seeded =
        sim.seed(SimFixtures.rollout("simple", "hybrid", "missing"), Seed.existingService("v0"));

    assertThat(seeded.baselineTaskDefinitionArn()).endsWith("task-definition/shine-api-gateway:1");
    ServiceState s = service();
    assertThat(s.primary().orElseThrow().rolloutState())
        .isEqualTo(DeploymentRolloutState.COMPLETED);
    assertThat(s.runningCount()).isEqualTo(2);
    assertThat(sim.describeCluster(REGION, SERVICE.cluster()).orElseThrow().runningTasks())
        .isEqualTo(2);
    assertThat(sim.providers().loadBalancing().describeTargetHealth(REGION, TG))
        .hasSize(2)
        .allSatisfy(t -> assertThat(t.state()).isEqualTo(TargetHealthState.HEALTHY));
    assertThat(sim.describeImage(REGION, image("hybrid"))).isPresent();
    assertThat(sim.describeImage(REGION, image("v0"))).isPresent();
    assertThat(sim.describeImage(REGION, image("missing"))).isEmpty();
    assertThatThrownBy(
            () -> sim.describeImage(REGION, dev.snailtrail.spec.ImageRef.parse("nowhere:1")))
        .isInstanceOfSatisfying(
            ProviderException.class,
            e -> assertThat(e.kind()).isEqualTo(ProviderException.Kind.NOT_FOUND));
    assertThat(sim.logGroupExists(REGION, "/ecs/shine")).isTrue();
    assertThat(sim.describeAlarms(REGION, List.of("shine-5xx-high")).get("shine-5xx-high").state())
        .isEqualTo("OK");

    var tg = sim.providers().loadBalancing().describeTargetGroup(REGION, TG).orElseThrow();
    assertThat(tg.port()).isEqualTo(5000);
    assertThat(tg.healthCheckPath()).isEqualTo("/health");
    String alb = tg.loadBalancerArns().get(0);
    assertThat(sim.providers().loadBalancing().loadBalancerSecurityGroups(REGION, alb))
        .containsExactly(seeded.loadBalancerSecurityGroupId());
    var taskGroup =
        sim.providers().network().describeSecurityGroups(REGION, List.of("sg-0task")).get(0);
    assertThat(taskGroup.ingress())
        .anySatisfy(
            r -> {
              assertThat(r.admitsTcp(5000)).isTrue();
              assertThat(r.sourceGroupIds()).containsExactly(seeded.loadBalancerSecurityGroupId());
            });
    var tables = sim.providers().network().describeRouteTables(REGION, seeded.vpcId());
    assertThat(tables.get(0).routes())
        .anySatisfy(r -> assertThat(r.target()).isEqualTo(seeded.internetGatewayId()));
    assertThat(
            sim.providers()
                .network()
                .describeSubnets(REGION, List.of("subnet-0aaa", "subnet-0zzz")))
        .hasSize(1);
    // The baseline ran before the seed: its history is already in the logs.
    assertThat(sim.filterLogEvents(REGION, "/ecs/shine", "Starting", T0.minusSeconds(900), T0, 10))
        .hasSize(2);
  }

  @Test
  void scenarioOverridesImagesSchedulesAlarmsAndRemovesFixtures() {
    Seeded seeded = sim.seed(SimFixtures.rollout("simple", "full"), Seed.defaults());
    sim.applyScenario(
        """
        images:
          "shine-api-gateway:simple": crash-loop
        alarms:
          - {name: shine-5xx-high, state: ALARM, at: 5m, reason: "5xx above 1%"}
        remove:
          - securityGroupRule: {group: sg-0task, port: 5000}
          - internetGatewayRoute: {}
          - ecrImage: shine-api-gateway:full
        """);
    assertThat(
            sim.providers()
                .network()
                .describeSecurityGroups(REGION, List.of("sg-0task"))
                .get(0)
                .ingress())
        .noneMatch(r -> r.admitsTcp(5000));
    assertThat(
            sim.providers().network().describeRouteTables(REGION, seeded.vpcId()).get(0).routes())
        .noneMatch(r -> r.target().startsWith("igw-"));
    assertThat(sim.describeImage(REGION, image("full"))).isEmpty();
    assertThat(sim.describeAlarms(REGION, List.of("shine-5xx-high")).get("shine-5xx-high").state())
        .isEqualTo("OK");
    clock.advance(Duration.ofMinutes(5));
    var alarm = sim.describeAlarms(REGION, List.of("shine-5xx-high")).get("shine-5xx-high");
    assertThat(alarm.state()).isEqualTo("ALARM");
    assertThat(alarm.reason()).isEqualTo("5xx above 1%");
    assertThat(alarm.updatedAt()).isEqualTo(T0.plus(Duration.ofMinutes(5)));

    // Without the internet gateway route, a public-IP task cannot reach ECR.
    TaskDefinition td = register("simple");
    sim.createService(
        new CreateServiceRequest(
            SERVICE,
            td.arn(),
            1,
            LaunchType.FARGATE,
            new NetworkConfig(List.of("subnet-0aaa"), List.of("sg-0task"), true),
            List.of()));
    advance(60);
    assertThat(sim.listTasks(SERVICE, true).get(0).stoppedReason())
        .startsWith("CannotPullContainerError")
        .contains("i/o timeout");
  }

  @Test
  void badScenariosAreRejectedWithTheReason() {
    assertThatThrownBy(() -> sim.applyScenario("images: {\"a:b\": sideways}"))
        .hasMessageContaining("unknown image behaviour 'sideways'");
    assertThatThrownBy(() -> sim.applyScenario("weather: sunny"))
        .hasMessageContaining("unknown scenario key 'weather'");
  }

  @Test
  void unknownLogGroupIsNotFound() {
    assertThatThrownBy(() -> sim.filterLogEvents(REGION, "/nope", "", T0, T0, 10))
        .isInstanceOfSatisfying(
            ProviderException.class,
            e -> assertThat(e.kind()).isEqualTo(ProviderException.Kind.NOT_FOUND));
  }

  @Test
  void sameSeedAndClockGiveTheSameWorld() {
    try (Simulator other = new Simulator(new MutableClock(T0))) {
      create("simple", 2);
      other.seed(SimFixtures.rollout("simple"), Seed.defaults());
      TaskDefinition td =
          other.registerTaskDefinition(
              REGION, Seeder.taskDefinition(SimFixtures.template(), REGION, image("simple")));
      other.createService(
          new CreateServiceRequest(
              SERVICE,
              td.arn(),
              2,
              LaunchType.FARGATE,
              new NetworkConfig(List.of("subnet-0aaa", "subnet-0bbb"), List.of("sg-0task"), true),
              List.of(new LoadBalancerBinding(TG, "api", 5000))));
      assertThat(other.listTasks(SERVICE, true)).isEqualTo(sim.listTasks(SERVICE, true));
    }
  }

  @Test
  void aSnapshotWritesEcsValuesByTheirEcsNames() {
    create("simple", 1);

    // Snapshots outlive a restart of the controller: their text must not depend on enum names.
    assertThat(sim.snapshot())
        .contains("\"networkMode\":\"awsvpc\"")
        .contains("\"launchType\":\"FARGATE\"");
  }

  @Test
  void aSnapshotRestoresTheSameWorld() {
    sim.seed(SimFixtures.rollout("crashloop"), Seed.existingService("baseline"));
    sim.setAlarmState("shine-5xx-high", "ALARM", "5xx above 1%");
    TaskDefinition bad = register("crashloop");
    sim.updateService(SERVICE, bad.arn(), 2);
    advance(45);
    String snapshot = sim.snapshot();

    advance(300);
    try (Simulator restored = Simulator.restore(clock, snapshot)) {
      assertThat(restored.describeService(SERVICE)).isEqualTo(sim.describeService(SERVICE));
      assertThat(restored.listTasks(SERVICE, true)).isEqualTo(sim.listTasks(SERVICE, true));
      assertThat(restored.providers().loadBalancing().describeTargetHealth(REGION, TG))
          .isEqualTo(sim.providers().loadBalancing().describeTargetHealth(REGION, TG));
      assertThat(restored.filterLogEvents(REGION, "/ecs/shine", "", T0, clock.instant(), 1000))
          .isEqualTo(sim.filterLogEvents(REGION, "/ecs/shine", "", T0, clock.instant(), 1000));
      assertThat(restored.describeAlarms(REGION, List.of("shine-5xx-high")))
          .isEqualTo(sim.describeAlarms(REGION, List.of("shine-5xx-high")));
      assertThat(
              restored
                  .describeService(SERVICE)
                  .orElseThrow()
                  .primary()
                  .orElseThrow()
                  .rolloutState())
          .isEqualTo(DeploymentRolloutState.FAILED);
    }
    assertThatThrownBy(() -> Simulator.restore(clock, "{\"seed\": \"x\"}"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not a simulator snapshot");
  }

  private static HttpResponse<String> get(URI base, String path) throws Exception {
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    return client.send(
        HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(5)).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
