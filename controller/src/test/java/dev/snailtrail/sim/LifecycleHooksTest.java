package dev.snailtrail.sim;

import static dev.snailtrail.sim.SimFixtures.REGION;
import static dev.snailtrail.sim.SimFixtures.SERVICE;
import static dev.snailtrail.sim.SimFixtures.TG;
import static dev.snailtrail.sim.SimFixtures.image;
import static org.assertj.core.api.Assertions.assertThat;

import dev.snailtrail.provider.DeploymentStrategy;
import dev.snailtrail.provider.DeploymentStrategy.Kind;
import dev.snailtrail.provider.DeploymentStrategy.Stage;
import dev.snailtrail.provider.Ecs.BlueGreenRouting;
import dev.snailtrail.provider.LoadBalancing.WeightedTargetGroup;
import dev.snailtrail.provider.ServiceDeploymentState;
import dev.snailtrail.provider.ServiceDeploymentState.Status;
import dev.snailtrail.provider.TaskDefinition;
import dev.snailtrail.rollout.TrafficStatus.EcsShift;
import dev.snailtrail.rollout.TrafficStatus.HookVerdict;
import dev.snailtrail.time.MutableClock;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Lifecycle hooks over time: the dead-man's switch holding a deployment while the controller
 * confirms its verdict and rolling it back once the controller falls silent, and hook answers kept
 * across a restore.
 */
class LifecycleHooksTest {
  static final Instant T0 = ServiceDeploymentsTest.T0;
  static final String HOOK = ServiceDeploymentsTest.HOOK;
  static final String ROLLOUT = "shine-api-gateway";

  private final MutableClock clock = new MutableClock(T0);
  private final Simulator sim = new Simulator(clock);
  private final Map<String, EcsShift> store = new ConcurrentHashMap<>();

  @TempDir Path tmp;

  @AfterEach
  void close() {
    sim.close();
  }

  private static DeploymentStrategy watched() {
    return ServiceDeploymentsTest.strategy(
        Kind.CANARY,
        10,
        Duration.ofMinutes(1),
        null,
        List.of(Stage.POST_TEST_TRAFFIC_SHIFT, Stage.POST_PRODUCTION_TRAFFIC_SHIFT));
  }

  /** The service with blue/green routing, the switch reading {@link #store}; the new revision. */
  private TaskDefinition given(Simulator on) {
    on.seed(SimFixtures.rollout("full"), Seed.existingService("baseline"));
    on.seedBlueGreen(SERVICE, null);
    on.registerHook(
        HOOK, new DeadMansSwitch(name -> Optional.ofNullable(store.get(name)), on.worldClock()));
    return on.registerTaskDefinition(
        REGION, Seeder.taskDefinition(SimFixtures.template(), REGION, image("full")));
  }

  private ServiceDeploymentState deployment(Simulator on, String arn) {
    return on.describeServiceDeployment(REGION, arn).orElseThrow();
  }

  /**
   * The controller's passes: re-confirms ANALYSING every 10 s until the deployment reaches a stage.
   */
  private void confirmUntil(String arn, Stage stage, int limitSeconds) {
    for (int s = 0; s < limitSeconds; s += 10) {
      store.put(ROLLOUT, new EcsShift(arn, HookVerdict.ANALYSING, clock.instant()));
      if (deployment(sim, arn).stage() == stage) {
        return;
      }
      clock.advance(Duration.ofSeconds(10));
    }
    throw new AssertionError(arn + " never reached " + stage + " in " + limitSeconds + " s");
  }

