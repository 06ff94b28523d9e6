package dev.snailtrail.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.snailtrail.provider.CallListener;
import dev.snailtrail.rollout.PhaseRef;
import dev.snailtrail.rollout.RolloutStatus;
import dev.snailtrail.rollout.StatusPhase;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class AwsCallTallyTest {

  private final AwsCallTally tally = new AwsCallTally();

  @Test
  void countsRequestsPerPhaseOperationAndOutcomeAndTheMostOneStepMade() {
    RolloutStatus first =
        RolloutStatus.initial().toBuilder()
            .observedGeneration(1)
            .currentPhase(new PhaseRef(0, "first-steps"))
            .build();
    tally.beforePass(RolloutStatus.initial());
    call("ecs", "DescribeServices", CallListener.SUCCESS);
    tally.beforePass(first);
    call("ecs", "DescribeServices", CallListener.THROTTLED);
    call("ecs", "DescribeServices", CallListener.SUCCESS);
    call("ecs", "DescribeServices", CallListener.SUCCESS);
    tally.beforePass(first);
    call("ecs", "DescribeServices", CallListener.SUCCESS);
    tally.beforePass(
        first.toBuilder().phase(StatusPhase.RollingBack).rollbackTarget(PhaseRef.BASELINE).build());
    call("ecs", "UpdateService", CallListener.ERROR);

    assertThat(tally.passes()).isEqualTo(4);
    assertThat(tally.total("ecs.DescribeServices", CallListener.SUCCESS)).isEqualTo(4);
    assertThat(tally.total(CallListener.THROTTLED)).isEqualTo(1);
    assertThat(tally.maxPerPass("ecs.DescribeServices")).isEqualTo(2);
    assertThat(tally.rows())
        .extracting(AwsCallTally.Row::phase, AwsCallTally.Row::passes, AwsCallTally.Row::call)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("start", 1, "ecs.DescribeServices"),
            org.assertj.core.groups.Tuple.tuple("first-steps", 2, "ecs.DescribeServices"),
            org.assertj.core.groups.Tuple.tuple("rollback to baseline", 1, "ecs.UpdateService"));
    assertThat(tally.table())
        .contains("| first-steps | 2 | ecs.DescribeServices | 3 | 1 | 0 | 0 |")
        .contains("| rollback to baseline | 1 | ecs.UpdateService | 0 | 0 | 1 | 0 |");
  }

  private void call(String service, String operation, String outcome) {
    tally.onCall(service, operation, outcome, Duration.ofMillis(3));
  }
}
