package dev.snailtrail.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.snailtrail.gate.GateEvaluator;
import dev.snailtrail.provider.ServiceRef;
import dev.snailtrail.rollout.RolloutStatus;
import dev.snailtrail.sim.Seed;
import dev.snailtrail.sim.Simulator;
import dev.snailtrail.spec.Rollout;
import dev.snailtrail.time.MutableClock;
import dev.snailtrail.trail.EventType;
import dev.snailtrail.trail.TrailEvent;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The first pass records what the service runs as the baseline, unless the status already holds the
 * baseline the rollout began from (a status rebuilt from the trail after status.json was lost).
 */
class BaselineTest {
  static final Rollout STORY = Specs.withoutApproval(Specs.snailTrail());
  static final String OLD =
      "arn:aws:ecs:us-east-1:123456789012:task-definition/shine-api-gateway:7";

  final MutableClock clock = new MutableClock(Instant.parse("2026-11-23T10:00:00Z"));
  final Simulator sim = new Simulator(clock);
  final Reconciler reconciler =
      new Reconciler(sim.providers(), GateEvaluator.withDefaults(), clock);

  @AfterEach
  void close() {
    sim.close();
  }

  String running() {
    var t = STORY.spec().target();
    return sim.describeService(new ServiceRef(t.region(), t.cluster(), t.service()))
        .orElseThrow()
        .taskDefinitionArn();
  }

  RolloutStatus firstPass(RolloutStatus from) {
    return reconciler.reconcile(STORY, 1, from).status();
  }

  @Test
  void aNewRolloutRecordsWhatTheServiceRunsAndSaysSoInRolloutStarted() {
    sim.seed(STORY, Seed.existingService("baseline").withDesiredCount(2));

    var result = reconciler.reconcile(STORY, 1, RolloutStatus.initial());

    assertThat(result.status().baseline()).isEqualTo(running());
    assertThat(result.status().baselineDesiredCount()).isEqualTo(2);
    assertThat(result.status().baselineRecorded()).isTrue();
    TrailEvent started =
        result.events().stream()
            .filter(e -> e.type() == EventType.RolloutStarted)
            .findFirst()
            .orElseThrow();
    assertThat(started.data())
        .containsEntry("baseline", running())
        .containsEntry("baselineDesiredCount", "2");
  }

  @Test
  void aRecordedBaselineIsKeptThoughTheServiceRunsSomethingElse() {
    sim.seed(STORY, Seed.existingService("baseline").withDesiredCount(2));
    RolloutStatus rebuilt =
        RolloutStatus.initial().toBuilder()
            .baseline(OLD)
            .baselineDesiredCount(6)
            .baselineRecorded(true)
            .build();

    RolloutStatus s = firstPass(rebuilt);

    assertThat(s.baseline()).isEqualTo(OLD);
    assertThat(s.baselineDesiredCount()).isEqualTo(6);
  }

  @Test
  void aRecordedServiceTheRolloutCreatedKeepsNoBaseline() {
    sim.seed(STORY, Seed.existingService("baseline").withDesiredCount(2));
    RolloutStatus rebuilt = RolloutStatus.initial().toBuilder().baselineRecorded(true).build();

    RolloutStatus s = firstPass(rebuilt);

    assertThat(s.baseline()).isNull();
    assertThat(s.baselineDesiredCount()).isZero();
  }

  @Test
  void aTrailThatRecordedOnlyTheTaskDefinitionKeepsItAndTakesTheServicesCount() {
    sim.seed(STORY, Seed.existingService("baseline").withDesiredCount(2));
    RolloutStatus rebuilt = RolloutStatus.initial().toBuilder().baseline(OLD).build();

    RolloutStatus s = firstPass(rebuilt);

    assertThat(s.baseline()).isEqualTo(OLD);
    assertThat(s.baselineDesiredCount()).isEqualTo(2);
    assertThat(s.baselineRecorded()).isTrue();
  }
}
