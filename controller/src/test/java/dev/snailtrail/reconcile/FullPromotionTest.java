package dev.snailtrail.reconcile;

import static dev.snailtrail.reconcile.RolloutScenario.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.snailtrail.rollout.GateResult;
import dev.snailtrail.rollout.Reason;
import dev.snailtrail.rollout.RolloutStatus;
import dev.snailtrail.rollout.StatusPhase;
import dev.snailtrail.rollout.Step;
import dev.snailtrail.rollout.VerbRefused;
import dev.snailtrail.spec.Phase;
import dev.snailtrail.spec.Rollout;
import dev.snailtrail.trail.EventType;
import dev.snailtrail.trail.TrailEvent;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/** {@code promote --full}: straight to the last phase, past every approval, gate and bake. */
class FullPromotionTest {
  /** The story as written: phase 4 (victory-lap) needs a person's approval. */
  private static final Rollout STORY = Specs.snailTrail();

  private static Predicate<RolloutStatus> analyzing(int index) {
    return s -> s.currentPhase().index() == index && s.step() == Step.Analyzing;
  }

  @Test
  void theRolloutGoesStraightToItsLastPhaseWhichCompletesOnceDeployed() {
    try (var s = given(STORY).runUntil(analyzing(1))) {
      s.apply(s.commands.promoteFull(s.rollout, s.generation, s.status, "frank"));
      assertThat(s.status.currentPhase().name()).isEqualTo("victory-lap");
      assertThat(s.status.step()).isEqualTo(Step.Deploying);
      assertThat(s.status.fullPromotionBy()).isEqualTo("frank");
      assertThat(s.events(EventType.Promoted))
          .singleElement()
          .satisfies(
              e -> {
                assertThat(e.reason()).isEqualTo(Reason.FullPromotion);
                assertThat(e.message())
                    .isEqualTo(
                        "Rollout promoted in full by frank: foundation skipped; victory-lap"
                            + " completes once deployed, without approval, analysis or bake");
                assertThat(e.data())
                    .containsEntry("from", "exploration")
                    .containsEntry("to", "victory-lap")
                    .containsEntry("skipped", "foundation");
              });

      s.whenReconciledUntilSettled();
      assertThat(s.status.phase()).isEqualTo(StatusPhase.Healthy);
      assertThat(s.status.stablePhase().name()).isEqualTo("victory-lap");
      assertThat(s.status.fullPromotionBy()).isNull();
      assertThat(s.serviceState().taskDefinitionArn())
          .isEqualTo(s.status.revisions().get("victory-lap"));
      // foundation was never deployed, victory-lap never waited for approval nor was measured.
      assertThat(s.status.revisions()).doesNotContainKey("foundation");
      assertThat(s.events(EventType.ApprovalRequired)).isEmpty();
      assertThat(phaseEvents(s, "victory-lap"))
          .extracting(TrailEvent::type)
          .doesNotContain(EventType.GatePassed, EventType.BakeStarted)
          .contains(EventType.DeploymentCompleted, EventType.PhaseCompleted);
      assertThat(s.status.gates())
          .allSatisfy(
              g -> {
                assertThat(g.result()).isEqualTo(GateResult.Passed);
                assertThat(g.message()).isEqualTo("not measured: promoted in full by frank");
              });
    }
  }

  @Test
  void itSkipsTheGatesThatWouldHaveFailed() {
    // ML is down in victory-lap: its /ml/status gate would roll it back. Promoted in full, nothing
    // asks: this is what a full promotion means, and why the trail records it as a Warning.
    try (var s =
        given(Specs.withTag(STORY, 3, "full-ml-down"))
            .runUntil(st -> st.step() == Step.AwaitingApproval)) {
      s.apply(s.commands.promoteFull(s.rollout, s.generation, s.status, "grace"));
      s.whenReconciledUntilSettled();
      assertThat(s.status.phase()).isEqualTo(StatusPhase.Healthy);
      assertThat(s.events(EventType.RollbackStarted)).isEmpty();
      assertThat(fullPromotion(s).message())
          .startsWith("Rollout promoted in full by grace: victory-lap completes once deployed");
    }
  }

