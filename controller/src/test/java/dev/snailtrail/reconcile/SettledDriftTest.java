package dev.snailtrail.reconcile;

import static dev.snailtrail.reconcile.RolloutScenario.given;
import static dev.snailtrail.reconcile.RolloutScenario.givenExistingService;
import static org.assertj.core.api.Assertions.assertThat;

import dev.snailtrail.rollout.Condition;
import dev.snailtrail.rollout.StatusPhase;
import dev.snailtrail.spec.DriftPolicy;
import dev.snailtrail.spec.Rollout;
import dev.snailtrail.spec.load.SpecLoader;
import dev.snailtrail.trail.EventType;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * After a rollout settles, someone puts an old revision back with another count ({@code aws ecs
 * update-service}): the rollout says so once, keeps saying it without repeating itself, and by its
 * drift policy leaves the service or puts it back.
 */
class SettledDriftTest {

  private static final Rollout STORY = Specs.withoutApproval(Specs.snailTrail());

  private static Rollout withPolicy(Rollout r, DriftPolicy policy) {
    var s = r.spec();
    return new Rollout(
        r.apiVersion(),
        r.kind(),
        r.metadata(),
        new dev.snailtrail.spec.RolloutSpec(
            s.target(), s.template(), s.analysis(), s.progressDeadline(), s.phases(), policy));
  }

  /** One pass, as the controller's resync runs it, 30 s after the last. */
  private static void resync(RolloutScenario s) {
    s.advance(Duration.ofSeconds(30));
    s.apply(s.reconciler.reconcile(s.rollout, s.generation, s.status));
  }

  private static Optional<Condition> drifted(RolloutScenario s) {
    return s.status.conditions().stream().filter(c -> c.holds(Condition.Type.Drifted)).findFirst();
  }

  static Rollout twoPhases(String policy) throws Exception {
    return new SpecLoader()
        .parse(
            """
            apiVersion: snailtrail.dev/v1
            kind: Rollout
            metadata: {name: drift}
            spec:
              target: {region: us-east-1, cluster: drift, service: drift-api}
              template: {family: drift-api, container: api, port: 5000}
              analysis: {interval: 5s, count: 1}
              driftPolicy: %s
              phases:
                - {name: one, image: "ghcr.io/snail-trail/drift-api:simple", desiredCount: 2,
                   gates: [ecsTasks]}
                - {name: two, image: "ghcr.io/snail-trail/drift-api:hybrid", desiredCount: 2,
                   gates: [ecsTasks]}
            """
                .formatted(policy),
            "drift.yaml",
            Path.of("."))
        .get(0);
  }

  @Test
  void driftAfterHealthyIsReportedOnceAndItsEndOnce() throws Exception {
    try (var s =
        givenExistingService(twoPhases("report"), "baseline").whenReconciledUntilSettled()) {
      assertThat(s.status.phase()).isEqualTo(StatusPhase.Healthy);
      assertThat(s.status.desiredCount()).isEqualTo(2);
      String two = s.status.revisions().get("two");
      String one = s.status.revisions().get("one");

      // aws ecs update-service --task-definition drift-api:2 --desired-count 3
      s.sim.updateService(s.service(), one, 3);
      for (int i = 0; i < 5; i++) {
        resync(s);
      }

      assertThat(s.status.phase()).isEqualTo(StatusPhase.Healthy);
      assertThat(s.events(EventType.DriftDetected))
          .as(s.dump())
          .singleElement()
          .satisfies(
              e -> {
                assertThat(e.message())
                    .contains(
                        "revision drift-api:2 where the rollout left drift-api:3",
                        "desiredCount 3 where the rollout holds 2",
                        "driftPolicy report: nothing changed");
                assertThat(e.data()).containsEntry("policy", "report");
              });
      assertThat(drifted(s)).get().extracting(Condition::message).asString().contains("revision");
      // Reported, not acted on.
      assertThat(s.serviceState().taskDefinitionArn()).isEqualTo(one);
      assertThat(s.serviceState().desiredCount()).isEqualTo(3);

      s.sim.updateService(s.service(), two, 2);
      for (int i = 0; i < 3; i++) {
        resync(s);
      }
      assertThat(s.events(EventType.DriftEnded)).hasSize(1);
      assertThat(s.events(EventType.DriftDetected)).hasSize(1);
      assertThat(drifted(s)).isEmpty();
    }
  }

  @Test
  void aDeploymentTheRolloutDidNotStartIsDriftUntilItIsOver() throws Exception {
    try (var s =
        givenExistingService(twoPhases("report"), "baseline").whenReconciledUntilSettled()) {
      // aws ecs update-service --force-new-deployment: the same revision and count
      s.sim.updateService(s.service(), s.status.revisions().get("two"), 2);
      // A pass (a worker's, or the resync's) while ECS carries it out.
      s.advance(Duration.ofSeconds(1));
      s.apply(s.reconciler.reconcile(s.rollout, s.generation, s.status));
      assertThat(s.messages(EventType.DriftDetected))
          .singleElement()
          .asString()
          .contains("the rollout did not start");
      for (int i = 0; i < 10; i++) {
        resync(s);
      }
      assertThat(s.events(EventType.DriftEnded)).hasSize(1);
      assertThat(s.events(EventType.DriftDetected)).hasSize(1);
    }
  }

