package dev.snailtrail.sim;

import static dev.snailtrail.sim.SimFixtures.REGION;
import static dev.snailtrail.sim.SimFixtures.SERVICE;
import static dev.snailtrail.sim.SimFixtures.TG;
import static dev.snailtrail.sim.SimFixtures.image;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.snailtrail.provider.DeploymentRolloutState;
import dev.snailtrail.provider.DeploymentStatus;
import dev.snailtrail.provider.DeploymentStrategy;
import dev.snailtrail.provider.DeploymentStrategy.Kind;
import dev.snailtrail.provider.DeploymentStrategy.LifecycleHook;
import dev.snailtrail.provider.DeploymentStrategy.Stage;
import dev.snailtrail.provider.Ecs.BlueGreenRouting;
import dev.snailtrail.provider.Ecs.Deployment;
import dev.snailtrail.provider.Ecs.ServiceState;
import dev.snailtrail.provider.Ecs.TaskState;
import dev.snailtrail.provider.LoadBalancing;
import dev.snailtrail.provider.LoadBalancing.WeightedTargetGroup;
import dev.snailtrail.provider.ProviderException;
import dev.snailtrail.provider.ServiceDeploymentState;
import dev.snailtrail.provider.ServiceDeploymentState.Status;
import dev.snailtrail.provider.TaskDefinition;
import dev.snailtrail.provider.TaskStatus;
import dev.snailtrail.sim.LifecycleHookTarget.HookAnswer;
import dev.snailtrail.sim.LifecycleHookTarget.HookInvocation;
import dev.snailtrail.time.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * ECS's blue/green, linear and canary deployments in the simulator: the stages on the clock, the
 * production rule's weights, lifecycle hooks, rollbacks and the classic deployments view.
 */
class ServiceDeploymentsTest {
  static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");
  static final String HOOK = "arn:aws:lambda:us-east-1:123456789012:function:snailtrail-hook";

  /** Every stage a hook may run at. */
  static final List<Stage> HOOKABLE = List.copyOf(ServiceDeployments.HOOKABLE);

  private final MutableClock clock = new MutableClock(T0);
  private final Simulator sim = new Simulator(clock);
  private final Script hook = new Script();
  private BlueGreenRouting routing;
  private TaskDefinition blue;

  @AfterEach
  void close() {
    sim.close();
  }

  /** A hook that answers by stage as scripted (SUCCEEDED when not) and keeps what it was asked. */
  static final class Script implements LifecycleHookTarget {
    final List<HookInvocation> asked = new ArrayList<>();
    final Map<Stage, Deque<HookAnswer>> answers = new EnumMap<>(Stage.class);

    Script answer(Stage stage, HookAnswer... in) {
      answers.put(stage, new ArrayDeque<>(List.of(in)));
      return this;
    }

    @Override
    public HookAnswer invoke(HookInvocation invocation) {
      asked.add(invocation);
      Deque<HookAnswer> q = answers.get(invocation.lifecycleStage());
      if (q == null || q.isEmpty()) {
        return HookAnswer.succeeded();
      }
      return q.size() > 1 ? q.poll() : q.peek();
    }

    List<Stage> stages() {
      return asked.stream().map(HookInvocation::lifecycleStage).distinct().toList();
    }
  }

  /**
   * The service steady on {@code baseline} (2 tasks) with blue/green routing, the images of {@code
   * tag} and {@code simple} in ECR; the new revision.
   */
  private TaskDefinition given(String tag, String testRule) {
    sim.seed(SimFixtures.rollout(tag, "simple"), Seed.existingService("baseline"));
    blue = sim.describeTaskDefinition(REGION, "shine-api-gateway:1").orElseThrow();
    routing = sim.seedBlueGreen(SERVICE, new BlueGreenRouting(null, null, testRule, null));
    sim.registerHook(HOOK, hook);
    return sim.registerTaskDefinition(
        REGION, Seeder.taskDefinition(SimFixtures.template(), REGION, image(tag)));
  }

