package dev.snailtrail.gate;

import dev.snailtrail.spec.Gate;

/**
 * {@code prometheus}: a PromQL instant query whose single value meets a threshold. No data is never
 * health: an empty result or NaN is Inconclusive, and an unreachable server an Error.
 */
final class PrometheusGate {

  private final PrometheusClient client;

  PrometheusGate(PrometheusClient client) {
    this.client = client;
  }

  Measurement measure(Gate.Prometheus gate, GateContext ctx) {
    String what = "prometheus " + shorten(gate.query());
    return switch (client.query(gate.url(), gate.query(), ctx.now())) {
      case PrometheusClient.Answer.Value v ->
          ThresholdCheck.judge(what, v.value(), gate.threshold());
      case PrometheusClient.Answer.NoValue n -> new Measurement.Inconclusive(what + ": " + n.why());
      case PrometheusClient.Answer.Unavailable u -> new Measurement.Error(what + ": " + u.why());
    };
  }

  private static String shorten(String query) {
    String one = query.strip().replaceAll("\\s+", " ");
    return one.length() <= 80 ? one : one.substring(0, 80) + "…";
  }
}