  @Test
  void aDeploymentThatFailsStillRollsBack() {
    // ECS's circuit breaker still has its say: the last phase rolls back to foundation (its
    // rollbackTo), which the full promotion had skipped and is registered for the rollback.
    try (var s = given(Specs.withTag(STORY, 3, "full-crashloop")).runUntil(analyzing(0))) {
      s.apply(s.commands.promoteFull(s.rollout, s.generation, s.status, "heidi"));
      s.whenReconciledUntilSettled();
      assertThat(s.status.phase()).isEqualTo(StatusPhase.Degraded);
      assertThat(s.status.failedPhase().name()).isEqualTo("victory-lap");
      assertThat(s.status.fullPromotionBy()).isNull();
      assertThat(s.serviceState().taskDefinitionArn())
          .isEqualTo(s.status.revisions().get("foundation"));
    }
  }

  @Test
  void onTheLastPhaseItEndsTheAnalysisAtOnce() {
    try (var s = given(STORY).withAutoApproval().runUntil(analyzing(3))) {
      s.apply(s.commands.promoteFull(s.rollout, s.generation, s.status, "ivan"));
      assertThat(s.status.phase()).isEqualTo(StatusPhase.Healthy);
      assertThat(fullPromotion(s).message())
          .startsWith("Rollout promoted in full by ivan: victory-lap completes once deployed");
    }
  }

  @Test
  void aSpecThatRestartsTheRolloutEndsTheFullPromotion() {
    try (var s = given(STORY).runUntil(analyzing(1))) {
      s.apply(s.commands.promoteFull(s.rollout, s.generation, s.status, "kim"));
      // A shorter bake for exploration: the rollout starts over from there, as written.
      Phase p = STORY.spec().phases().get(1);
      Phase shorter =
          new Phase(
              p.name(),
              p.image(),
              p.images(),
              p.env(),
              p.cpu(),
              p.memory(),
              p.desiredCount(),
              p.gates(),
              Duration.ofMinutes(1),
              p.approval(),
              p.rollbackTo(),
              p.marker(),
              p.secrets());
      s.applySpec(Specs.withPhase(STORY, 1, shorter), true).runUntil(st -> false);
      assertThat(s.status.fullPromotionBy()).isNull();
      assertThat(s.status.currentPhase().name()).isEqualTo("victory-lap");
      assertThat(s.status.step()).isEqualTo(Step.AwaitingApproval);
      assertThat(s.status.revisions()).containsKey("foundation");
    }
  }

  @Test
  void itIsRefusedWithTheReasonWhereItMakesNoSense() {
    try (var s = given(Specs.withoutApproval(STORY))) {
      assertThatThrownBy(() -> s.commands.promoteFull(s.rollout, s.generation, s.status, "x"))
          .isInstanceOf(VerbRefused.class)
          .hasMessage(
              "promote --full applies to a rollout moving forward: the controller has not started"
                  + " the rollout yet; try again in a moment");
      s.runUntil(st -> st.currentPhase().index() == 1);
      s.apply(s.commands.promoteFull(s.rollout, s.generation, s.status, "judy"));
      assertThatThrownBy(() -> s.commands.promoteFull(s.rollout, s.generation, s.status, "x"))
          .hasMessageEndingWith("it is being promoted in full already, by judy");
      s.apply(s.commands.pause(s.rollout, s.generation, s.status, "x"));
      assertThatThrownBy(() -> s.commands.promoteFull(s.rollout, s.generation, s.status, "x"))
          .hasMessageContaining("the rollout is paused (paused by x); resume it first");
      s.resume().whenReconciledUntilSettled();
      assertThat(s.status.phase()).isEqualTo(StatusPhase.Healthy);
      assertThatThrownBy(() -> s.commands.promoteFull(s.rollout, s.generation, s.status, "x"))
          .hasMessageEndingWith("the rollout is Healthy: its last phase is done");
      s.apply(s.commands.undo(s.rollout, s.generation, s.status, "x"));
      s.whenReconciledUntilSettled();
      assertThatThrownBy(() -> s.commands.promoteFull(s.rollout, s.generation, s.status, "x"))
          .hasMessageContaining("rolled back and is Degraded; `retry` runs the failed phase");
    }
  }

  private static TrailEvent fullPromotion(RolloutScenario s) {
    return s.events(EventType.Promoted).stream()
        .filter(e -> e.reason() == Reason.FullPromotion)
        .findFirst()
        .orElseThrow(() -> new AssertionError("no FullPromotion event in\n" + s.dump()));
  }

  private static List<TrailEvent> phaseEvents(RolloutScenario s, String phase) {
    return s.trail.stream().filter(e -> phase.equals(e.phase())).toList();
  }
}