  static DeploymentStrategy strategy(
      Kind kind, double percent, Duration stepBake, Duration bake, List<Stage> hookStages) {
    List<LifecycleHook> hooks =
        hookStages.isEmpty()
            ? List.of()
            : List.of(
                new LifecycleHook(
                    HOOK,
                    "arn:aws:iam::123456789012:role/hooks",
                    hookStages,
                    Map.of("rollout", "shine-api-gateway", "silenceSeconds", "120")));
    return new DeploymentStrategy(kind, percent, stepBake, bake, hooks);
  }

  private String deploy(TaskDefinition green, DeploymentStrategy strategy) {
    ServiceState s = sim.updateService(SERVICE, green.arn(), null, strategy);
    assertThat(s.currentServiceDeployment()).isNotNull();
    return s.currentServiceDeployment();
  }

  private ServiceState service() {
    return sim.describeService(SERVICE).orElseThrow();
  }

  private ServiceDeploymentState deployment(String arn) {
    return sim.describeServiceDeployment(REGION, arn).orElseThrow();
  }

  private LoadBalancing elb() {
    return sim.providers().loadBalancing();
  }

  /** The percent of a rule's requests that go to a target group. */
  private int weight(String rule, String targetGroup) {
    return elb().forwardWeights(REGION, rule).stream()
        .filter(g -> g.targetGroupArn().equals(targetGroup))
        .mapToInt(WeightedTargetGroup::weight)
        .sum();
  }

  /** What the deployment shows at one instant. */
  record Look(Stage stage, Status status, int weight) {}

  /**
   * Advances a second at a time until the deployment has ended (or {@code seconds} have passed),
   * keeping each change of stage, status or green's production weight, with when it was seen.
   */
  private List<Look> walk(String arn, String greenGroup, int seconds, Map<Look, Instant> when) {
    List<Look> seen = new ArrayList<>();
    for (int i = 0; i <= seconds; i++) {
      ServiceDeploymentState d = deployment(arn);
      Look look =
          new Look(d.stage(), d.status(), weight(routing.productionListenerRule(), greenGroup));
      if (seen.isEmpty() || !seen.get(seen.size() - 1).equals(look)) {
        seen.add(look);
        when.putIfAbsent(look, clock.instant());
      }
      if (d.status().ended()) {
        break;
      }
      clock.advance(Duration.ofSeconds(1));
    }
    return seen;
  }

  private List<TaskState> running() {
    return sim.listTasks(SERVICE, false).stream()
        .filter(t -> t.lastStatus() == TaskStatus.RUNNING)
        .toList();
  }

  @Test
  void aCanaryWalksEveryStageWithItsWeightsAndStopsBlueAtTheEnd() {
    TaskDefinition green = given("full", null);
    String arn =
        deploy(
            green,
            strategy(Kind.CANARY, 10, Duration.ofMinutes(2), Duration.ofMinutes(1), HOOKABLE));
    ServiceState during = service();
    assertThat(during.strategy().kind()).isEqualTo(Kind.CANARY);
    assertThat(during.strategy().hooks()).hasSize(1);
    assertThat(during.deployments())
        .extracting(Deployment::status, Deployment::rolloutState)
        .startsWith(
            org.assertj.core.groups.Tuple.tuple(
                DeploymentStatus.PRIMARY, DeploymentRolloutState.IN_PROGRESS),
            org.assertj.core.groups.Tuple.tuple(
                DeploymentStatus.ACTIVE, DeploymentRolloutState.COMPLETED));

    Map<Look, Instant> when = new java.util.HashMap<>();
    List<Look> seen = walk(arn, routing.alternateTargetGroupArn(), 600, when);

    assertThat(seen.stream().map(Look::stage).filter(s -> s != null).distinct())
        .containsExactly(
            Stage.PRE_SCALE_UP,
            Stage.SCALE_UP,
            Stage.POST_SCALE_UP,
            Stage.TEST_TRAFFIC_SHIFT,
            Stage.POST_TEST_TRAFFIC_SHIFT,
            Stage.PRODUCTION_TRAFFIC_SHIFT,
            Stage.POST_PRODUCTION_TRAFFIC_SHIFT,
            Stage.BAKE_TIME,
            Stage.CLEAN_UP);
    assertThat(seen.stream().map(Look::weight).distinct()).containsExactly(0, 10, 100);
    Instant at10 = when.get(new Look(Stage.PRODUCTION_TRAFFIC_SHIFT, Status.IN_PROGRESS, 10));
    Instant at100 = when.get(new Look(Stage.PRODUCTION_TRAFFIC_SHIFT, Status.IN_PROGRESS, 100));
    assertThat(Duration.between(at10, at100))
        .as("the canary's bake")
        .isEqualTo(Duration.ofMinutes(2));
    Instant baking = when.get(new Look(Stage.BAKE_TIME, Status.IN_PROGRESS, 100));
    Instant cleaning = when.get(new Look(Stage.CLEAN_UP, Status.IN_PROGRESS, 100));
    assertThat(Duration.between(baking, cleaning)).isEqualTo(Duration.ofMinutes(1));
    assertThat(seen.get(seen.size() - 1).status()).isEqualTo(Status.SUCCESSFUL);
    assertThat(hook.stages()).containsExactlyElementsOf(HOOKABLE.subList(1, HOOKABLE.size()));

    ServiceState after = service();
    assertThat(after.taskDefinitionArn()).isEqualTo(green.arn());
    assertThat(after.primary().orElseThrow().rolloutState())
        .isEqualTo(DeploymentRolloutState.COMPLETED);
    assertThat(after.deployments().get(1).status()).isEqualTo(DeploymentStatus.INACTIVE);
    assertThat(running())
        .hasSize(2)
        .allSatisfy(t -> assertThat(t.taskDefinitionArn()).isEqualTo(green.arn()));
    assertThat(elb().describeTargetHealth(REGION, TG)).as("blue's group, drained").isEmpty();
    assertThat(elb().describeTargetHealth(REGION, routing.alternateTargetGroupArn())).hasSize(2);
  }

