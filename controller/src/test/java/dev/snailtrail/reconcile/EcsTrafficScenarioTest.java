package dev.snailtrail.reconcile;

import static dev.snailtrail.reconcile.RolloutScenario.given;
import static org.assertj.core.api.Assertions.assertThat;

import dev.snailtrail.provider.DeploymentStrategy;
import dev.snailtrail.provider.Ecs.BlueGreenRouting;
import dev.snailtrail.provider.LoadBalancing.WeightedTargetGroup;
import dev.snailtrail.provider.ServiceDeploymentState;
import dev.snailtrail.rollout.StatusPhase;
import dev.snailtrail.rollout.Step;
import dev.snailtrail.rollout.TrafficStatus.HookVerdict;
import dev.snailtrail.spec.Rollout;
import dev.snailtrail.trail.EventType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Phases under {@code traffic.mode: ecs} on the simulator: ECS's own canary moves the traffic while
 * the gates are measured, the verdict lets it finish or rolls it back, and a controller that goes
 * silent leaves ECS to roll back by itself.
 */
class EcsTrafficScenarioTest {
  private static final Rollout BLUE_GREEN = Specs.example("spec-examples/blue-green.yaml");
  private static final Rollout DRILL = Specs.example("spec-examples/drills/blue-green-fails.yaml");

  private static BlueGreenRouting routing(RolloutScenario s) {
    return s.serviceState().loadBalancers().get(0).blueGreen();
  }

  /** The new revision's share of production: all but the group that served before the phase. */
  private static int greenWeight(RolloutScenario s, String blueGroup) {
    List<WeightedTargetGroup> groups =
        s.sim
            .providers()
            .loadBalancing()
            .forwardWeights("us-east-1", routing(s).productionListenerRule());
    int blue =
        groups.stream()
            .filter(g -> g.targetGroupArn().equals(blueGroup))
            .mapToInt(WeightedTargetGroup::weight)
            .sum();
    return 100 - blue;
  }

  private static String servingGroup(RolloutScenario s) {
    return s
        .sim
        .providers()
        .loadBalancing()
        .forwardWeights("us-east-1", routing(s).productionListenerRule())
        .stream()
        .max((a, b) -> Integer.compare(a.weight(), b.weight()))
        .orElseThrow()
        .targetGroupArn();
  }

  /** Runs to the last phase's start, then pass by pass noting green's share when it changes. */
  private static List<Integer> weightsOfTheLastPhase(RolloutScenario s) {
    s.runUntil(st -> st.currentPhase().name().equals("victory-lap"));
    String blue = servingGroup(s);
    List<Integer> seen = new ArrayList<>(List.of(greenWeight(s, blue)));
    s.runUntil(
        st -> {
          int w = greenWeight(s, blue);
          if (w != seen.get(seen.size() - 1)) {
            seen.add(w);
          }
          return false;
        });
    return seen;
  }

  @Test
  void ecssCanaryMovesTenThenAllAndFinishesOnceTheGatesHold() {
    try (var s = given(BLUE_GREEN).withAutoApproval()) {
      List<Integer> weights = weightsOfTheLastPhase(s);

      assertThat(s.status.phase()).as(s.dump()).isEqualTo(StatusPhase.Healthy);
      assertThat(weights).containsExactly(0, 10, 100);
      assertThat(s.events(EventType.TrafficShifted).stream().map(e -> e.data().get("weight")))
          .containsExactly("10", "100", "100");
      assertThat(s.events(EventType.TrafficShifted).get(2).data())
          .containsEntry("verdict", HookVerdict.SUCCEEDED.name());
      String revision = s.status.revisions().get("victory-lap");
      assertThat(s.serviceState().taskDefinitionArn()).isEqualTo(revision);
      assertThat(s.messages(EventType.ServiceUpdated))
          .anySatisfy(m -> assertThat(m).contains("under ECS CANARY: 10% for 5m, then 100%"));
      // ECS ran the phase's canary with the spec's hook; the verdict it read said SUCCEEDED.
      DeploymentStrategy strategy = s.serviceState().strategy();
      assertThat(strategy.kind()).isEqualTo(DeploymentStrategy.Kind.CANARY);
      assertThat(strategy.hooks())
          .singleElement()
          .satisfies(
              h ->
                  assertThat(h.targetArn())
                      .isEqualTo(BLUE_GREEN.spec().target().lifecycleHook().functionArn()));
      assertThat(s.status.traffic().ecs().verdict()).isEqualTo(HookVerdict.SUCCEEDED);
      ServiceDeploymentState d =
          s.sim
              .providers()
              .ecs()
              .describeServiceDeployment("us-east-1", s.status.traffic().ecs().deployment())
              .orElseThrow();
      assertThat(d.status()).isEqualTo(ServiceDeploymentState.Status.SUCCESSFUL);
      assertThat(s.events(EventType.RollbackStarted)).isEmpty();
    }
  }