  @Test
  void aDeadControllerLeavesEcsToRollBackByItselfWithinTheSilence() {
    TaskDefinition green = given(sim);
    String arn =
        sim.updateService(SERVICE, green.arn(), null, watched()).currentServiceDeployment();
    confirmUntil(arn, Stage.POST_PRODUCTION_TRAFFIC_SHIFT, 600);

    // Held at the hold point while the controller keeps confirming: all traffic on green.
    for (int s = 0; s < 180; s += 10) {
      store.put(ROLLOUT, new EcsShift(arn, HookVerdict.ANALYSING, clock.instant()));
      clock.advance(Duration.ofSeconds(10));
    }
    assertThat(deployment(sim, arn).stage()).isEqualTo(Stage.POST_PRODUCTION_TRAFFIC_SHIFT);
    var routing = sim.describeService(SERVICE).orElseThrow().loadBalancers().get(0).blueGreen();
    assertThat(weightOf(sim, routing, routing.alternateTargetGroupArn())).isEqualTo(100);

    // The controller dies: its last word stays ANALYSING.
    Instant lastWord = clock.instant();
    store.put(ROLLOUT, new EcsShift(arn, HookVerdict.ANALYSING, lastWord));
    Instant rolledBackAt = null;
    for (int s = 0; s < 600 && rolledBackAt == null; s++) {
      clock.advance(Duration.ofSeconds(1));
      if (deployment(sim, arn).status().rollingBack()) {
        rolledBackAt = clock.instant();
      }
    }
    assertThat(rolledBackAt).as("rolled back without the controller").isNotNull();
    assertThat(Duration.between(lastWord, rolledBackAt))
        .isGreaterThan(Duration.ofSeconds(120))
        .isLessThanOrEqualTo(Duration.ofSeconds(120 + 30 + 1));
    assertThat(deployment(sim, arn).statusReason()).contains("silent");
    assertThat(weightOf(sim, routing, TG)).as("every request back on blue").isEqualTo(100);
    clock.advance(Duration.ofSeconds(15));
    assertThat(deployment(sim, arn).status()).isEqualTo(Status.ROLLBACK_SUCCESSFUL);
  }

  @Test
  void aControllerThatNamesNoDeploymentRollsBackAfterTheSilence() {
    TaskDefinition green = given(sim);
    String arn =
        sim.updateService(SERVICE, green.arn(), null, watched()).currentServiceDeployment();
    clock.advance(Duration.ofMinutes(5)); // nobody writes a verdict
    assertThat(deployment(sim, arn).status()).isEqualTo(Status.ROLLBACK_SUCCESSFUL);
    assertThat(deployment(sim, arn).statusReason())
        .contains("POST_TEST_TRAFFIC_SHIFT")
        .contains("no verdict from the controller");
  }

  @Test
  void aControllerThatSaysSucceededLetsEcsFinish() {
    TaskDefinition green = given(sim);
    String arn =
        sim.updateService(SERVICE, green.arn(), null, watched()).currentServiceDeployment();
    confirmUntil(arn, Stage.POST_PRODUCTION_TRAFFIC_SHIFT, 600);
    clock.advance(Duration.ofSeconds(40));
    store.put(ROLLOUT, new EcsShift(arn, HookVerdict.SUCCEEDED, clock.instant()));
    clock.advance(Duration.ofSeconds(45)); // the next callback (30 s) and clean-up (10 s)
    assertThat(deployment(sim, arn).status()).isEqualTo(Status.SUCCESSFUL);
    assertThat(sim.describeService(SERVICE).orElseThrow().taskDefinitionArn())
        .isEqualTo(green.arn());
  }

