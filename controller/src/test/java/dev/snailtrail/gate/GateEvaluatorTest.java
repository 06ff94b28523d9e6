package dev.snailtrail.gate;

import static dev.snailtrail.gate.Fixtures.RULES;
import static dev.snailtrail.gate.Fixtures.TG_ARN;
import static dev.snailtrail.gate.Fixtures.ctx;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
  void anUnavailableProviderIsAnOutageToo() {
    fake.failure =
        new ProviderException(
            ProviderException.Kind.UNAVAILABLE, "logs", "FilterLogEvents", "connection reset");

    assertThat(
            evaluator.measure(
                new Gate.Logs("/ecs/shine", "ERROR", false, Duration.ofMinutes(5), RULES),
                ctx(fake)))
        .isEqualTo(new Measurement.Error("logs FilterLogEvents: UNAVAILABLE - connection reset"));
  }

  @Test
  void anExceptionFromAPortThatIsNoProviderErrorIsABugAndPropagates() {
    IllegalStateException bug = new IllegalStateException("alarm cache corrupted");
    fake.failure = bug;

    assertThatThrownBy(
            () -> evaluator.measure(new Gate.CloudWatchAlarm(List.of("a"), RULES), ctx(fake)))
        .isSameAs(bug);
  }

  @Test
  void aBugInAGateItselfPropagatesInsteadOfHoldingTheRollout() {
    // A context without the phase's task definition is the caller's mistake, never the world's.
    GateContext broken =
        new GateContext(
            fake.providers(),
            Fixtures.SERVICE,
            null,
            Fixtures.MAIN,
            Fixtures.phase(Fixtures.IMAGE),
            null,
            Fixtures.PHASE_START,
            Fixtures.NOW);
    fake.services.put(Fixtures.SERVICE.service(), Fixtures.service(2));
    fake.tasks.add(Fixtures.running("t-1", "10.0.1.5"));

    assertThatThrownBy(() -> evaluator.measure(new Gate.EcsTasks(RULES), broken))
        .isInstanceOf(NullPointerException.class);
  }
}