  @Test
  void aChangeOfTheDriftIsReportedAgain() throws Exception {
    try (var s =
        givenExistingService(twoPhases("report"), "baseline").whenReconciledUntilSettled()) {
      s.sim.updateService(s.service(), s.status.revisions().get("two"), 5);
      resync(s);
      resync(s);
      s.sim.updateService(s.service(), s.status.revisions().get("one"), 5);
      resync(s);
      resync(s);
      assertThat(s.messages(EventType.DriftDetected))
          .as(s.dump())
          .hasSize(2)
          .satisfies(m -> assertThat(m.get(0)).doesNotContain("revision"))
          .satisfies(m -> assertThat(m.get(1)).contains("revision", "desiredCount 5"));
    }
  }

  @Test
  void revertDeploysTheStablePhaseAgainThroughItsGates() {
    try (var s = given(withPolicy(STORY, DriftPolicy.REVERT)).whenReconciledUntilSettled()) {
      String victoryLap = s.status.revisions().get("victory-lap");
      int held = s.serviceState().desiredCount();
      s.sim.updateService(s.service(), s.status.revisions().get("foundation"), held);

      resync(s);
      assertThat(s.status.phase()).isEqualTo(StatusPhase.Progressing);
      s.whenReconciledUntilSettled();
      resync(s);

      assertThat(s.status.phase()).as(s.dump()).isEqualTo(StatusPhase.Healthy);
      assertThat(s.serviceState().taskDefinitionArn()).isEqualTo(victoryLap);
      assertThat(s.serviceState().desiredCount()).isEqualTo(held);
      assertThat(s.events(EventType.DriftDetected))
          .singleElement()
          .satisfies(e -> assertThat(e.message()).contains("deploying victory-lap again"));
      assertThat(s.events(EventType.DriftEnded)).hasSize(1);
      assertThat(s.events(EventType.RollbackStarted)).isEmpty();
      // The phase was measured again before it counted as stable again.
      assertThat(s.events(EventType.PhaseCompleted)).hasSize(5);
      assertThat(drifted(s)).isEmpty();
    }
  }

  @Test
  void revertAfterARollbackRollsBackToTheTargetAgain() {
    Rollout drill = withPolicy(Specs.withTag(STORY, 3, "full-ml-down"), DriftPolicy.REVERT);
    try (var s = given(drill).whenReconciledUntilSettled()) {
      assertThat(s.status.phase()).isEqualTo(StatusPhase.Degraded);
      String foundation = s.status.revisions().get("foundation");
      s.sim.updateService(s.service(), s.status.revisions().get("victory-lap"), 2);

      resync(s);
      assertThat(s.status.phase()).isEqualTo(StatusPhase.RollingBack);
      s.whenReconciledUntilSettled();
      resync(s);

      assertThat(s.status.phase()).as(s.dump()).isEqualTo(StatusPhase.Degraded);
      assertThat(s.serviceState().taskDefinitionArn()).isEqualTo(foundation);
      assertThat(s.events(EventType.DriftDetected))
          .singleElement()
          .satisfies(e -> assertThat(e.message()).contains("deploying foundation again"));
      assertThat(s.events(EventType.DriftEnded)).hasSize(1);
    }
  }

  @Test
  void aServiceTheRolloutCreatedWithoutACountMayBeScaledWithoutDrift() throws Exception {
    Rollout noCount =
        new SpecLoader()
            .parse(
                """
                apiVersion: snailtrail.dev/v1
                kind: Rollout
                metadata: {name: drift}
                spec:
                  target:
                    region: us-east-1
                    cluster: drift
                    service: drift-api
                    createIfMissing: true
                    network: {subnets: [subnet-0a1b2c3d4e5f60718], securityGroups: [sg-0a1b2c3d4e5f60718], assignPublicIp: true}
                  template: {family: drift-api, container: api, port: 5000}
                  analysis: {interval: 5s, count: 1}
                  driftPolicy: revert
                  phases:
                    - {name: one, image: "ghcr.io/snail-trail/drift-api:simple", gates: [ecsTasks]}
                """,
                "drift.yaml",
                Path.of("."))
            .get(0);
    try (var s = given(noCount).whenReconciledUntilSettled()) {
      assertThat(s.status.phase()).as(s.dump()).isEqualTo(StatusPhase.Healthy);
      assertThat(s.serviceState().desiredCount()).as("a new service starts one task").isEqualTo(1);

      // An autoscaler (or a person) scales the service: the spec names no count, so it is theirs.
      s.sim.updateService(s.service(), s.status.revisions().get("one"), 4);
      for (int i = 0; i < 3; i++) {
        resync(s);
      }

      assertThat(s.events(EventType.DriftDetected)).as(s.dump()).isEmpty();
      assertThat(s.serviceState().desiredCount()).isEqualTo(4);
    }
  }
}
