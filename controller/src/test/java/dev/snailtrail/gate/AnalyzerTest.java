package dev.snailtrail.gate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.snailtrail.rollout.GateResult;
import dev.snailtrail.rollout.GateStatus;
import dev.snailtrail.spec.Analysis;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class AnalyzerTest {

  private static final Analysis RULES = new Analysis(Duration.ofSeconds(10), 3, 1, 2, 2);
  private static final Instant T0 = Instant.parse("2024-11-23T10:19:00Z");

  private static final Measurement PASS = new Measurement.Pass("3/3 targets healthy");
  private static final Measurement FAIL = new Measurement.Fail("2/3 targets unhealthy");
  private static final Measurement PENDING = new Measurement.Pending("1/2 tasks RUNNING");
  private static final Measurement NO_DATA = new Measurement.Inconclusive("no datapoints");
  private static final Measurement ERROR = new Measurement.Error("cloudwatch: THROTTLED");

  static GateStatus run(Analysis rules, List<Measurement> ms) {
    GateStatus s = GateStatus.initial("http/0");
    Instant at = T0;
    for (Measurement m : ms) {
      s = Analyzer.record(s, m, rules, at);
      at = at.plus(rules.interval());
    }
    return s;
  }

  @Test
  void passesAfterCountPassesAndRecordsWhatWasSeen() {
    GateStatus s = run(RULES, List.of(PASS, PENDING, PASS, PASS));

    assertThat(s.result()).isEqualTo(GateResult.Passed);
    assertThat(s.passes()).isEqualTo(3);
    assertThat(s.message()).isEqualTo("3/3 targets healthy");
    assertThat(s.lastMeasuredAt()).isEqualTo(T0.plusSeconds(30));
  }

  @Test
  void failuresUpToTheLimitAreToleratedOneMoreFails() {
    assertThat(run(RULES, List.of(FAIL, PASS)).result()).isEqualTo(GateResult.Pending);
    assertThat(run(RULES, List.of(FAIL, PASS, FAIL)).result()).isEqualTo(GateResult.Failed);
  }

  @Test
  void failedStaysFailedWhateverComesNext() {
    GateStatus s = run(RULES, List.of(FAIL, FAIL, PASS, PASS, PASS, PASS));

    assertThat(s.result()).isEqualTo(GateResult.Failed);
    assertThat(s.message()).isEqualTo("3/3 targets healthy");
  }

  @Test
  void aPassedGateThatKeepsFailingDuringBakeFails() {
    assertThat(run(RULES, List.of(PASS, PASS, PASS)).result()).isEqualTo(GateResult.Passed);
    assertThat(run(RULES, List.of(PASS, PASS, PASS, FAIL, FAIL)).result())
        .isEqualTo(GateResult.Failed);
  }

  @Test
  void anOutageHoldsTheGateAndLiftsWhenTheProviderAnswersAgain() {
    GateStatus held = run(RULES, List.of(PASS, ERROR, ERROR, ERROR));
    assertThat(held.result()).isEqualTo(GateResult.Inconclusive);
    assertThat(held.consecutiveErrors()).isEqualTo(3);
    assertThat(held.failures()).isZero();

    GateStatus recovered = Analyzer.record(held, PASS, RULES, T0.plusSeconds(60));
    assertThat(recovered.result()).isEqualTo(GateResult.Pending);
    assertThat(recovered.consecutiveErrors()).isZero();
    assertThat(recovered.passes()).isEqualTo(2);
  }

  @Test
  void errorsWithinTheLimitKeepTheGatePendingAndCountNothingElse() {
    GateStatus s = run(RULES, List.of(ERROR, ERROR));

    assertThat(s.result()).isEqualTo(GateResult.Pending);
    assertThat(s.inconclusives()).isZero();
    assertThat(s.message()).isEqualTo("cloudwatch: THROTTLED");
  }

  @Test
  void tooManyInconclusiveAnswersHoldTheGateUntilReset() {
    GateStatus s = run(RULES, List.of(NO_DATA, NO_DATA, NO_DATA, PASS, PASS, PASS));

    assertThat(s.result()).isEqualTo(GateResult.Inconclusive);
    assertThat(s.inconclusives()).isEqualTo(3);
  }

  @Test
  void pendingCountsNothingButEndsAnErrorStreak() {
    GateStatus s = run(RULES, List.of(ERROR, ERROR, PENDING, ERROR, ERROR));

    assertThat(s.result()).isEqualTo(GateResult.Pending);
    assertThat(s.consecutiveErrors()).isEqualTo(2);
    assertThat(s.passes() + s.failures() + s.inconclusives()).isZero();
  }

  @Test
  void aNeverMeasuredGateIsDueAtOnceThenEveryInterval() {
    GateStatus fresh = GateStatus.initial("http/0");
    assertThat(Analyzer.due(fresh, RULES, T0)).isTrue();
    assertThat(Analyzer.nextDue(fresh, RULES)).isBeforeOrEqualTo(T0);

    GateStatus measured = Analyzer.record(fresh, PASS, RULES, T0);
    assertThat(Analyzer.nextDue(measured, RULES)).isEqualTo(T0.plusSeconds(10));
    assertThat(Analyzer.due(measured, RULES, T0.plusSeconds(9))).isFalse();
    assertThat(Analyzer.due(measured, RULES, T0.plusSeconds(10))).isTrue();
  }
}
