package dev.snailtrail.reconcile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.snailtrail.reconcile.Transitions.Move;
import dev.snailtrail.rollout.PhaseRef;
import dev.snailtrail.rollout.Reason;
import dev.snailtrail.rollout.RolloutStatus;
import dev.snailtrail.rollout.StatusPhase;
import dev.snailtrail.rollout.Step;
import dev.snailtrail.spec.Rollout;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TransitionsTest {
  private static final Rollout STORY = Specs.withoutApproval(Specs.snailTrail());
  private static final Instant NOW = Instant.parse("2026-11-23T10:00:00Z");

  /** A status at (phase, step) whose move can be tried; the pass builds from it. */
  private static Pass at(StatusPhase phase, Step step) {
    RolloutStatus s = RolloutStatus.initial();
    Pass p = new Pass(STORY, 1, s, NOW);
    p.move(
        b ->
            b.phase(phase)
                .step(step)
                .observedGeneration(1)
                .currentPhase(new PhaseRef(1, "exploration"))
                .stablePhase(new PhaseRef(0, "first-steps"))
                .failedPhase(new PhaseRef(1, "exploration")));
    return p;
  }

  @Test
  void everyLegalStateHasSomeWayOut() {
    for (StatusPhase phase : StatusPhase.values()) {
      for (Step step : Step.values()) {
        if (!phase.means(step)) {
          continue;
        }
        RolloutStatus s = at(phase, step).status;
        List<Move> out = new ArrayList<>();
        for (Move m : Move.values()) {
          if (Transitions.allows(m, s)) {
            out.add(m);
          }
        }
        assertThat(out).as("moves out of (%s, %s)", phase, step).isNotEmpty();
      }
    }
  }

  @Test
  void settledRolloutsOnlyLeaveThroughAPersonANewSpecOrADriftRevert() {
    RolloutStatus healthy = at(StatusPhase.Healthy, Step.Done).status;
    assertThat(Move.values())
        .filteredOn(m -> Transitions.allows(m, healthy))
        .containsExactlyInAnyOrder(Move.BeginRollback, Move.Restart, Move.Revert);
    RolloutStatus degraded = at(StatusPhase.Degraded, Step.Done).status;
    assertThat(Move.values())
        .filteredOn(m -> Transitions.allows(m, degraded))
        .containsExactlyInAnyOrder(Move.BeginRollback, Move.Restart, Move.Retry, Move.Revert);
  }

  @Test
  void aRevertDeploysAHealthyRolloutsPhaseAgainAndRollsADegradedOneBackAgain() {
    Pass healthy = at(StatusPhase.Healthy, Step.Done);
    Transitions.revert(healthy);
    assertThat(healthy.status.phase()).isEqualTo(StatusPhase.Progressing);
    assertThat(healthy.status.step()).isEqualTo(Step.Deploying);
    assertThat(healthy.status.currentPhase().name()).isEqualTo("exploration");

    Pass degraded = at(StatusPhase.Degraded, Step.Done);
    degraded.update(b -> b.rollbackTarget(new PhaseRef(0, "first-steps")));
    Transitions.revert(degraded);
    assertThat(degraded.status.phase()).isEqualTo(StatusPhase.RollingBack);
    assertThat(degraded.status.rollbackTarget().name()).isEqualTo("first-steps");
    assertThatThrownBy(() -> Transitions.revert(degraded)).isInstanceOf(IllegalMove.class);
  }

  @Test
  void refusesAMoveFromAStateItsRowDoesNotList() {
    Pass healthy = at(StatusPhase.Healthy, Step.Done);
    assertThatThrownBy(() -> Transitions.startBake(healthy))
        .isInstanceOf(IllegalMove.class)
        .hasMessageContaining("StartBake")
        .hasMessageContaining("(Healthy, Done)");
    assertThat(healthy.status.phase()).isEqualTo(StatusPhase.Healthy);

    Pass rollingBack = at(StatusPhase.RollingBack, Step.RollingBack);
    assertThatThrownBy(
            () ->
                Transitions.beginRollback(
                    rollingBack, Reason.ManualAbort, "again", PhaseRef.BASELINE))
        .isInstanceOf(IllegalMove.class);
  }

  @Test
  void meaninglessPairsAreIllegal() {
    assertThat(StatusPhase.Healthy.means(Step.Analyzing)).isFalse();
    assertThat(StatusPhase.Progressing.means(Step.Done)).isFalse();
    assertThat(StatusPhase.RollingBack.means(Step.Baking)).isFalse();
    assertThat(StatusPhase.Paused.means(Step.RollingBack)).isTrue();
  }

  @Test
  void stepsCannotChangePhaseOrStepBehindTheTablesBack() {
    Pass p = at(StatusPhase.Progressing, Step.Analyzing);
    assertThatThrownBy(() -> p.update(b -> b.phase(StatusPhase.Healthy)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("Transitions");
    p.update(b -> b.message("bookkeeping is fine"));
    assertThat(p.status.message()).isEqualTo("bookkeeping is fine");
  }

  @Test
  void pauseAndResumeReturnToTheStateThePauseStopped() {
    Pass p = at(StatusPhase.RollingBack, Step.RollingBack);
    Transitions.pause(p, "held");
    assertThat(p.status.phase()).isEqualTo(StatusPhase.Paused);
    assertThat(p.status.step()).isEqualTo(Step.RollingBack);
    Transitions.resume(p, "on");
    assertThat(p.status.phase()).isEqualTo(StatusPhase.RollingBack);
    assertThat(p.status.step()).isEqualTo(Step.RollingBack);
    assertThat(p.status.pausedFrom()).isNull();
  }

  @Test
  void completingTheLastPhaseSettlesHealthy() {
    Pass p = at(StatusPhase.Progressing, Step.Baking);
    p.update(b -> b.currentPhase(new PhaseRef(3, "victory-lap")).revisions(Map.of()));
    assertThat(Transitions.completePhase(p, "shine:4")).isTrue();
    assertThat(p.status.phase()).isEqualTo(StatusPhase.Healthy);
    assertThat(p.status.step()).isEqualTo(Step.Done);
    assertThat(p.status.stablePhase().name()).isEqualTo("victory-lap");
  }
}
