package dev.snailtrail.reconcile;

import static dev.snailtrail.reconcile.RolloutScenario.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.snailtrail.rollout.StatusPhase;
import dev.snailtrail.rollout.Step;
import dev.snailtrail.rollout.VerbRefused;
import dev.snailtrail.spec.Rollout;
import dev.snailtrail.trail.EventType;
import org.junit.jupiter.api.Test;

class ManualVerbsTest {
  private static final Rollout STORY = Specs.withoutApproval(Specs.snailTrail());

  @Test
  void abortRollsBackTheCurrentPhaseNow() {
    try (var s =
        given(STORY)
            .runUntil(st -> st.currentPhase().index() == 1 && st.step() == Step.Analyzing)) {
      s.apply(s.commands.abort(s.rollout, s.generation, s.status, "alice"));
      s.whenReconciledUntilSettled();
      assertThat(s.status.phase()).isEqualTo(StatusPhase.Degraded);
      assertThat(s.serviceState().taskDefinitionArn())
          .isEqualTo(s.status.revisions().get("first-steps"));
      assertThat(s.messages(EventType.Aborted)).containsExactly("Aborted by alice");
    }
  }

  @Test
  void retryRerunsTheFailedPhaseAfterTheWorldIsFixed() {
    try (var s = given(Specs.withTag(STORY, 3, "full-ml-down")).whenReconciledUntilSettled()) {
      assertThat(s.status.phase()).isEqualTo(StatusPhase.Degraded);
      // The ML backend comes back: the same image now reports ready.
      s.sim.setImageBehavior(
          s.rollout.spec().phases().get(3).image().toString(), dev.snailtrail.sim.Behavior.HEALTHY);
      s.apply(s.commands.retry(s.rollout, s.generation, s.status, "bob"));
      s.whenReconciledUntilSettled();
      assertThat(s.status.phase()).isEqualTo(StatusPhase.Healthy);
      assertThat(s.events(EventType.Retried))
          .singleElement()
          .satisfies(e -> assertThat(e.phase()).as("the phase retried").isEqualTo("victory-lap"));
      assertThat(s.recording.count("ecs.registerTaskDefinition")).isEqualTo(4);
    }
  }

  @Test
  void undoFromHealthyGoesBackOnePhase() {
    try (var s = given(STORY).whenReconciledUntilSettled()) {
      s.apply(s.commands.undo(s.rollout, s.generation, s.status, "carol"));
      s.whenReconciledUntilSettled();
      assertThat(s.status.phase()).isEqualTo(StatusPhase.Degraded);
      assertThat(s.status.stablePhase().name()).isEqualTo("foundation");
      assertThat(s.serviceState().taskDefinitionArn())
          .isEqualTo(s.status.revisions().get("foundation"));
    }
  }

  @Test
  void pauseHoldsAndResumeContinues() {
    try (var s = given(STORY).runUntil(st -> st.currentPhase().index() == 1)) {
      s.apply(s.commands.pause(s.rollout, s.generation, s.status, "dave"));
      String held = s.serviceState().taskDefinitionArn();
      s.advance(java.time.Duration.ofHours(2)).whenReconciledUntilSettled();
      assertThat(s.status.phase()).isEqualTo(StatusPhase.Paused);
      assertThat(s.serviceState().taskDefinitionArn()).isEqualTo(held);
      s.resume().whenReconciledUntilSettled();
      assertThat(s.status.phase()).isEqualTo(StatusPhase.Healthy);
    }
  }

  @Test
  void promoteSkipsTheRestOfTheBake() {
    try (var s = given(STORY).runUntil(st -> st.step() == Step.Baking)) {
      var before = s.clock.instant();
      s.apply(s.commands.promote(s.rollout, s.generation, s.status, "erin"));
      assertThat(s.status.stablePhase().name()).isEqualTo("first-steps");
      assertThat(s.status.currentPhase().name()).isEqualTo("exploration");
      assertThat(s.clock.instant()).isEqualTo(before);
      assertThat(s.messages(EventType.Promoted))
          .singleElement()
          .satisfies(m -> assertThat(m).contains("erin"));
    }
  }

  @Test
  void verbsThatDoNotApplyAreRefusedWithTheReason() {
    try (var s = given(STORY).whenReconciledUntilSettled()) {
      assertThatThrownBy(() -> s.commands.resume(s.rollout, s.generation, s.status, "x"))
          .isInstanceOf(VerbRefused.class)
          .hasMessageContaining("only a paused rollout can be resumed")
          .hasMessageContaining("Healthy");
      assertThatThrownBy(() -> s.commands.approve(s.rollout, s.generation, s.status, "x"))
          .hasMessageContaining("nothing awaits approval");
    }
  }
}