  @Test
  void aHookSeesTheDeploymentTheRevisionTheWeightsAndWhatItCarriedOver() {
    TaskDefinition green = given("full", null);
    hook.answer(
        Stage.POST_PRODUCTION_TRAFFIC_SHIFT,
        HookAnswer.inProgress(20, Map.of("firstSeen", "1795428100")),
        HookAnswer.succeeded());
    String arn =
        deploy(
            green,
            strategy(
                Kind.BLUE_GREEN,
                0,
                Duration.ZERO,
                null,
                List.of(Stage.POST_PRODUCTION_TRAFFIC_SHIFT)));
    walk(arn, routing.alternateTargetGroupArn(), 600, new java.util.HashMap<>());

    assertThat(hook.asked).hasSize(2);
    HookInvocation first = hook.asked.get(0);
    HookInvocation again = hook.asked.get(1);
    assertThat(first.resourceArn()).isEqualTo(arn).contains(":service-deployment/");
    assertThat(first.serviceArn()).isEqualTo(service().arn());
    assertThat(first.targetServiceRevisionArn()).contains(":service-revision/");
    assertThat(first.productionTrafficWeights())
        .containsEntry(first.targetServiceRevisionArn(), 100)
        .containsValue(0)
        .hasSize(2);
    assertThat(first.hookDetails())
        .isEqualTo(Map.of("rollout", "shine-api-gateway", "silenceSeconds", "120"));
    assertThat(again.hookDetails()).containsEntry("firstSeen", "1795428100");
    assertThat(again.executionId()).isNotEqualTo(first.executionId());
    assertThat(deployment(arn).status()).isEqualTo(Status.SUCCESSFUL);
  }

  @Test
  void aLinearDeploymentAddsItsStepEveryStepBake() {
    TaskDefinition green = given("full", null);
    String arn = deploy(green, strategy(Kind.LINEAR, 25, Duration.ofMinutes(1), null, List.of()));
    Map<Look, Instant> when = new java.util.HashMap<>();
    List<Look> seen = walk(arn, routing.alternateTargetGroupArn(), 900, when);

    assertThat(seen.stream().map(Look::weight).distinct()).containsExactly(0, 25, 50, 75, 100);
    List<Instant> steps =
        List.of(25, 50, 75, 100).stream()
            .map(w -> when.get(new Look(Stage.PRODUCTION_TRAFFIC_SHIFT, Status.IN_PROGRESS, w)))
            .toList();
    for (int i = 1; i < steps.size(); i++) {
      assertThat(Duration.between(steps.get(i - 1), steps.get(i))).isEqualTo(Duration.ofMinutes(1));
    }
    assertThat(seen.get(seen.size() - 1).status()).isEqualTo(Status.SUCCESSFUL);
  }

