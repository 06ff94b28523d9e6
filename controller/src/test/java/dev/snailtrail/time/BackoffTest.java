package dev.snailtrail.time;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class BackoffTest {

  private static final Backoff ONE_SECOND_TO_A_MINUTE =
      Backoff.exponential(Duration.ofSeconds(1), Duration.ofMinutes(1));

  @Test
  void doublesFromTheBaseUntilTheCap() {
    assertThat(IntStream.rangeClosed(1, 8).mapToObj(ONE_SECOND_TO_A_MINUTE::delay))
        .containsExactly(
            Duration.ofSeconds(1),
            Duration.ofSeconds(2),
            Duration.ofSeconds(4),
            Duration.ofSeconds(8),
            Duration.ofSeconds(16),
            Duration.ofSeconds(32),
            Duration.ofMinutes(1),
            Duration.ofMinutes(1));
  }

  @Test
  void aLongRunOfFailuresStaysAtTheCapWithoutOverflowing() {
    Backoff b = Backoff.exponential(Duration.ofSeconds(1), Duration.ofMinutes(5));
    assertThat(b.delay(30)).isEqualTo(Duration.ofMinutes(5));
    assertThat(b.delay(64)).isEqualTo(Duration.ofMinutes(5));
    assertThat(b.delay(Integer.MAX_VALUE)).isEqualTo(Duration.ofMinutes(5));
  }

  @Test
  void subSecondDelaysKeepTheirPrecision() {
    Backoff b = Backoff.exponential(Duration.ofMillis(20), Duration.ofMillis(200));
    assertThat(IntStream.rangeClosed(1, 5).mapToObj(b::delay))
        .containsExactly(
            Duration.ofMillis(20),
            Duration.ofMillis(40),
            Duration.ofMillis(80),
            Duration.ofMillis(160),
            Duration.ofMillis(200));
  }

  @Test
  void anotherFactorGrowsByIt() {
    Backoff b = Backoff.exponential(Duration.ofSeconds(1), Duration.ofSeconds(10)).withFactor(1.5);
    assertThat(b.delay(2)).isEqualTo(Duration.ofMillis(1500));
    assertThat(b.delay(3)).isEqualTo(Duration.ofMillis(2250));
    assertThat(Backoff.exponential(Duration.ofSeconds(3), Duration.ofSeconds(10)).withFactor(1))
        .satisfies(flat -> assertThat(flat.delay(1_000)).isEqualTo(Duration.ofSeconds(3)));
  }

  @Test
  void jitterLengthensByTheDrawnShareOfTheFractionAfterTheCap() {
    double[] draws = {0.0, 0.5, 0.999};
    int[] next = {0};
    Backoff b = ONE_SECOND_TO_A_MINUTE.withJitter(0.2, () -> draws[next[0]++]);

    assertThat(b.delay(1)).isEqualTo(Duration.ofSeconds(1));
    assertThat(b.delay(2)).isEqualTo(Duration.ofMillis(2200));
    // At the cap the jitter still applies, so keys capped together spread out.
    assertThat(b.delay(10)).isEqualTo(Duration.ofMillis(60_000 + 11_988));
  }

  @Test
  void nonsenseIsRefusedSayingWhatWasGiven() {
    Duration s = Duration.ofSeconds(1);
    assertThatThrownBy(() -> Backoff.exponential(Duration.ZERO, s))
        .hasMessageContaining("base must be positive");
    assertThatThrownBy(() -> Backoff.exponential(Duration.ofSeconds(2), s))
        .hasMessageContaining("must not be shorter than its base");
    assertThatThrownBy(() -> Backoff.exponential(s, s).withFactor(0.5))
        .hasMessageContaining("factor must be at least 1, was 0.5");
    assertThatThrownBy(() -> Backoff.exponential(s, s).withJitter(1.5, () -> 0))
        .hasMessage("jitter must be within 0 and 1, was 1.5");
    assertThatThrownBy(() -> ONE_SECOND_TO_A_MINUTE.delay(0))
        .hasMessageContaining("attempts count from 1");
  }
}
