package dev.snailtrail.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.snailtrail.api.Resources;
import dev.snailtrail.rollout.PhaseRef;
import dev.snailtrail.rollout.RolloutStatus;
import dev.snailtrail.rollout.Step;
import dev.snailtrail.rollout.TrafficStatus;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class StatusViewTest {
  private static Resources.Detail detail(RolloutStatus s) {
    return new Resources.Detail("shine", 1, 1, List.of("one", "two"), "", s, false, null);
  }

  @Test
  void aPhaseThatShiftsTrafficShowsTheCanarysShare() {
    RolloutStatus s =
        RolloutStatus.initial().toBuilder()
            .observedGeneration(1)
            .currentPhase(new PhaseRef(1, "two"))
            .step(Step.Shifting)
            .traffic(new TrafficStatus(2, 50, Instant.parse("2026-11-23T10:00:00Z"), null))
            .build();
    assertThat(StatusView.render(detail(s), List.of(), false))
        .contains("Traffic: 50% to the canary, 50% stable")
        .contains("▶ two   Shifting");
  }

  @Test
  void aPhaseUnderEcsShowsTheNewRevisionsShareAndTheVerdict() {
    Instant at = Instant.parse("2026-11-23T10:00:05Z");
    RolloutStatus s =
        RolloutStatus.initial().toBuilder()
            .observedGeneration(1)
            .currentPhase(new PhaseRef(1, "two"))
            .step(Step.Shifting)
            .traffic(
                new TrafficStatus(
                    0,
                    10,
                    at,
                    new TrafficStatus.EcsShift("arn:dep", TrafficStatus.HookVerdict.ANALYSING, at)))
            .build();
    assertThat(StatusView.render(detail(s), List.of(), false))
        .contains(
            "Traffic: ECS 10% on the new revision, 90% on the one before; verdict ANALYSING (said"
                + " 2026-11-23T10:00:05Z)");
  }

  @Test
  void aPhaseWithoutTrafficShowsNone() {
    RolloutStatus s = RolloutStatus.initial().toBuilder().observedGeneration(1).build();
    assertThat(StatusView.render(detail(s), List.of(), false)).doesNotContain("Traffic");
  }
}
