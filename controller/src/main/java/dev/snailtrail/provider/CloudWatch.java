package dev.snailtrail.provider;

import dev.snailtrail.spec.Gate.MetricQuery;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** CloudWatch alarms and metrics. */
public interface CloudWatch {

  /** The named alarms; a name that does not exist is absent from the map. */
  Map<String, AlarmState> describeAlarms(String region, List<String> names);

  /** Datapoints of the metric statistic between start and end, oldest first. */
  List<MetricPoint> getMetricData(String region, MetricQuery query, Instant start, Instant end);

  /**
   * An alarm.
   *
   * @param state OK, ALARM or INSUFFICIENT_DATA
   */
  record AlarmState(String name, String state, String reason, Instant updatedAt) {}

  /** One datapoint. */
  record MetricPoint(Instant timestamp, double value) {}
}
