package dev.snailtrail.gate;

import static dev.snailtrail.gate.Fixtures.RULES;
import static dev.snailtrail.gate.Fixtures.TG_ARN;
import static dev.snailtrail.gate.Fixtures.ctx;
import static org.assertj.core.api.Assertions.assertThat;

import dev.snailtrail.provider.ProviderException;
import dev.snailtrail.spec.Gate;
import dev.snailtrail.spec.Threshold;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** What the evaluator makes of providers that cannot answer, or answer "no such thing". */
class GateEvaluatorTest {

  private final FakeProviders fake = new FakeProviders();
  private final GateEvaluator evaluator = new GateEvaluator(HttpClient.newHttpClient());

  /** Every gate kind that asks an AWS port. */
  static Stream<Gate> awsGates() {
    return Stream.of(
        new Gate.EcsTasks(RULES),
        new Gate.ContainerHealth(null, RULES),
        new Gate.PortBinding(5000, null, RULES),
        new Gate.TargetHealth(TG_ARN, RULES),
        new Gate.CloudWatchAlarm(List.of("shine-5xx-high"), RULES),
        new Gate.CloudWatchMetric(
            new Gate.MetricQuery(
                "AWS/ApplicationELB", "TargetResponseTime", "p95", Map.of(), Duration.ofMinutes(1)),
            Threshold.parse("< 0.2"),
            Duration.ofMinutes(5),
            RULES),
        new Gate.Logs("/ecs/shine", "ERROR", false, Duration.ofMinutes(5), RULES),
        new Gate.Logs("/ecs/shine", "model loaded", true, null, RULES),
        new Gate.EcrImage(null, null, RULES));
  }

  @ParameterizedTest
  @MethodSource("awsGates")
  void aThrottledProviderHoldsTheGateAndNeverFailsIt(Gate gate) {
    fake.failure =
        new ProviderException(
            ProviderException.Kind.THROTTLED,
            "ecs",
            "DescribeServices",
            "req-123",
            "Rate exceeded",
            null);

    Measurement m = evaluator.measure(gate, ctx(fake));

    assertThat(m).isInstanceOf(Measurement.Error.class);
    assertThat(m.message())
        .isEqualTo("ecs DescribeServices: THROTTLED - Rate exceeded (request req-123)");
  }

  @ParameterizedTest
  @MethodSource("awsGates")
  void deniedAccessIsAnOutageToo(Gate gate) {
    fake.failure =
        new ProviderException(
            ProviderException.Kind.ACCESS_DENIED, "cloudwatch", "GetMetricData", "not authorized");

    assertThat(evaluator.measure(gate, ctx(fake))).isInstanceOf(Measurement.Error.class);
  }

  @Test
  void aNotFoundNoGateExplainsItselfStillFailsSayingWhatToDo() {
    fake.failure =
        new ProviderException(
            ProviderException.Kind.NOT_FOUND,
            "ecs",
            "DescribeServices",
            "ClusterNotFoundException: Cluster not found.");

    Measurement m = evaluator.measure(new Gate.EcsTasks(RULES), ctx(fake));

    assertThat(m)
        .isEqualTo(
            new Measurement.Fail(
                "ecs DescribeServices: NOT_FOUND - ClusterNotFoundException: Cluster not found.;"
                    + " create what the ecsTasks gate names, or fix the name in the gate"));
  }

  @Test
  void anUnexpectedExceptionBecomesAnErrorWithItsMessage() {
    fake.failure = new IllegalStateException("alarm cache corrupted");

    Measurement m = evaluator.measure(new Gate.CloudWatchAlarm(List.of("a"), RULES), ctx(fake));

    assertThat(m)
        .isEqualTo(
            new Measurement.Error("could not measure cloudwatchAlarm: alarm cache corrupted"));
  }
}
