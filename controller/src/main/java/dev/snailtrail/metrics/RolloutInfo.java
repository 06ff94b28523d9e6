package dev.snailtrail.metrics;

import io.prometheus.metrics.model.registry.Collector;
import io.prometheus.metrics.model.snapshots.InfoSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code snailtrail_rollout_info{rollout,phase,status} 1}: one series per rollout, for its current
 * combination only. An info metric rather than a Micrometer gauge because Prometheus' client
 * reserves the {@code _info} suffix for this type, and because replacing the combination must drop
 * the old series in the same step.
 */
final class RolloutInfo implements Collector {
  private final Map<String, String[]> current = new TreeMap<>();

  synchronized void set(String rollout, String phase, String status) {
    current.put(rollout, new String[] {phase, status});
  }

  synchronized void remove(String rollout) {
    current.remove(rollout);
  }

  @Override
  public synchronized MetricSnapshot collect() {
    InfoSnapshot.Builder b =
        InfoSnapshot.builder()
            .name("snailtrail_rollout")
            .help("The current phase and status of each rollout (always 1)");
    current.forEach(
        (rollout, ps) ->
            b.dataPoint(
                InfoSnapshot.InfoDataPointSnapshot.builder()
                    .labels(Labels.of("rollout", rollout, "phase", ps[0], "status", ps[1]))
                    .build()));
    return b.build();
  }

  @Override
  public String getPrometheusName() {
    return "snailtrail_rollout";
  }
}
