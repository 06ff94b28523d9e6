package dev.snailtrail.gate;

import static dev.snailtrail.gate.Fixtures.NOW;
import static dev.snailtrail.gate.Fixtures.PHASE_START;
import static dev.snailtrail.gate.Fixtures.RULES;
import static dev.snailtrail.gate.Fixtures.ctx;
import static org.assertj.core.api.Assertions.assertThat;

import dev.snailtrail.provider.Logs.LogEvent;
import dev.snailtrail.spec.Gate;
import java.net.http.HttpClient;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LogsGateTest {

  private static final String GROUP = "/ecs/shine";
  private final FakeProviders fake = new FakeProviders();
  private final GateEvaluator evaluator = new GateEvaluator(HttpClient.newHttpClient());
  private final List<LogEvent> lines = new ArrayList<>();

  LogsGateTest() {
    fake.logGroups.put(GROUP, lines);
  }

  private static Gate present(String pattern) {
    return new Gate.Logs(GROUP, pattern, true, null, RULES);
  }

  private static Gate absentFor(String pattern, Duration window) {
    return new Gate.Logs(GROUP, pattern, false, window, RULES);
  }

  private Measurement measure(Gate gate, Instant now) {
    return evaluator.measure(gate, ctx(fake, now, null));
  }

  private void line(Instant at, String message) {
    lines.add(new LogEvent(at, "ecs/api/abc", message));
  }

  @Test
  void presentPassesOnceTheLineAppearsDuringThePhase() {
    line(PHASE_START.plusSeconds(42), "INFO model loaded in 3.2s");

    assertThat(measure(present("\"model loaded\""), NOW))
        .isEqualTo(
            new Measurement.Pass(
                "found \"model loaded\" in /ecs/shine at 2024-11-23T10:00:42Z: INFO model"
                    + " loaded in 3.2s"));
  }

  @Test
  void presentIgnoresLinesFromBeforeThePhaseAndKeepsWaiting() {
    line(PHASE_START.minusSeconds(60), "INFO model loaded in 3.0s");

    assertThat(measure(present("model loaded"), NOW))
        .isEqualTo(
            new Measurement.Pending(
                "no line matching \"model loaded\" in /ecs/shine since the phase began 3m ago"));
  }

  @Test
  void absentForFailsQuotingTheFirstMatchingLineTrimmed() {
    String traceback = "Traceback (most recent call last): " + "x".repeat(300);
    line(NOW.minusSeconds(30), traceback);

    Measurement m = measure(absentFor("?ERROR ?Traceback", Duration.ofMinutes(5)), NOW);

    assertThat(m).isInstanceOf(Measurement.Fail.class);
    assertThat(m.message())
        .startsWith(
            "/ecs/shine has a line matching \"?ERROR ?Traceback\" at 2024-11-23T10:02:30Z:"
                + " Traceback (most recent call last)")
        .endsWith("x…");
    assertThat(m.message().length()).isLessThan(300);
  }

  @Test
  void absentForWaitsUntilTheWindowHasElapsedSinceThePhaseBegan() {
    assertThat(measure(absentFor("?ERROR ?Traceback", Duration.ofMinutes(5)), NOW))
        .isEqualTo(
            new Measurement.Pending(
                "no line matching \"?ERROR ?Traceback\" in /ecs/shine for 3m of the required 5m"));
  }

  @Test
  void absentForPassesWhenTheLastWindowIsClean() {
    Instant later = PHASE_START.plus(Duration.ofMinutes(12));
    // An error early in the phase is outside the last five minutes and no longer counts.
    line(PHASE_START.plusSeconds(60), "ERROR warming up");

    assertThat(measure(absentFor("?ERROR ?Traceback", Duration.ofMinutes(5)), later))
        .isEqualTo(
            new Measurement.Pass(
                "no line matching \"?ERROR ?Traceback\" in /ecs/shine for the last 5m"));
  }

  @Test
  void absentForIgnoresLinesFromBeforeThePhase() {
    line(PHASE_START.minusSeconds(10), "ERROR from the previous phase");

    assertThat(measure(absentFor("ERROR", Duration.ofMinutes(2)), NOW))
        .isInstanceOf(Measurement.Pass.class);
  }

  @Test
  void aMissingLogGroupFailsSayingWhatToFix() {
    Gate gate = new Gate.Logs("/ecs/nope", "ERROR", false, Duration.ofMinutes(5), RULES);

    assertThat(measure(gate, NOW))
        .isEqualTo(
            new Measurement.Fail(
                "log group /ecs/nope does not exist in us-east-1; set template.logGroup so tasks"
                    + " log there, or fix the gate's logGroup"));
  }
}