  @Test
  void blueGreenMovesTestTrafficFirstThenAllProductionAtOnceAndTheNextDeploymentGoesBack() {
    String testRule =
        "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener-rule/app/shine/1/2/test";
    TaskDefinition green = given("full", testRule);
    String alternate = routing.alternateTargetGroupArn();
    assertThat(weight(testRule, TG)).isEqualTo(100);
    String arn = deploy(green, strategy(Kind.BLUE_GREEN, 0, Duration.ZERO, null, List.of()));

    Map<Look, Instant> when = new java.util.HashMap<>();
    List<Look> seen = walk(arn, alternate, 600, when);
    assertThat(seen.stream().map(Look::weight).distinct()).containsExactly(0, 100);
    assertThat(seen)
        .filteredOn(l -> l.stage() == Stage.POST_TEST_TRAFFIC_SHIFT)
        .allSatisfy(l -> assertThat(l.weight()).as("production still on blue").isZero());
    assertThat(weight(testRule, alternate)).isEqualTo(100);
    assertThat(weight(routing.productionListenerRule(), alternate)).isEqualTo(100);

    // The next deployment's green goes to the group that does not serve now: the first one.
    TaskDefinition third =
        sim.registerTaskDefinition(
            REGION, Seeder.taskDefinition(SimFixtures.template(), REGION, image("simple")));
    String next = deploy(third, strategy(Kind.BLUE_GREEN, 0, Duration.ZERO, null, List.of()));
    assertThat(next).isNotEqualTo(arn);
    walk(next, TG, 600, new java.util.HashMap<>());
    assertThat(deployment(next).status()).isEqualTo(Status.SUCCESSFUL);
    assertThat(weight(routing.productionListenerRule(), TG)).isEqualTo(100);
    assertThat(elb().describeTargetHealth(REGION, TG)).hasSize(2);
    assertThat(service().taskDefinitionArn()).isEqualTo(third.arn());
    assertThat(deployment(arn).status()).as("the first, as it ended").isEqualTo(Status.SUCCESSFUL);
  }

  @Test
  void aHookThatFailsAtPostProductionRollsBackToBlueAtOnce() {
    TaskDefinition green = given("full", null);
    hook.answer(Stage.POST_PRODUCTION_TRAFFIC_SHIFT, HookAnswer.failed("error rate 7% above 1%"));
    String arn =
        deploy(
            green,
            strategy(
                Kind.CANARY,
                10,
                Duration.ofMinutes(1),
                null,
                List.of(Stage.POST_PRODUCTION_TRAFFIC_SHIFT)));
    List<Look> seen = walk(arn, routing.alternateTargetGroupArn(), 600, new java.util.HashMap<>());

    Look rolling =
        seen.stream()
            .filter(l -> l.status() == Status.ROLLBACK_IN_PROGRESS)
            .findFirst()
            .orElseThrow();
    assertThat(rolling.weight()).as("every request on blue at once").isZero();
    assertThat(seen.get(seen.size() - 1).status()).isEqualTo(Status.ROLLBACK_SUCCESSFUL);
    ServiceDeploymentState ended = deployment(arn);
    assertThat(ended.statusReason())
        .contains(HOOK)
        .contains("POST_PRODUCTION_TRAFFIC_SHIFT")
        .contains("error rate 7% above 1%");
    assertThat(weight(routing.productionListenerRule(), TG)).isEqualTo(100);

    ServiceState s = service();
    assertThat(s.taskDefinitionArn()).isEqualTo(blue.arn());
    Deployment primary = s.primary().orElseThrow();
    assertThat(primary.taskDefinitionArn()).isEqualTo(blue.arn());
    assertThat(s.deployments())
        .filteredOn(d -> d.taskDefinitionArn().equals(green.arn()))
        .singleElement()
        .satisfies(
            d -> {
              assertThat(d.rolloutState()).isEqualTo(DeploymentRolloutState.FAILED);
              assertThat(d.status()).isEqualTo(DeploymentStatus.INACTIVE);
            });
    assertThat(running())
        .hasSize(2)
        .allSatisfy(t -> assertThat(t.taskDefinitionArn()).isEqualTo(blue.arn()));
  }

