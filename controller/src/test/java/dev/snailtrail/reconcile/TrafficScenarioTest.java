package dev.snailtrail.reconcile;

import static dev.snailtrail.reconcile.RolloutScenario.given;
import static org.assertj.core.api.Assertions.assertThat;

import dev.snailtrail.provider.Ecs.ServiceState;
import dev.snailtrail.provider.LoadBalancing.WeightedTargetGroup;
import dev.snailtrail.provider.ServiceRef;
import dev.snailtrail.rollout.StatusPhase;
import dev.snailtrail.rollout.Step;
import dev.snailtrail.spec.Rollout;
import dev.snailtrail.spec.Target.TrafficRouting;
import dev.snailtrail.trail.EventType;
import dev.snailtrail.trail.TrailEvent;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Phases with traffic steps on the simulator: the canary's weight steps, and comes back. */
class TrafficScenarioTest {
  private static final Rollout CANARY = Specs.example("spec-examples/canary.yaml");
  private static final TrafficRouting ROUTING = CANARY.spec().target().traffic();

  private static int canaryWeight(RolloutScenario s) {
    return s
        .sim
        .providers()
        .loadBalancing()
        .forwardWeights("us-east-1", ROUTING.forwardArn())
        .stream()
        .filter(g -> g.targetGroupArn().equals(ROUTING.canaryTargetGroupArn()))
        .mapToInt(WeightedTargetGroup::weight)
        .sum();
  }

  private static ServiceState canary(RolloutScenario s) {
    ServiceRef stable = s.service();
    return s.sim
        .providers()
        .ecs()
        .describeService(new ServiceRef(stable.region(), stable.cluster(), ROUTING.canaryService()))
        .orElseThrow();
  }

  /** Runs the scenario pass by pass, noting the rule's canary weight whenever it changes. */
  private static List<Integer> weightsSeen(
      RolloutScenario s, java.util.function.Predicate<dev.snailtrail.rollout.RolloutStatus> stop) {
    List<Integer> seen = new ArrayList<>(List.of(canaryWeight(s)));
    s.runUntil(
        status -> {
          int w = canaryWeight(s);
          if (w != seen.get(seen.size() - 1)) {
            seen.add(w);
          }
          return stop.test(status);
        });
    return seen;
  }

  @Test
  void theWeightsStepTenFiftyHundredThenStableTakesTheRevisionAndTheCanaryEmpties() {
    try (var s = given(CANARY).withAutoApproval()) {
      List<Integer> weights = weightsSeen(s, status -> false);
      assertThat(s.status.phase()).as(s.dump()).isEqualTo(StatusPhase.Healthy);
      assertThat(weights).containsExactly(0, 10, 50, 100, 0);
      assertThat(s.events(EventType.TrafficShifted).stream().map(e -> e.data().get("weight")))
          .containsExactly("10", "50", "100", "0");
      String revision = s.status.revisions().get("victory-lap");
      assertThat(s.serviceState().taskDefinitionArn()).isEqualTo(revision);
      assertThat(canary(s).desiredCount()).isZero();
      assertThat(canary(s).taskDefinitionArn()).isEqualTo(revision);
      assertThat(s.events(EventType.RollbackStarted)).isEmpty();
      // The canary is the rollout's as the stable service is: no other rollout acts on it.
      assertThat(s.sim.providers().ecs().serviceTags("us-east-1", canary(s).arn()))
          .containsEntry("snailtrail.dev/rollout", CANARY.name());
      // The canary ran the stable service's count while it took traffic.
      assertThat(s.messages(EventType.ServiceUpdated))
          .anySatisfy(m -> assertThat(m).contains("Canary service").contains("with 2 tasks"));
    }
  }

  @Test
  void anAlarmAtFiftyPutsEveryRequestOnStableFirstThenEmptiesTheCanary() {
    try (var s = given(CANARY).withAutoApproval()) {
      s.runUntil(st -> st.step() == Step.Shifting && st.traffic().weight() == 50);
      assertThat(canaryWeight(s)).isEqualTo(50);
      assertThat(canary(s).desiredCount()).isEqualTo(2);
      s.sim.setAlarmState("shine-5xx-high", "ALARM", "5xx above 5%");
      s.runUntil(st -> st.phase() == StatusPhase.RollingBack);
      s.runUntil(st -> true); // one pass of the rollback
      assertThat(canaryWeight(s)).as("100% stable within one pass").isZero();
      s.whenReconciledUntilSettled();
      assertThat(s.status.phase()).as(s.dump()).isEqualTo(StatusPhase.Degraded);
      assertThat(canary(s).desiredCount()).isZero();
      assertThat(s.serviceState().taskDefinitionArn())
          .isEqualTo(s.status.revisions().get("foundation"));
      List<TrailEvent> after =
          s.trail.subList(
              s.trail.indexOf(s.events(EventType.RollbackStarted).get(0)), s.trail.size());
      assertThat(
              after.stream()
                  .map(
                      e ->
                          e.type()
                              + (e.data().containsKey("weight")
                                  ? "=" + e.data().get("weight")
                                  : "")))
          .containsSubsequence(
              "RollbackStarted", "TrafficShifted=0", "ServiceUpdated", "RollbackCompleted");
      assertThat(after.get(1).type()).isEqualTo(EventType.TrafficShifted);
      assertThat(s.events(EventType.TrafficShifted).stream().map(e -> e.data().get("weight")))
          .containsExactly("10", "50", "0");
    }
  }

  @Test
  void theDrillFailsAtFiftyOnTheCanarysShareOfAnswers() {
    try (var s =
        given(Specs.example("spec-examples/drills/canary-fails-at-50.yaml")).withAutoApproval()) {
      List<Integer> weights = weightsSeen(s, status -> false);
      assertThat(s.status.phase()).as(s.dump()).isEqualTo(StatusPhase.Degraded);
      assertThat(weights).containsExactly(0, 10, 50, 0);
      assertThat(s.messages(EventType.GateFailed))
          .anySatisfy(m -> assertThat(m).contains("degraded"));
      assertThat(canary(s).desiredCount()).isZero();
    }
  }

  @Test
  void aNewSpecMidShiftTakesTheCanarysShareAwayBeforeItsStepsStartAgain() {
    try (var s = given(CANARY).withAutoApproval()) {
      s.runUntil(st -> st.step() == Step.Shifting && st.traffic().weight() == 50);
      dev.snailtrail.spec.Phase p = CANARY.spec().phases().get(3);
      dev.snailtrail.spec.Phase longer =
          new dev.snailtrail.spec.Phase(
              p.name(),
              p.image(),
              p.images(),
              p.env(),
              p.cpu(),
              p.memory(),
              p.desiredCount(),
              p.gates(),
              java.time.Duration.ofMinutes(3),
              p.approval(),
              p.rollbackTo(),
              p.marker(),
              p.secrets(),
              p.templateUses(),
              p.traffic());
      int before = s.trail.size();
      List<Integer> weights =
          weightsSeen(s.applySpec(Specs.withPhase(CANARY, 3, longer), true), st -> false);
      assertThat(s.status.phase()).as(s.dump()).isEqualTo(StatusPhase.Healthy);
      assertThat(weights).containsExactly(50, 0, 10, 50, 100, 0);
      assertThat(
              s.trail.subList(before, s.trail.size()).stream()
                  .filter(e -> e.type() == EventType.TrafficShifted)
                  .map(e -> e.data().get("weight")))
          .containsExactly("0", "10", "50", "100", "0");
    }
  }
}
