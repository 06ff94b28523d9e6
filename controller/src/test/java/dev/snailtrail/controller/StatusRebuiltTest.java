package dev.snailtrail.controller;

import static org.assertj.core.api.Assertions.assertThat;

import dev.snailtrail.metrics.Metrics;
import dev.snailtrail.provider.ServiceRef;
import dev.snailtrail.rollout.RolloutStatus;
import dev.snailtrail.sim.Seed;
import dev.snailtrail.store.FileStore;
import dev.snailtrail.trail.EventType;
import dev.snailtrail.trail.TrailEvent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A rollout whose status.json is lost mid-rollout starts again from the baseline it began with. */
class StatusRebuiltTest {
  static final String NAME = "shine-api-gateway-drill";
  static final ServiceRef SERVICE =
      new ServiceRef("us-east-1", "shine-ml-cluster", "shine-api-gateway");

  @TempDir Path dir;
  final SimController env = new SimController();

  @AfterEach
  void stop() {
    env.close();
  }

  @Test
  void aLostStatusIsRebuiltWithTheBaselineTheRolloutBeganFrom() throws Exception {
    env.seed = Seed.existingService("baseline").withDesiredCount(5);
    Path store = dir.resolve("store");
    env.start(new FileStore(store, env.clock), Metrics.NOOP);
    env.plane().apply("ml-down.yaml", SimController.drill());
    while (env.status(NAME).currentPhase().index() < 1) {
      assertThat(env.step()).isTrue();
    }
    RolloutStatus before = env.status(NAME);
    String baseline = before.baseline();
    assertThat(baseline).endsWith("shine-api-gateway:1");
    assertThat(before.baselineDesiredCount()).isEqualTo(5);
    // The service runs a phase of the rollout now, not what it ran before.
    assertThat(env.sim.describeService(SERVICE).orElseThrow().taskDefinitionArn())
        .isNotEqualTo(baseline);
    env.controller.close();

    Files.delete(store.resolve(NAME).resolve("status.json"));
    env.start(new FileStore(store, env.clock), Metrics.NOOP);
    env.settleQueue();

    RolloutStatus rebuilt = env.status(NAME);
    assertThat(rebuilt.observedGeneration()).as("reconciled again").isEqualTo(1);
    assertThat(rebuilt.baseline()).isEqualTo(baseline);
    assertThat(rebuilt.baselineDesiredCount()).isEqualTo(5);
    List<TrailEvent> started =
        env.plane().trail(NAME, 0, 0).stream()
            .filter(e -> e.type() == EventType.RolloutStarted)
            .toList();
    assertThat(started).hasSize(2);
    assertThat(started.get(1).message()).contains("started again", "shine-api-gateway:1");
    assertThat(started.get(1).data())
        .containsEntry("baseline", baseline)
        .containsEntry("baselineDesiredCount", "5");
    assertThat(rebuilt.eventSeq()).isEqualTo(env.plane().trail(NAME, 0, 0).getLast().sequence());
  }
}
