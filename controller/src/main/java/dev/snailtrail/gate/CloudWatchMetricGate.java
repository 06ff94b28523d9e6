package dev.snailtrail.gate;

import dev.snailtrail.provider.CloudWatch.MetricPoint;
import dev.snailtrail.spec.Durations;
import dev.snailtrail.spec.Gate;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;

/** {@code cloudwatchMetric}: the latest datapoint of a metric statistic meets a threshold. */
final class CloudWatchMetricGate {

  private static final Duration DEFAULT_WINDOW = Duration.ofMinutes(5);

  Measurement measure(Gate.CloudWatchMetric gate, GateContext ctx) {
    Duration window = gate.window() == null ? DEFAULT_WINDOW : gate.window();
    Gate.MetricQuery q = gate.query();
    String what = q.namespace() + " " + q.metric() + " " + q.stat();
    List<MetricPoint> points =
        ctx.providers()
            .cloudWatch()
            .getMetricData(ctx.service().region(), q, ctx.now().minus(window), ctx.now());
    MetricPoint latest =
        points.stream()
            .filter(p -> !Double.isNaN(p.value()))
            .max(Comparator.comparing(MetricPoint::timestamp))
            .orElse(null);
    if (latest == null) {
      // No traffic is not health: a service nobody calls must not pass a latency gate.
      return new Measurement.Inconclusive(
          "no datapoints for " + what + " in the last " + Durations.format(window));
    }
    return ThresholdCheck.judge(what, latest.value(), gate.threshold());
  }
}
