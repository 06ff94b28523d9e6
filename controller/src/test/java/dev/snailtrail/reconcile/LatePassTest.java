package dev.snailtrail.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.snailtrail.rollout.GateResult;
import dev.snailtrail.rollout.StatusPhase;
import dev.snailtrail.rollout.Step;
import dev.snailtrail.spec.Rollout;
import dev.snailtrail.spec.load.SpecLoader;
import dev.snailtrail.trail.EventType;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * A pass that reaches a rollout after its progress deadline (the controller's queue was long) does
 * not roll back on gate measurements taken before the deadline: it measures them once more.
 */
class LatePassTest {

  private static final Duration DEADLINE = Duration.ofMinutes(2);

  static Rollout spec() throws Exception {
    return new SpecLoader()
        .parse(
            """
            apiVersion: snailtrail.dev/v1
            kind: Rollout
            metadata: {name: late}
            spec:
              target: {region: us-east-1, cluster: late, service: late-api}
              template: {family: late-api, container: api, port: 5000}
              progressDeadline: 2m
              phases:
                - name: one
                  image: ghcr.io/snail-trail/late-api:simple
                  gates:
                    - ecsTasks: {analysis: {interval: 2m, count: 2}}
            """,
            "late.yaml",
            Path.of("."))
        .get(0);
  }

  @Test
  void aPassArrivingAfterTheDeadlineMeasuresTheGatesBeforeItRollsBack() throws Exception {
    try (var s = RolloutScenario.givenExistingService(spec(), "baseline")) {
      s.runUntil(st -> st.step() == Step.Analyzing && st.gates().get(0).passes() == 1);
      Instant deadline = s.status.phaseStartedAt().plus(DEADLINE);
      Instant measured = s.status.gates().get(0).lastMeasuredAt();
      // The gate is not due again by its interval when the late pass comes.
      Instant late = deadline.plusSeconds(1);
      assertThat(measured.plus(Duration.ofMinutes(2))).isAfter(late);

      s.clock.set(late);
      s.apply(s.reconciler.reconcile(s.rollout, s.generation, s.status));

      assertThat(s.events(EventType.RollbackStarted)).as(s.dump()).isEmpty();
      assertThat(s.status.gates().get(0).result()).isEqualTo(GateResult.Passed);
      assertThat(s.status.gates().get(0).lastMeasuredAt()).isEqualTo(late);
      assertThat(s.status.phase()).isEqualTo(StatusPhase.Healthy);
    }
  }
}