  @Test
  void greenTasksThatFailToStartRollBackBeforeAnyTrafficMoves() {
    TaskDefinition green = given("crashloop", null);
    String arn = deploy(green, strategy(Kind.CANARY, 10, Duration.ofMinutes(1), null, List.of()));
    List<Look> seen = walk(arn, routing.alternateTargetGroupArn(), 900, new java.util.HashMap<>());

    assertThat(seen.stream().map(Look::weight).distinct()).containsExactly(0);
    assertThat(seen.get(seen.size() - 1).status()).isEqualTo(Status.ROLLBACK_SUCCESSFUL);
    assertThat(deployment(arn).statusReason()).contains("circuit breaker");
    assertThat(service().taskDefinitionArn()).isEqualTo(blue.arn());
    assertThat(running()).hasSize(2);
  }

  @Test
  void aHookNobodyRegisteredRollsBackNamingIt() {
    TaskDefinition green = given("full", null);
    DeploymentStrategy st =
        strategy(Kind.BLUE_GREEN, 0, Duration.ZERO, null, List.of(Stage.PRE_SCALE_UP));
    String elsewhere = "arn:aws:lambda:us-east-1:123456789012:function:nobody";
    st =
        st.withHooks(
            List.of(new LifecycleHook(elsewhere, null, List.of(Stage.PRE_SCALE_UP), Map.of())));
    String arn = deploy(green, st);
    clock.advance(Duration.ofSeconds(30));
    assertThat(deployment(arn).status()).isEqualTo(Status.ROLLBACK_SUCCESSFUL);
    assertThat(deployment(arn).statusReason()).contains(elsewhere).contains("Function not found");
  }