  @Test
  void aRestoredWorldTakesItsHooksAnswersFromTheSnapshotNotFromAskingAgain() {
    TaskDefinition green = given(sim);
    String arn =
        sim.updateService(SERVICE, green.arn(), null, watched()).currentServiceDeployment();
    confirmUntil(arn, Stage.POST_PRODUCTION_TRAFFIC_SHIFT, 600);
    clock.advance(Duration.ofSeconds(40)); // IN_PROGRESS answered at the hold point, twice
    String snapshot = sim.snapshot();

    try (Simulator restored = Simulator.restore(clock, snapshot)) {
      // No hook registered, and the verdicts gone: a re-asked hook would have failed it.
      assertThat(restored.describeServiceDeployment(REGION, arn))
          .isEqualTo(sim.describeServiceDeployment(REGION, arn));
      assertThat(deployment(restored, arn).stage()).isEqualTo(Stage.POST_PRODUCTION_TRAFFIC_SHIFT);
      assertThat(restored.describeService(SERVICE)).isEqualTo(sim.describeService(SERVICE));
      assertThat(restored.describeService(SERVICE).orElseThrow().strategy()).isEqualTo(watched());
      var routing = sim.describeService(SERVICE).orElseThrow().loadBalancers().get(0).blueGreen();
      assertThat(
              restored
                  .providers()
                  .loadBalancing()
                  .forwardWeights(REGION, routing.productionListenerRule()))
          .isEqualTo(
              sim.providers()
                  .loadBalancing()
                  .forwardWeights(REGION, routing.productionListenerRule()));

      // Both go on alike once the hook is there again.
      restored.registerHook(
          HOOK,
          new DeadMansSwitch(name -> Optional.ofNullable(store.get(name)), restored.worldClock()));
      store.put(ROLLOUT, new EcsShift(arn, HookVerdict.SUCCEEDED, clock.instant()));
      clock.advance(Duration.ofSeconds(60));
      assertThat(deployment(restored, arn).status()).isEqualTo(Status.SUCCESSFUL);
      assertThat(restored.describeService(SERVICE)).isEqualTo(sim.describeService(SERVICE));
    }
  }

  @Test
  void aPersistentWorldKeepsTheStrategyTheDeploymentAndItsAnswersAcrossARestart() throws Exception {
    Path state = tmp.resolve("sim-state.json");
    MutableClock real = new MutableClock(T0);
    String arn;
    ServiceDeploymentState before;
    List<WeightedTargetGroup> weightsBefore;
    BlueGreenRouting routing;
    try (PersistentSimulator world = PersistentSimulator.open(state, 1, real)) {
      world.resume();
      Simulator on = world.simulator();
      TaskDefinition green = given(on);
      arn = on.updateService(SERVICE, green.arn(), null, watched()).currentServiceDeployment();
      for (int s = 0;
          s < 600 && deployment(on, arn).stage() != Stage.POST_PRODUCTION_TRAFFIC_SHIFT;
          s += 10) {
        store.put(ROLLOUT, new EcsShift(arn, HookVerdict.ANALYSING, world.clock().instant()));
        real.advance(Duration.ofSeconds(10));
      }
      store.put(ROLLOUT, new EcsShift(arn, HookVerdict.ANALYSING, world.clock().instant()));
      real.advance(Duration.ofSeconds(35)); // one IN_PROGRESS at the hold point
      before = deployment(on, arn);
      routing = on.describeService(SERVICE).orElseThrow().loadBalancers().get(0).blueGreen();
      weightsBefore =
          on.providers().loadBalancing().forwardWeights(REGION, routing.productionListenerRule());
      world.afterPass(ROLLOUT);
    }
    assertThat(before.stage()).isEqualTo(Stage.POST_PRODUCTION_TRAFFIC_SHIFT);

    real.advance(Duration.ofHours(1)); // down for an hour: simulated time stood still
    try (PersistentSimulator again = PersistentSimulator.open(state, 1, real)) {
      Simulator on = again.simulator();
      assertThat(deployment(on, arn)).isEqualTo(before);
      assertThat(
              on.providers()
                  .loadBalancing()
                  .forwardWeights(REGION, routing.productionListenerRule()))
          .isEqualTo(weightsBefore);
      assertThat(on.describeService(SERVICE).orElseThrow().strategy()).isEqualTo(watched());
      assertThat(on.describeService(SERVICE).orElseThrow().loadBalancers().get(0).blueGreen())
          .isEqualTo(routing);
    }
  }

  private static int weightOf(Simulator on, BlueGreenRouting routing, String group) {
    return on
        .providers()
        .loadBalancing()
        .forwardWeights(REGION, routing.productionListenerRule())
        .stream()
        .filter(g -> g.targetGroupArn().equals(group))
        .mapToInt(WeightedTargetGroup::weight)
        .sum();
  }
}
