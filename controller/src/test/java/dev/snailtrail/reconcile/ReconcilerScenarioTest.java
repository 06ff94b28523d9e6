package dev.snailtrail.reconcile;

import static dev.snailtrail.reconcile.RolloutScenario.given;
import static dev.snailtrail.reconcile.RolloutScenario.givenExistingService;
import static dev.snailtrail.reconcile.RolloutScenario.givenFlaky;
import static org.assertj.core.api.Assertions.assertThat;

import dev.snailtrail.rollout.Condition;
import dev.snailtrail.rollout.GateResult;
import dev.snailtrail.rollout.PhaseRef;
import dev.snailtrail.rollout.StatusPhase;
import dev.snailtrail.rollout.Step;
import dev.snailtrail.spec.Rollout;
import dev.snailtrail.trail.EventType;
import dev.snailtrail.trail.TrailEvent;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReconcilerScenarioTest {

  private static final Rollout STORY = Specs.withoutApproval(Specs.snailTrail());

  @Test
  void happyPathCompletesFourPhasesInOrderWithOneRegistrationEach() {
    long wallStart = System.nanoTime();
    try (var s = given(STORY).whenReconciledUntilSettled()) {
      long wallMillis = (System.nanoTime() - wallStart) / 1_000_000;
      assertThat(s.status.phase()).isEqualTo(StatusPhase.Healthy);
      assertThat(s.status.progress()).isEqualTo(100);
      assertThat(s.messages(EventType.PhaseCompleted))
          .containsExactly(
              STORY.spec().phases().get(0).marker(),
              STORY.spec().phases().get(1).marker(),
              STORY.spec().phases().get(2).marker(),
              STORY.spec().phases().get(3).marker());
      assertThat(s.events(EventType.PhaseStarted).stream().map(TrailEvent::phase))
          .containsExactly("first-steps", "exploration", "foundation", "victory-lap");
      assertThat(s.recording.count("ecs.registerTaskDefinition")).isEqualTo(4);
      assertThat(s.status.revisions()).hasSize(4);
      assertThat(s.serviceState().taskDefinitionArn())
          .isEqualTo(s.status.revisions().get("victory-lap"));
      assertThat(s.events(EventType.RollbackStarted)).isEmpty();
      System.out.printf(
          "happy path: 4 phases with 2m bakes, %s simulated, %d passes, %d ms wall%n",
          Duration.between(RolloutScenario.START, s.clock.instant()), s.passes, wallMillis);
    }
  }

  @Test
  void mlDownInPhaseFourRollsBackToFoundationAndHoldsDegraded() {
    try (var s = given(Specs.withTag(STORY, 3, "full-ml-down")).whenReconciledUntilSettled()) {
      assertThat(s.status.phase()).isEqualTo(StatusPhase.Degraded);
      assertThat(s.status.stablePhase().name()).isEqualTo("foundation");
      assertThat(s.serviceState().taskDefinitionArn())
          .isEqualTo(s.status.revisions().get("foundation"));
      assertThat(s.serviceState().runningCount()).isEqualTo(2);
      assertThat(s.messages(EventType.GateFailed))
          .anySatisfy(m -> assertThat(m).contains("degraded"));
      assertThat(s.events(EventType.RollbackStarted))
          .singleElement()
          .satisfies(
              e -> {
                assertThat(e.data())
                    .containsEntry("from", "victory-lap")
                    .containsEntry("to", "foundation");
              });
      assertThat(s.events(EventType.RollbackCompleted)).hasSize(1);
      assertThat(s.messages(EventType.PhaseCompleted)).hasSize(3);
    }
  }

  @Test
  void crashLoopInPhaseOneRollsBackToTheBaseline() {
    try (var s =
        givenExistingService(Specs.withTag(STORY, 0, "simple-crashloop"), "baseline")
            .whenReconciledUntilSettled()) {
      assertThat(s.status.phase()).isEqualTo(StatusPhase.Degraded);
      assertThat(s.status.rollbackTarget()).isEqualTo(PhaseRef.BASELINE);
      assertThat(s.serviceState().taskDefinitionArn()).isEqualTo(s.status.baseline());
      assertThat(s.status.baseline()).endsWith(":1");
      assertThat(String.join("\n", s.messages(EventType.RollbackStarted))).contains("exit");
    }
  }

  @Test
  void wrongPortFailsTargetHealthNamingBothPorts() {
    try (var s = given(Specs.withTag(STORY, 0, "simple-port8080")).whenReconciledUntilSettled()) {
      assertThat(s.status.phase()).isEqualTo(StatusPhase.Degraded);
      String failures =
          String.join("\n", s.messages(EventType.GateFailed))
              + String.join("\n", s.messages(EventType.RollbackStarted));
      assertThat(failures).contains("8080").contains("5000");
    }
  }

  @Test
  void missingImageFailsNamingCannotPullContainerError() {
    try (var s = given(Specs.withTag(STORY, 0, "simple-missing")).whenReconciledUntilSettled()) {
      assertThat(s.status.phase()).isEqualTo(StatusPhase.Degraded);
      assertThat(String.join("\n", s.messages(EventType.RollbackStarted)))
          .contains("CannotPullContainerError");
    }
  }

  @Test
  void progressDeadlineRollsBackAPhaseThatNeverGetsHealthy() {
    // Without ECS's circuit breaker a crash-looping deployment never fails by itself: only the
    // progress deadline ends it.
    try (var s = given(Specs.withTag(STORY, 1, "hybrid-crashloop"))) {
      s.sim.setCircuitBreaker(false);
      s.whenReconciledUntilSettled();
      assertThat(s.status.phase()).isEqualTo(StatusPhase.Degraded);
      assertThat(s.events(EventType.RollbackStarted))
          .singleElement()
          .satisfies(
              e -> {
                assertThat(e.reason().name()).isEqualTo("ProgressDeadlineExceeded");
                assertThat(e.message()).contains("not deployed within 15m");
              });
      assertThat(s.status.stablePhase().name()).isEqualTo("first-steps");
      assertThat(s.serviceState().taskDefinitionArn())
          .isEqualTo(s.status.revisions().get("first-steps"));
    }
  }

  @Test
  void flakyProvidersNeverCauseARollback() {
    try (var s = givenFlaky(STORY, 0.30).whenReconciledUntilSettled()) {
      assertThat(s.recording.injectedFailures()).isGreaterThan(50);
      assertThat(s.status.phase()).isEqualTo(StatusPhase.Healthy);
      assertThat(s.events(EventType.RollbackStarted)).isEmpty();
      assertThat(s.recording.count("ecs.registerTaskDefinition")).isEqualTo(4);
    }
  }

  @Test
  void providerErrorsWhileActingAreRetriedWithTheDriversBackOff() {
    try (var s = givenFlaky(STORY, 0.30).whenReconciledUntilSettled()) {
      String warnings = s.warnings.toString(java.nio.charset.StandardCharsets.UTF_8);
      assertThat(warnings)
          .contains("provider error, retrying in 1s: ")
          .as("failures in a row wait longer")
          .contains("provider error, retrying in 2s: ")
          .contains("THROTTLED - Rate exceeded (injected)")
          .doesNotContain("internal error");
    }
  }

  @Test
  void aBugInAGateStopsTheRunWithAnInternalErrorInsteadOfHoldingTheRollout() {
    try (var s = given(STORY).runUntil(st -> st.step() == Step.Analyzing)) {
      s.recording.throwOn("elbv2.describeTargetHealth", "target cache corrupted");
      int passes = s.passes;
      s.whenReconciledUntilSettled();
      assertThat(s.passes).as("the pass that hit the bug did not end").isEqualTo(passes);
      assertThat(s.status.phase()).isEqualTo(StatusPhase.Progressing);
      assertThat(s.status.step()).isEqualTo(Step.Analyzing);
      assertThat(s.status.conditions())
          .filteredOn(c -> c.holds(Condition.Type.InternalError))
          .singleElement()
          .satisfies(
              c ->
                  assertThat(c.message())
                      .contains("IllegalStateException: target cache corrupted"));
      assertThat(s.status.gates())
          .noneSatisfy(g -> assertThat(g.result()).isEqualTo(GateResult.Inconclusive));
      assertThat(s.warnings.toString(java.nio.charset.StandardCharsets.UTF_8))
          .contains("internal error (a bug, not an outage)")
          .contains("\tat dev.snailtrail.gate.TargetHealthGate.measure(");
      assertThat(s.events(EventType.RollbackStarted)).isEmpty();
    }
  }

  @Test
  void autoApprovalApprovesTheWaitingPhaseAsRunDoes() {
    try (var s = given(Specs.snailTrail()).withAutoApproval().whenReconciledUntilSettled()) {
      assertThat(s.status.phase()).isEqualTo(StatusPhase.Healthy);
      assertThat(s.events(EventType.ApprovalRequired)).hasSize(1);
      assertThat(s.events(EventType.Promoted))
          .singleElement()
          .satisfies(
              e -> {
                assertThat(e.message()).isEqualTo("Phase victory-lap approved automatically");
                assertThat(e.reason().name()).isEqualTo("AutoApproval");
              });
    }
  }

  @Test
  void manualApprovalWaitsAndApprovingContinues() {
    try (var s = given(Specs.snailTrail()).whenReconciledUntilSettled()) {
      assertThat(s.status.step()).isEqualTo(Step.AwaitingApproval);
      assertThat(s.status.currentPhase().name()).isEqualTo("victory-lap");
      assertThat(s.events(EventType.ApprovalRequired)).hasSize(1);
      String beforeApproval = s.serviceState().taskDefinitionArn();
      s.advance(Duration.ofHours(1)).whenReconciledUntilSettled();
      assertThat(s.serviceState().taskDefinitionArn()).isEqualTo(beforeApproval);

      s.approve().whenReconciledUntilSettled();
      assertThat(s.status.phase()).isEqualTo(StatusPhase.Healthy);
      assertThat(s.events(EventType.Promoted))
          .singleElement()
          .satisfies(e -> assertThat(e.message()).contains("tester"));
    }
  }

  @Test
  void reapplyingTheSameSpecMidRolloutChangesNothing() {
    try (var s =
        given(STORY)
            .runUntil(st -> st.currentPhase().index() == 2 && st.step() == Step.Analyzing)) {
      long updates = s.recording.count("ecs.updateService");
      long registrations = s.recording.count("ecs.registerTaskDefinition");
      s.applySpec(Specs.withoutApproval(Specs.snailTrail()), false).whenReconciledUntilSettled();
      assertThat(s.status.phase()).isEqualTo(StatusPhase.Healthy);
      assertThat(s.events(EventType.SpecChanged)).isEmpty();
      assertThat(s.recording.count("ecs.registerTaskDefinition") - registrations).isEqualTo(1);
      assertThat(s.recording.count("ecs.updateService") - updates).isEqualTo(1);
    }
  }

  @Test
  void changingPhaseTwoWhileInPhaseThreeRestartsFromPhaseTwo() {
    try (var s =
        given(STORY)
            .runUntil(st -> st.currentPhase().index() == 2 && st.step() == Step.Analyzing)) {
      String oldExploration = s.status.revisions().get("exploration");
      Rollout next = Specs.withTag(STORY, 1, "hybrid-v2");
      s.sim.pushImage("us-east-1", next.spec().phases().get(1).image());
      s.applySpec(next, true)
          .runUntil(st -> st.currentPhase().index() == 1 && st.step() == Step.Analyzing);
      assertThat(s.events(EventType.SpecChanged))
          .singleElement()
          .satisfies(e -> assertThat(e.message()).contains("exploration"));
      assertThat(s.status.revisions().get("exploration")).isNotEqualTo(oldExploration);
      assertThat(s.serviceState().taskDefinitionArn())
          .isEqualTo(s.status.revisions().get("exploration"));
      s.whenReconciledUntilSettled();
      assertThat(s.status.phase()).isEqualTo(StatusPhase.Healthy);
      assertThat(s.events(EventType.PhaseStarted).stream().map(TrailEvent::phase))
          .containsExactly(
              "first-steps",
              "exploration",
              "foundation",
              "exploration",
              "foundation",
              "victory-lap");
    }
  }

  @Test
  void changingALaterPhaseTakesEffectWhenReached() {
    try (var s =
        given(STORY)
            .runUntil(st -> st.currentPhase().index() == 1 && st.step() == Step.Analyzing)) {
      Rollout next = Specs.withTag(STORY, 3, "full-v2");
      s.sim.pushImage("us-east-1", next.spec().phases().get(3).image());
      s.applySpec(next, true).whenReconciledUntilSettled();
      assertThat(s.status.phase()).isEqualTo(StatusPhase.Healthy);
      assertThat(s.events(EventType.PhaseStarted)).hasSize(4);
      assertThat(s.serviceState().taskDefinitionArn())
          .isEqualTo(s.status.revisions().get("victory-lap"));
      assertThat(
              s.trail.stream()
                  .filter(e -> e.type() == EventType.TaskDefinitionRegistered)
                  .map(TrailEvent::message)
                  .toList())
          .anySatisfy(m -> assertThat(m).contains(":full-v2"));
    }
  }

  @Test
  void driftIsReportedAndThePhaseReasserted() {
    try (var s =
        given(STORY).runUntil(st -> st.currentPhase().index() == 1 && st.step() == Step.Baking)) {
      String phaseOne = s.status.revisions().get("first-steps");
      s.sim.providers().ecs().updateService(s.service(), phaseOne, 1); // someone else's hand
      s.whenReconciledUntilSettled();
      assertThat(s.events(EventType.DriftDetected))
          .singleElement()
          .satisfies(
              e ->
                  assertThat(e.message())
                      .contains("expected")
                      .contains("re-asserting phase exploration"));
      assertThat(s.status.phase()).isEqualTo(StatusPhase.Healthy);
    }
  }

  @Test
  void everyPassDeliveredTwiceReachesTheSameEndWithoutExtraActions() {
    try (var once = given(STORY).whenReconciledUntilSettled();
        var twice = given(STORY).withDuplicateDelivery().whenReconciledUntilSettled()) {
      assertThat(twice.status.phase()).isEqualTo(once.status.phase());
      assertThat(twice.recording.count("ecs.registerTaskDefinition")).isEqualTo(4);
      assertThat(twice.recording.count("ecs.updateService"))
          .isEqualTo(once.recording.count("ecs.updateService"));
      assertThat(twice.recording.count("ecs.createService")).isEqualTo(1);
      assertThat(twice.serviceState().taskDefinitionArn()).endsWith(":4");
      List<String> types = twice.trail.stream().map(e -> e.type().name()).toList();
      assertThat(types)
          .containsSubsequence(
              "PhaseCompleted", "PhaseCompleted", "PhaseCompleted", "PhaseCompleted");
      assertThat(twice.events(EventType.RolloutCompleted)).hasSize(1);
    }
  }

  @Test
  void gateTalliesAreRecordedInStatus() {
    try (var s = given(STORY).runUntil(st -> st.step() == Step.Baking)) {
      assertThat(s.status.gates())
          .hasSize(5)
          .allSatisfy(
              g -> {
                assertThat(g.result()).isEqualTo(GateResult.Passed);
                assertThat(g.passes()).isGreaterThanOrEqualTo(3);
              });
      assertThat(s.status.gates().get(0).name()).isEqualTo("ecsTasks/0");
      assertThat(s.status.progress()).isBetween(15, 25);
    }
  }

  @Test
  void failedPreflightPausesBeforeTouchingTheServiceAndResumeContinues() {
    // The doctor's checks run before each phase deploys; phase 2's image is not in ECR.
    var image = STORY.spec().phases().get(1).image();
    try (var s =
        RolloutScenario.givenPreflight(
            STORY, sim -> new dev.snailtrail.doctor.Preflight(sim.providers()).asHook())) {
      s.sim.removeImage("us-east-1", image);
      s.whenReconciledUntilSettled();
      assertThat(s.status.phase()).isEqualTo(StatusPhase.Paused);
      assertThat(s.status.currentPhase().name()).isEqualTo("exploration");
      assertThat(s.status.message())
          .contains("preflight for exploration failed")
          .contains(":hybrid not found in ECR");
      assertThat(s.events(EventType.PreflightFailed))
          .singleElement()
          .satisfies(e -> assertThat(e.message()).contains("Fix: Push it"));
      assertThat(s.recording.count("ecs.registerTaskDefinition")).isEqualTo(1);
      assertThat(s.recording.count("ecs.updateService")).isZero();
      assertThat(s.status.conditions())
          .filteredOn(c -> c.type() == Condition.Type.Paused)
          .singleElement()
          .satisfies(
              c -> {
                assertThat(c.status()).isEqualTo(Condition.Status.True);
                assertThat(c.reason().name()).isEqualTo("PreflightFailed");
              });
      assertThat(s.serviceState().taskDefinitionArn())
          .isEqualTo(s.status.revisions().get("first-steps"));

      s.sim.pushImage("us-east-1", image);
      s.resume().whenReconciledUntilSettled();
      assertThat(s.status.phase()).isEqualTo(StatusPhase.Healthy);
      assertThat(s.events(EventType.Resumed)).hasSize(1);
    }
  }
}