  @Test
  void aGateThatFailsDuringTheCanaryStopsTheDeploymentWithEcssRollback() {
    try (var s = given(DRILL).withAutoApproval()) {
      List<Integer> weights = weightsOfTheLastPhase(s);

      assertThat(s.status.phase()).as(s.dump()).isEqualTo(StatusPhase.Degraded);
      assertThat(s.status.stablePhase().name()).isEqualTo("foundation");
      assertThat(weights).containsExactly(0, 10, 0);
      assertThat(s.serviceState().taskDefinitionArn())
          .isEqualTo(s.status.revisions().get("foundation"));
      assertThat(s.status.traffic().ecs().verdict()).isEqualTo(HookVerdict.FAILED);
      ServiceDeploymentState d =
          s.sim
              .providers()
              .ecs()
              .describeServiceDeployment("us-east-1", s.status.traffic().ecs().deployment())
              .orElseThrow();
      assertThat(d.status()).isEqualTo(ServiceDeploymentState.Status.ROLLBACK_SUCCESSFUL);
      // ECS's rollback put the revision before back: the controller updated nothing itself.
      assertThat(s.messages(EventType.ServiceUpdated))
          .noneSatisfy(m -> assertThat(m).startsWith("Service rolled back"));
    }
  }

  @Test
  void aControllerThatGoesSilentMidCanaryLeavesEcsToRollBackByItself() {
    try (var s = given(BLUE_GREEN).withAutoApproval()) {
      s.runUntil(st -> st.currentPhase().name().equals("victory-lap"));
      String blue = servingGroup(s);
      String before = s.status.revisions().get("foundation");
      s.runUntil(st -> st.step() == Step.Shifting && greenWeight(s, blue) == 10);
      assertThat(s.status.traffic().ecs().verdict()).isEqualTo(HookVerdict.ANALYSING);

      // No pass runs any more: nobody confirms the verdict. ECS reaches the hold point, and the
      // hook finds the verdict older than the silence it allows (2m).
      s.advance(Duration.ofMinutes(10));

      assertThat(greenWeight(s, blue)).isZero();
      assertThat(s.serviceState().taskDefinitionArn()).isEqualTo(before);
      ServiceDeploymentState d =
          s.sim
              .providers()
              .ecs()
              .describeServiceDeployment("us-east-1", s.status.traffic().ecs().deployment())
              .orElseThrow();
      assertThat(d.status()).isEqualTo(ServiceDeploymentState.Status.ROLLBACK_SUCCESSFUL);

      // A controller back later sees what ECS did and rolls the phase back from there.
      s.whenReconciledUntilSettled();
      assertThat(s.status.phase()).as(s.dump()).isEqualTo(StatusPhase.Degraded);
      assertThat(s.serviceState().taskDefinitionArn()).isEqualTo(before);
      assertThat(s.messages(EventType.DeploymentFailed))
          .anySatisfy(m -> assertThat(m).startsWith("ECS rolled the deployment back"));
    }
  }
}
