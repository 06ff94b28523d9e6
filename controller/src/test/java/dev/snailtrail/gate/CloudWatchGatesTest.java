package dev.snailtrail.gate;

import static dev.snailtrail.gate.Fixtures.NOW;
import static dev.snailtrail.gate.Fixtures.RULES;
import static dev.snailtrail.gate.Fixtures.ctx;
import static org.assertj.core.api.Assertions.assertThat;

import dev.snailtrail.provider.CloudWatch.AlarmState;
import dev.snailtrail.provider.CloudWatch.MetricPoint;
import dev.snailtrail.spec.Gate;
import dev.snailtrail.spec.Threshold;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class CloudWatchGatesTest {

  private final FakeProviders fake = new FakeProviders();
  private final GateEvaluator evaluator = new GateEvaluator(HttpClient.newHttpClient());

  private Measurement measure(Gate gate) {
    return evaluator.measure(gate, ctx(fake));
  }

  @Nested
  class Alarms {
    private final Gate gate = new Gate.CloudWatchAlarm(List.of("shine-5xx-high"), RULES);

    private void alarm(String state, String reason) {
      fake.alarms.put("shine-5xx-high", new AlarmState("shine-5xx-high", state, reason, NOW));
    }

    @Test
    void passesWhenTheAlarmIsOk() {
      alarm("OK", "Threshold Crossed: no datapoints were above the threshold");

      assertThat(measure(gate)).isEqualTo(new Measurement.Pass("alarm shine-5xx-high OK"));
    }

    @Test
    void failsNamingTheAlarmAndItsReason() {
      alarm("ALARM", "Threshold Crossed: 1 datapoint [12.0] was greater than the threshold (5.0)");

      assertThat(measure(gate))
          .isEqualTo(
              new Measurement.Fail(
                  "alarm shine-5xx-high in ALARM: Threshold Crossed: 1 datapoint [12.0] was"
                      + " greater than the threshold (5.0)"));
    }

    @Test
    void insufficientDataIsInconclusiveNotHealth() {
      alarm("INSUFFICIENT_DATA", "Insufficient Data: 1 datapoint was unknown");

      assertThat(measure(gate))
          .isEqualTo(
              new Measurement.Inconclusive(
                  "alarm shine-5xx-high has INSUFFICIENT_DATA: Insufficient Data: 1 datapoint was"
                      + " unknown"));
    }

    @Test
    void aMissingAlarmFailsSayingWhatToDo() {
      assertThat(measure(gate))
          .isEqualTo(
              new Measurement.Fail(
                  "alarm shine-5xx-high does not exist in us-east-1; create it or remove it from"
                      + " the gate"));
    }
  }

  @Nested
  class Metrics {
    private final Gate gate =
        new Gate.CloudWatchMetric(
            new Gate.MetricQuery(
                "AWS/ApplicationELB",
                "TargetResponseTime",
                "p95",
                Map.of("TargetGroup", "targetgroup/shine/abc"),
                Duration.ofSeconds(60)),
            Threshold.parse("< 0.2"),
            null,
            RULES);

    @Test
    void noDatapointsIsInconclusive() {
      fake.metricPoints.add(new MetricPoint(NOW.minus(Duration.ofMinutes(10)), 0.1));

      assertThat(measure(gate))
          .isEqualTo(
              new Measurement.Inconclusive(
                  "no datapoints for AWS/ApplicationELB TargetResponseTime p95 in the last 5m"));
    }

    @Test
    void theLatestDatapointDecides() {
      fake.metricPoints.add(new MetricPoint(NOW.minusSeconds(180), 0.9));
      fake.metricPoints.add(new MetricPoint(NOW.minusSeconds(60), 0.153));

      assertThat(measure(gate))
          .isEqualTo(
              new Measurement.Pass(
                  "AWS/ApplicationELB TargetResponseTime p95 = 0.153, within threshold < 0.2"));
    }

    @Test
    void aValueBeyondTheThresholdFailsShowingBoth() {
      fake.metricPoints.add(new MetricPoint(NOW.minusSeconds(60), 0.41));

      assertThat(measure(gate))
          .isEqualTo(
              new Measurement.Fail(
                  "AWS/ApplicationELB TargetResponseTime p95 = 0.41, breaks threshold < 0.2"));
    }
  }
}
