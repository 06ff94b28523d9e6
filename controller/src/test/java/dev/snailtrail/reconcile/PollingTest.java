package dev.snailtrail.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class PollingTest {

  @Test
  void withoutEventsALookFollowsTheDeploymentsAge() {
    assertThat(Polling.ECS_PACED.next(Duration.ZERO)).isEqualTo(Duration.ofSeconds(5));
    assertThat(Polling.ECS_PACED.next(Duration.ofSeconds(30))).isEqualTo(Duration.ofSeconds(10));
    assertThat(Polling.ECS_PACED.next(Duration.ofMinutes(5))).isEqualTo(Duration.ofSeconds(15));
  }

  @Test
  void withEventsTheLookForALostEventComesAMinuteInThenEveryHalfTheAgeAtMostEveryFiveMinutes() {
    Polling woken = Polling.woken(Duration.ofHours(1));

    assertThat(woken.next(Duration.ZERO)).isEqualTo(Duration.ofMinutes(1));
    assertThat(woken.next(Duration.ofMinutes(1))).isEqualTo(Duration.ofMinutes(1));
    assertThat(woken.next(Duration.ofMinutes(4))).isEqualTo(Duration.ofMinutes(2));
    assertThat(woken.next(Duration.ofHours(2))).isEqualTo(Duration.ofMinutes(5));
  }

  @Test
  void withEventsTheCapBoundsEveryWait() {
    Polling woken = Polling.woken(Duration.ofSeconds(30));

    assertThat(woken.next(Duration.ZERO)).isEqualTo(Duration.ofSeconds(30));
    assertThat(woken.next(Duration.ofHours(2))).isEqualTo(Duration.ofSeconds(30));
    assertThat(Polling.woken(Duration.ofMinutes(2)).next(Duration.ofMinutes(10)))
        .isEqualTo(Duration.ofMinutes(2));
  }
}