  @Test
  void stoppingWithARollbackPutsEveryRequestBackOnBlue() {
    TaskDefinition green = given("full", null);
    String arn = deploy(green, strategy(Kind.CANARY, 10, Duration.ofMinutes(10), null, List.of()));
    clock.advance(Duration.ofSeconds(90));
    assertThat(deployment(arn).stage()).isEqualTo(Stage.PRODUCTION_TRAFFIC_SHIFT);
    assertThat(weight(routing.productionListenerRule(), routing.alternateTargetGroupArn()))
        .isEqualTo(10);

    sim.stopServiceDeployment(REGION, arn, true);
    assertThat(weight(routing.productionListenerRule(), TG)).isEqualTo(100);
    assertThat(deployment(arn).status()).isEqualTo(Status.ROLLBACK_IN_PROGRESS);
    assertThat(service().taskDefinitionArn()).isEqualTo(blue.arn());
    clock.advance(Duration.ofSeconds(15)); // green's targets drain
    assertThat(deployment(arn).status()).isEqualTo(Status.ROLLBACK_SUCCESSFUL);
    assertThat(running()).allSatisfy(t -> assertThat(t.taskDefinitionArn()).isEqualTo(blue.arn()));

    assertThatThrownBy(() -> sim.stopServiceDeployment(REGION, arn, true))
        .isInstanceOfSatisfying(
            ProviderException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(ProviderException.Kind.INVALID);
              assertThat(e.getMessage())
                  .contains("ROLLBACK_SUCCESSFUL")
                  .contains("not in progress");
            });
    assertThatThrownBy(() -> sim.stopServiceDeployment(REGION, arn + "0", true))
        .isInstanceOfSatisfying(
            ProviderException.class,
            e -> assertThat(e.kind()).isEqualTo(ProviderException.Kind.NOT_FOUND));
  }

  @Test
  void aRollbackStillDrainingWhenTheNextDeploymentBeginsEndsAllTheSame() {
    TaskDefinition green = given("full", null);
    String first =
        deploy(green, strategy(Kind.CANARY, 10, Duration.ofMinutes(10), null, List.of()));
    clock.advance(Duration.ofSeconds(90));
    sim.stopServiceDeployment(REGION, first, true);
    TaskDefinition third =
        sim.registerTaskDefinition(
            REGION, Seeder.taskDefinition(SimFixtures.template(), REGION, image("simple")));
    String second = deploy(third, strategy(Kind.BLUE_GREEN, 0, Duration.ZERO, null, List.of()));
    assertThat(deployment(first).status()).isEqualTo(Status.ROLLBACK_IN_PROGRESS);
    clock.advance(Duration.ofSeconds(15));
    assertThat(deployment(first).status()).isEqualTo(Status.ROLLBACK_SUCCESSFUL);
    assertThat(deployment(second).status()).isEqualTo(Status.IN_PROGRESS);
    assertThat(service().currentServiceDeployment()).isEqualTo(second);
  }

  @Test
  void stoppingWithoutARollbackLeavesTrafficAndBothRevisionsAsTheyAre() {
    TaskDefinition green = given("full", null);
    String arn = deploy(green, strategy(Kind.CANARY, 10, Duration.ofMinutes(10), null, List.of()));
    clock.advance(Duration.ofSeconds(90));

    sim.stopServiceDeployment(REGION, arn, false);
    clock.advance(Duration.ofMinutes(15));
    ServiceDeploymentState d = deployment(arn);
    assertThat(d.status()).isEqualTo(Status.STOPPED);
    assertThat(d.stage()).isNull();
    assertThat(weight(routing.productionListenerRule(), routing.alternateTargetGroupArn()))
        .isEqualTo(10);
    assertThat(running()).hasSize(4);
    Deployment primary = service().primary().orElseThrow();
    assertThat(primary.taskDefinitionArn()).isEqualTo(green.arn());
    assertThat(primary.rolloutState()).isEqualTo(DeploymentRolloutState.FAILED);
  }

  @Test
  void atTenPercentOneRequestInTenIsAnsweredByGreen() throws Exception {
    TaskDefinition green = given("full", null);
    deploy(green, strategy(Kind.CANARY, 10, Duration.ofMinutes(10), null, List.of()));
    clock.advance(Duration.ofSeconds(90));
    assertThat(weight(routing.productionListenerRule(), routing.alternateTargetGroupArn()))
        .isEqualTo(10);

    java.net.http.HttpClient http =
        java.net.http.HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    List<Boolean> fromGreen = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      var response =
          http.send(
              java.net.http.HttpRequest.newBuilder(sim.endpoint(SERVICE).resolve("/"))
                  .timeout(Duration.ofSeconds(5))
                  .build(),
              java.net.http.HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).isEqualTo(200);
      fromGreen.add(response.body().contains(":full\""));
    }
    assertThat(fromGreen.stream().filter(g -> g).count()).isEqualTo(10);
    for (int i = 0; i < 100; i++) {
      assertThat(fromGreen.get(i)).as("request %d", i + 1).isEqualTo((i + 1) % 10 == 0);
    }
  }

  @Test
  void eachTargetGroupsMetricsAreItsOwnRevisionsTasks() {
    TaskDefinition green = given("full-ml-down", null);
    deploy(green, strategy(Kind.CANARY, 10, Duration.ofMinutes(10), null, List.of()));
    clock.advance(Duration.ofMinutes(3));
    assertThat(weight(routing.productionListenerRule(), routing.alternateTargetGroupArn()))
        .isEqualTo(10);
    Instant end = clock.instant();
    Instant start = end.minus(Duration.ofMinutes(1));

    // Green (full-ml-down) answers slower than blue; each group's latency is its own tasks'.
    double greenLatency = latency(routing.alternateTargetGroupArn(), start, end);
    double blueLatency = latency(service().loadBalancers().get(0).targetGroupArn(), start, end);
    assertThat(greenLatency).isGreaterThan(0.11);
    assertThat(blueLatency).isLessThan(0.1);
  }

  private double latency(String targetGroupArn, Instant start, Instant end) {
    String dimension = targetGroupArn.substring(targetGroupArn.indexOf("targetgroup/"));
    var points =
        sim.providers()
            .cloudWatch()
            .getMetricData(
                REGION,
                new dev.snailtrail.spec.Gate.MetricQuery(
                    "AWS/ApplicationELB",
                    "TargetResponseTime",
                    "Average",
                    Map.of("TargetGroup", dimension),
                    Duration.ofMinutes(1)),
                start,
                end);
    assertThat(points).as(targetGroupArn).isNotEmpty();
    return points.get(points.size() - 1).value();
  }

  @Test
  void aRollingServiceIsUnchanged() {
    TaskDefinition next = given("full", null);
    ServiceState before = service();
    assertThat(before.strategy()).isEqualTo(DeploymentStrategy.ROLLING);
    assertThat(before.currentServiceDeployment()).isNull();

    ServiceState updated = sim.updateService(SERVICE, next.arn(), null, DeploymentStrategy.ROLLING);
    assertThat(updated.currentServiceDeployment()).isNull();
    assertThat(updated.strategy()).isEqualTo(DeploymentStrategy.ROLLING);
    clock.advance(Duration.ofSeconds(80));
    ServiceState s = service();
    assertThat(s.primary().orElseThrow().rolloutState())
        .isEqualTo(DeploymentRolloutState.COMPLETED);
    assertThat(running())
        .hasSize(2)
        .allSatisfy(t -> assertThat(t.taskDefinitionArn()).isEqualTo(next.arn()));
    assertThat(weight(routing.productionListenerRule(), TG)).isEqualTo(100);
    assertThat(elb().describeTargetHealth(REGION, TG)).hasSize(2);
  }

  @Test
  void aDeploymentBegunWhileAnotherShiftsReconcilesTheServiceFirst() {
    TaskDefinition green = given("full", null);
    String first =
        deploy(green, strategy(Kind.CANARY, 10, Duration.ofMinutes(10), null, List.of()));
    clock.advance(Duration.ofSeconds(90));
    TaskDefinition third =
        sim.registerTaskDefinition(
            REGION, Seeder.taskDefinition(SimFixtures.template(), REGION, image("simple")));

    String second =
        deploy(
            third,
            strategy(Kind.BLUE_GREEN, 0, Duration.ZERO, null, List.of(Stage.RECONCILE_SERVICE)));
    assertThat(deployment(first).status()).isEqualTo(Status.STOPPED);
    assertThat(deployment(second).stage()).isEqualTo(Stage.RECONCILE_SERVICE);
    assertThat(weight(routing.productionListenerRule(), TG))
        .as("all on the serving revision")
        .isEqualTo(100);
    walk(second, routing.alternateTargetGroupArn(), 600, new java.util.HashMap<>());
    assertThat(hook.stages()).containsExactly(Stage.RECONCILE_SERVICE);
    assertThat(deployment(second).status()).isEqualTo(Status.SUCCESSFUL);
    assertThat(running())
        .hasSize(2)
        .allSatisfy(t -> assertThat(t.taskDefinitionArn()).isEqualTo(third.arn()));
  }

  @Test
  void strategiesEcsWouldRefuseAreRefusedBeforeAnythingChanges() {
    sim.seed(SimFixtures.rollout("full"), Seed.existingService("baseline"));
    TaskDefinition green =
        sim.registerTaskDefinition(
            REGION, Seeder.taskDefinition(SimFixtures.template(), REGION, image("full")));
    assertThatThrownBy(
            () ->
                sim.updateService(
                    SERVICE,
                    green.arn(),
                    null,
                    strategy(Kind.BLUE_GREEN, 0, Duration.ZERO, null, List.of())))
        .isInstanceOfSatisfying(
            ProviderException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(ProviderException.Kind.INVALID);
              assertThat(e.getMessage()).contains("advancedConfiguration");
            });
    sim.seedBlueGreen(SERVICE, null);
    assertThatThrownBy(
            () ->
                sim.updateService(
                    SERVICE,
                    green.arn(),
                    null,
                    strategy(Kind.CANARY, 10, Duration.ZERO, null, List.of(Stage.CLEAN_UP))))
        .hasMessageContaining("CLEAN_UP is not one of them");
    assertThatThrownBy(
            () ->
                sim.updateService(
                    SERVICE,
                    green.arn(),
                    null,
                    strategy(Kind.LINEAR, 1, Duration.ZERO, null, List.of())))
        .hasMessageContaining("stepPercent");
    assertThat(service().taskDefinitionArn()).isNotEqualTo(green.arn());
    assertThat(service().strategy()).isEqualTo(DeploymentStrategy.ROLLING);
  }

  @Test
  void aServiceCreatedWithBlueGreenRoutingDeploysOnRoutesSeededBeforeIt() {
    sim.seed(SimFixtures.rollout("full", "simple"), Seed.defaults());
    // What seeding from a spec does for a service the controller creates later.
    BlueGreenRouting seeded = sim.read(w -> new TrafficSeeder(w).routes(REGION, TG, 5000, null));
    assertThat(weight(seeded.productionListenerRule(), TG)).isEqualTo(100);
    routing = seeded;
    sim.registerHook(HOOK, hook);
    TaskDefinition first =
        sim.registerTaskDefinition(
            REGION, Seeder.taskDefinition(SimFixtures.template(), REGION, image("simple")));
    sim.createService(
        new dev.snailtrail.provider.Ecs.CreateServiceRequest(
            SERVICE,
            first.arn(),
            2,
            dev.snailtrail.provider.LaunchType.FARGATE,
            new dev.snailtrail.provider.Ecs.NetworkConfig(
                List.of("subnet-0aaa"), List.of("sg-0task"), true),
            List.of(new dev.snailtrail.provider.Ecs.LoadBalancerBinding(TG, "api", 5000, seeded))));
    clock.advance(Duration.ofSeconds(60));
    assertThat(elb().describeTargetHealth(REGION, TG))
        .as("blue, healthy in the own group")
        .hasSize(2);
    assertThat(service().primary().orElseThrow().rolloutState())
        .isEqualTo(DeploymentRolloutState.COMPLETED);
    TaskDefinition green =
        sim.registerTaskDefinition(
            REGION, Seeder.taskDefinition(SimFixtures.template(), REGION, image("full")));

    String arn = deploy(green, strategy(Kind.CANARY, 10, Duration.ofMinutes(1), null, HOOKABLE));
    List<Look> seen = walk(arn, seeded.alternateTargetGroupArn(), 600, new java.util.HashMap<>());
    assertThat(seen.stream().map(Look::weight).distinct()).containsExactly(0, 10, 100);
    assertThat(deployment(arn).status()).isEqualTo(Status.SUCCESSFUL);
    assertThat(elb().describeTargetHealth(REGION, seeded.alternateTargetGroupArn())).hasSize(2);
  }

  @Test
  void seedingBlueGreenMakesTheAlternateGroupAndAProductionRuleAllOnTheServicesOwn() {
    sim.seed(SimFixtures.rollout("full"), Seed.existingService("baseline"));
    BlueGreenRouting made = sim.seedBlueGreen(SERVICE, null);

    assertThat(made.productionListenerRule()).contains(":listener-rule/app/");
    assertThat(LoadBalancing.isRule(made.productionListenerRule())).isTrue();
    assertThat(made.testListenerRule()).isNull();
    assertThat(made.roleArn()).startsWith("arn:aws:iam::");
    var own = elb().describeTargetGroup(REGION, TG).orElseThrow();
    var alternate = elb().describeTargetGroup(REGION, made.alternateTargetGroupArn()).orElseThrow();
    assertThat(alternate.port()).isEqualTo(own.port());
    assertThat(alternate.loadBalancerArns()).isEqualTo(own.loadBalancerArns());
    assertThat(elb().forwardWeights(REGION, made.productionListenerRule()))
        .containsExactly(
            new WeightedTargetGroup(TG, 100),
            new WeightedTargetGroup(made.alternateTargetGroupArn(), 0));
    assertThat(service().loadBalancers().get(0).blueGreen()).isEqualTo(made);
    assertThat(service().loadBalancers().get(0).targetGroupArn()).isEqualTo(TG);

    // Named ARNs are kept, and what exists is reused.
    BlueGreenRouting named =
        new BlueGreenRouting(
            made.alternateTargetGroupArn(),
            made.productionListenerRule(),
            "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener-rule/app/x/1/2/3",
            "arn:aws:iam::123456789012:role/ecs-lb");
    assertThat(sim.seedBlueGreen(SERVICE, named)).isEqualTo(named);
    assertThat(elb().forwardWeights(REGION, named.testListenerRule()))
        .extracting(WeightedTargetGroup::weight)
        .containsExactly(100, 0);

    assertThatThrownBy(
            () ->
                sim.seedBlueGreen(
                    new dev.snailtrail.provider.ServiceRef(REGION, SERVICE.cluster(), "nope"),
                    null))
        .isInstanceOfSatisfying(
            ProviderException.class,
            e -> assertThat(e.kind()).isEqualTo(ProviderException.Kind.NOT_FOUND));
  }
}
