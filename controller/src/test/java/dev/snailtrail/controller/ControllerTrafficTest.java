package dev.snailtrail.controller;

import static org.assertj.core.api.Assertions.assertThat;

import dev.snailtrail.metrics.Metrics;
import dev.snailtrail.rollout.RolloutStatus;
import dev.snailtrail.rollout.StatusPhase;
import dev.snailtrail.store.FileStore;
import dev.snailtrail.trail.EventType;
import dev.snailtrail.trail.TrailEvent;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Phases that shift traffic under the long-running controller, not only under {@code run}: its
 * timers hold each pause, and the weights step and come back as the trail records them.
 */
class ControllerTrafficTest {
  @TempDir Path dir;

  private static List<String> weights(SimController c, String name) {
    return c.plane().trail(name, 0, 0).stream()
        .filter(e -> e.type() == EventType.TrafficShifted)
        .map(TrailEvent::data)
        .map(d -> d.get("weight"))
        .toList();
  }

  @Test
  void theCanaryStepsTenFiftyHundredAndComesBackUnderTheController() throws Exception {
    try (SimController c = new SimController()) {
      c.start(new FileStore(dir.resolve("store"), c.clock), Metrics.NOOP);
      c.plane().apply("canary.yaml", SimController.example("canary.yaml"));

      RolloutStatus end = c.runUntilItWaitsOrSettles("shine-api-gateway-canary");

      assertThat(end.phase()).as(c.log()).isEqualTo(StatusPhase.Healthy);
      assertThat(weights(c, "shine-api-gateway-canary")).containsExactly("10", "50", "100", "0");
    }
  }

  @Test
  void theDrillRollsBackToAllStableUnderTheController() throws Exception {
    try (SimController c = new SimController()) {
      c.start(new FileStore(dir.resolve("store"), c.clock), Metrics.NOOP);
      c.plane().apply("drill.yaml", SimController.example("drills/canary-fails-at-50.yaml"));

      RolloutStatus end = c.runUntilItWaitsOrSettles("shine-api-gateway-canary-drill");

      assertThat(end.phase()).as(c.log()).isEqualTo(StatusPhase.Degraded);
      assertThat(end.stablePhase().name()).isEqualTo("foundation");
      assertThat(weights(c, "shine-api-gateway-canary-drill")).containsExactly("10", "50", "0");
    }
  }

  @Test
  void ecssCanaryFinishesOnTheStoredVerdictUnderTheController() throws Exception {
    try (SimController c = new SimController()) {
      c.start(new FileStore(dir.resolve("store"), c.clock), Metrics.NOOP);
      c.plane().apply("blue-green.yaml", SimController.example("blue-green.yaml"));

      RolloutStatus end = c.runUntilItWaitsOrSettles("shine-api-gateway-blue-green");

      assertThat(end.phase()).as(c.log()).isEqualTo(StatusPhase.Healthy);
      assertThat(weights(c, "shine-api-gateway-blue-green")).containsExactly("10", "100", "100");
      assertThat(end.traffic().ecs().verdict())
          .isEqualTo(dev.snailtrail.rollout.TrafficStatus.HookVerdict.SUCCEEDED);
    }
  }
}
