package dev.snailtrail.gate;

import dev.snailtrail.provider.ProviderException;
import dev.snailtrail.spec.Gate;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * Takes one measurement of a gate. Whatever a provider answers, or fails to answer, becomes a
 * {@link Measurement}, so a broken provider holds a rollout instead of crashing the reconcile pass:
 * provider outages (throttling, timeouts, access denied) become {@link Measurement.Error}; answers
 * about the world (something named by the gate does not exist) become {@link Measurement.Fail}
 * saying what to fix. The {@code http} and {@code prometheus} gates turn their own expected
 * failures (a refused connection, a timeout, an answer that is not what they asked for) into
 * measurements too.
 *
 * <p>Anything else is a bug in the controller, not an outage: it propagates out of the pass with
 * its stack trace, rather than holding the rollout as Inconclusive with a one-line message.
 *
 * <p>One evaluator serves every rollout: it holds the HTTP client built once by the caller.
 * Verdicts are not made here but in {@link Analyzer}.
 */
public final class GateEvaluator {

  private final EcsTasksGate ecsTasks = new EcsTasksGate();
  private final ContainerHealthGate containerHealth = new ContainerHealthGate();
  private final PortBindingGate portBinding = new PortBindingGate();
  private final TargetHealthGate targetHealth = new TargetHealthGate();
  private final CloudWatchAlarmGate cloudWatchAlarm = new CloudWatchAlarmGate();
  private final CloudWatchMetricGate cloudWatchMetric = new CloudWatchMetricGate();
  private final LogsGate logs = new LogsGate();
  private final EcrImageGate ecrImage = new EcrImageGate();
  private final HttpGate http;
  private final PrometheusGate prometheus;

  /**
   * An evaluator whose {@code http} and {@code prometheus} gates use {@code client}.
   *
   * @param client shared by every measurement; its connect timeout and redirect policy apply
   */
  public GateEvaluator(HttpClient client) {
    this(client, System::nanoTime);
  }

  /**
   * An evaluator with its own monotonic time source for {@code http} latency, so tests can make a
   * request "slow" without waiting.
   */
  GateEvaluator(HttpClient client, LongSupplier nanoTime) {
    this.http = new HttpGate(client, nanoTime);
    this.prometheus = new PrometheusGate(new PrometheusClient(client));
  }

  /**
   * An evaluator with an HTTP client that connects within 5 seconds and follows no redirects (a
   * health endpoint that redirects is answering with its redirect status, which the gate checks).
   */
  public static GateEvaluator withDefaults() {
    return new GateEvaluator(
        HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NEVER)
            .build());
  }

  /**
   * One measurement of {@code gate} in {@code ctx}.
   *
   * @throws RuntimeException other than {@link ProviderException}: a bug, for the caller to report
   */
  public Measurement measure(Gate gate, GateContext ctx) {
    try {
      return switch (gate) {
        case Gate.EcsTasks g -> ecsTasks.measure(g, ctx);
        case Gate.ContainerHealth g -> containerHealth.measure(g, ctx);
        case Gate.PortBinding g -> portBinding.measure(g, ctx);
        case Gate.TargetHealth g -> targetHealth.measure(g, ctx);
        case Gate.Http g -> http.measure(g, ctx);
        case Gate.CloudWatchAlarm g -> cloudWatchAlarm.measure(g, ctx);
        case Gate.CloudWatchMetric g -> cloudWatchMetric.measure(g, ctx);
        case Gate.Logs g -> logs.measure(g, ctx);
        case Gate.Prometheus g -> prometheus.measure(g, ctx);
        case Gate.EcrImage g -> ecrImage.measure(g, ctx);
      };
    } catch (ProviderException e) {
      return fromProvider(gate, e);
    }
  }

  /**
   * Whether the gate is looked at on every pass over its rollout, not only at its interval (see
   * {@link Analyzer#recordBetweenIntervals}). An alarm is: it is one cheap read (batched across
   * rollouts, and woken by its state-change event), and it is already the aggregated verdict of its
   * own datapoints, so waiting out an interval before acting on it only delays a rollback.
   */
  public static boolean watchedEveryPass(Gate gate) {
    return switch (gate) {
      case Gate.CloudWatchAlarm g -> true;
      case Gate.EcsTasks g -> false;
      case Gate.ContainerHealth g -> false;
      case Gate.PortBinding g -> false;
      case Gate.TargetHealth g -> false;
      case Gate.Http g -> false;
      case Gate.CloudWatchMetric g -> false;
      case Gate.Logs g -> false;
      case Gate.Prometheus g -> false;
      case Gate.EcrImage g -> false;
    };
  }

  /**
   * Gates name what is missing where they can; this covers the rest. Outages hold the gate, since
   * they say nothing about the phase.
   */
  private static Measurement fromProvider(Gate gate, ProviderException e) {
    if (e.isOutage()) {
      return new Measurement.Error(e.describe());
    }
    return switch (e.kind()) {
      case NOT_FOUND ->
          new Measurement.Fail(
              e.describe()
                  + "; create what the "
                  + gate.kind()
                  + " gate names, or fix the name in the gate");
      case INVALID ->
          new Measurement.Fail(
              e.describe()
                  + "; the request built from the "
                  + gate.kind()
                  + " gate was refused,"
                  + " fix the gate's settings");
      case THROTTLED, ACCESS_DENIED, TRANSIENT, UNAVAILABLE -> new Measurement.Error(e.describe());
    };
  }
}
