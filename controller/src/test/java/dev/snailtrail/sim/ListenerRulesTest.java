package dev.snailtrail.sim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.snailtrail.provider.LoadBalancing.WeightedTargetGroup;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class ListenerRulesTest {
  private static List<WeightedTargetGroup> rule(int canary) {
    return List.of(
        new WeightedTargetGroup("stable", 100 - canary), new WeightedTargetGroup("canary", canary));
  }

  private static long canaryShare(int weight, int requests) {
    return LongStream.range(0, requests)
        .filter(n -> "canary".equals(ListenerRules.pick(rule(weight), n)))
        .count();
  }

  @Test
  void eachGroupGetsExactlyItsWeightOfEveryHundredRequestsSpreadEvenly() {
    assertThat(canaryShare(0, 100)).isZero();
    assertThat(canaryShare(10, 100)).isEqualTo(10);
    assertThat(canaryShare(50, 100)).isEqualTo(50);
    assertThat(canaryShare(100, 100)).isEqualTo(100);
    assertThat(canaryShare(10, 10)).as("the tenth request, not the first ten").isEqualTo(1);
    assertThat(canaryShare(50, 2)).isEqualTo(1);
  }

  @Test
  void aRuleWeighingNothingPicksNoGroup() {
    assertThat(ListenerRules.pick(rule(0).subList(1, 2), 0)).isNull();
  }

  @Test
  void aRestoredWorldHasTheWeightsItWasSavedWith() throws Exception {
    var clock =
        new dev.snailtrail.time.MutableClock(java.time.Instant.parse("2026-11-23T10:00:00Z"));
    var canary =
        new dev.snailtrail.spec.load.SpecLoader()
            .load(
                java.nio.file.Path.of(
                    System.getProperty("snailtrail.root"), "spec-examples/canary.yaml"))
            .get(0);
    var routing = canary.spec().target().traffic();
    List<WeightedTargetGroup> half =
        List.of(
            new WeightedTargetGroup(routing.stableTargetGroupArn(), 50),
            new WeightedTargetGroup(routing.canaryTargetGroupArn(), 50));
    try (Simulator sim = new Simulator(clock)) {
      sim.seed(canary, Seed.existingService("baseline"));
      sim.providers().loadBalancing().setForwardWeights("us-east-1", routing.forwardArn(), half);
      try (Simulator again = Simulator.restore(clock, sim.snapshot())) {
        assertThat(
                again.providers().loadBalancing().forwardWeights("us-east-1", routing.forwardArn()))
            .isEqualTo(half);
      }
    }
  }
}
