package dev.snailtrail.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.snailtrail.rollout.GateResult;
import dev.snailtrail.rollout.StatusPhase;
import dev.snailtrail.rollout.Step;
import dev.snailtrail.spec.Rollout;
import dev.snailtrail.spec.load.SpecLoader;
import dev.snailtrail.trail.EventType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An alarm is already an aggregated signal: a {@code cloudwatchAlarm} gate fails on the first ALARM
 * it sees, and it is looked at on every pass, not only at its interval, so the pass an alarm event
 * wakes (or the next poll) starts the rollback.
 */
class AlarmSpeedTest {
  @TempDir Path dir;

  private Rollout spec(String alarmOptions) throws Exception {
    Path file = dir.resolve("alarmed.yaml");
    Files.writeString(
        file,
        """
        apiVersion: snailtrail.dev/v1
        kind: Rollout
        metadata: {name: alarmed}
        spec:
          target: {region: eu-west-1, cluster: default, service: alarmed}
          template: {family: alarmed, container: web, port: 8080}
          analysis: {interval: 30s, count: 2}
          phases:
            - name: one
              image: public.ecr.aws/nginx/nginx:1.26
            - name: two
              image: public.ecr.aws/nginx/nginx:1.27
              bake: 10m
              gates:
                - cloudwatchAlarm: {names: [alarmed-5xx]%s}
        """
            .formatted(alarmOptions),
        StandardCharsets.UTF_8);
    return new SpecLoader().load(file).get(0);
  }

  @Test
  void theFirstAlarmSeenBetweenIntervalsStartsTheRollbackAtThatPass() throws Exception {
    try (RolloutScenario s = RolloutScenario.givenExistingService(spec(""), "1.25")) {
      s.runUntil(st -> st.step() == Step.Baking);
      assertThat(s.rollout.spec().phases().get(1).gates().get(0).analysis().failureLimit())
          .isZero();
      s.advance(Duration.ofSeconds(3));
      s.sim.setAlarmState("alarmed-5xx", "ALARM", "Threshold Crossed: 5xx above 5");
      s.advance(Duration.ofSeconds(1));

      // One pass, well inside the gate's 30 s interval: as an alarm event would wake it.
      s.apply(s.reconciler.reconcile(s.rollout, s.generation, s.status));
      assertThat(s.status.phase()).as(s.dump()).isEqualTo(StatusPhase.RollingBack);
      assertThat(s.status.gates().get(0).result()).isEqualTo(GateResult.Failed);
      assertThat(s.messages(EventType.GateFailed))
          .singleElement()
          .asString()
          .contains("alarmed-5xx in ALARM");

      // The next pass sends the rollback's UpdateService.
      s.apply(s.reconciler.reconcile(s.rollout, s.generation, s.status));
      assertThat(s.serviceState().taskDefinitionArn()).isEqualTo(s.status.revisions().get("one"));
    }
  }

  @Test
  void aGateThatToleratesFailuresCountsThemAtItsIntervalOnly() throws Exception {
    try (RolloutScenario s =
        RolloutScenario.givenExistingService(spec(", analysis: {failureLimit: 1}"), "1.25")) {
      s.runUntil(st -> st.step() == Step.Baking);
      s.advance(Duration.ofSeconds(3));
      s.sim.setAlarmState("alarmed-5xx", "ALARM", "Threshold Crossed: 5xx above 5");
      for (int i = 0; i < 5; i++) {
        s.advance(Duration.ofSeconds(1));
        s.apply(s.reconciler.reconcile(s.rollout, s.generation, s.status));
      }
      assertThat(s.status.step()).as(s.dump()).isEqualTo(Step.Baking);
      assertThat(s.status.gates().get(0).failures()).isZero();

      s.whenReconciledUntilSettled();
      assertThat(s.status.phase()).as(s.dump()).isEqualTo(StatusPhase.Degraded);
      assertThat(s.status.gates().get(0).failures()).isEqualTo(2);
      assertThat(s.events(EventType.GateFailed)).singleElement().asString().contains("ALARM");
    }
  }
}
