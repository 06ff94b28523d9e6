package dev.snailtrail.aws;

import dev.snailtrail.provider.CloudWatch;
import dev.snailtrail.spec.Gate.MetricQuery;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.model.AlarmType;
import software.amazon.awssdk.services.cloudwatch.model.CompositeAlarm;
import software.amazon.awssdk.services.cloudwatch.model.DescribeAlarmsResponse;
import software.amazon.awssdk.services.cloudwatch.model.Dimension;
import software.amazon.awssdk.services.cloudwatch.model.GetMetricDataResponse;
import software.amazon.awssdk.services.cloudwatch.model.MetricAlarm;
import software.amazon.awssdk.services.cloudwatch.model.MetricDataQuery;
import software.amazon.awssdk.services.cloudwatch.model.MetricDataResult;
import software.amazon.awssdk.services.cloudwatch.model.ScanBy;

/** {@link CloudWatch} on Amazon CloudWatch. */
final class AwsCloudWatch implements CloudWatch {

  private static final String CW = "cloudwatch";
  private static final int ALARM_NAMES_PER_CALL = 100;
  private static final String QUERY_ID = "q0";

  private final ClientCache clients;
  private final AwsCalls calls;
  private final AssumedRole role;

  AwsCloudWatch(ClientCache clients, AwsCalls calls, AssumedRole role) {
    this.clients = clients;
    this.calls = calls;
    this.role = role;
  }

  @Override
  public Map<String, AlarmState> describeAlarms(String region, List<String> names) {
    CloudWatchClient cw = clients.cloudWatch(region, role);
    Map<String, AlarmState> alarms = new LinkedHashMap<>();
    List<String> distinct = names.stream().distinct().toList();
    for (int i = 0; i < distinct.size(); i += ALARM_NAMES_PER_CALL) {
      List<String> batch = distinct.subList(i, Math.min(distinct.size(), i + ALARM_NAMES_PER_CALL));
      String token = null;
      do {
        String page = token;
        DescribeAlarmsResponse response =
            calls.call(
                CW,
                "DescribeAlarms",
                () ->
                    cw.describeAlarms(
                        r ->
                            r.alarmNames(batch)
                                .alarmTypes(AlarmType.METRIC_ALARM, AlarmType.COMPOSITE_ALARM)
                                .nextToken(page)));
        for (MetricAlarm a : response.metricAlarms()) {
          alarms.put(
              a.alarmName(),
              new AlarmState(
                  a.alarmName(),
                  a.stateValueAsString(),
                  a.stateReason(),
                  a.stateUpdatedTimestamp()));
        }
        for (CompositeAlarm a : response.compositeAlarms()) {
          alarms.put(
              a.alarmName(),
              new AlarmState(
                  a.alarmName(),
                  a.stateValueAsString(),
                  a.stateReason(),
                  a.stateUpdatedTimestamp()));
        }
        token = response.nextToken();
      } while (token != null);
    }
    return alarms;
  }

  @Override
  public List<MetricPoint> getMetricData(
      String region, MetricQuery query, Instant start, Instant end) {
    CloudWatchClient cw = clients.cloudWatch(region, role);
    MetricDataQuery q = query(query);
    List<MetricPoint> points = new ArrayList<>();
    String token = null;
    do {
      String page = token;
      GetMetricDataResponse response =
          calls.call(
              CW,
              "GetMetricData",
              () ->
                  cw.getMetricData(
                      r ->
                          r.metricDataQueries(q)
                              .startTime(start)
                              .endTime(end)
                              .scanBy(ScanBy.TIMESTAMP_ASCENDING)
                              .nextToken(page)));
      for (MetricDataResult result : response.metricDataResults()) {
        if (!QUERY_ID.equals(result.id())) {
          continue;
        }
        List<Instant> times = result.timestamps();
        List<Double> values = result.values();
        for (int i = 0; i < Math.min(times.size(), values.size()); i++) {
          points.add(new MetricPoint(times.get(i), values.get(i)));
        }
      }
      token = response.nextToken();
    } while (token != null);
    points.sort(Comparator.comparing(MetricPoint::timestamp));
    return points;
  }

  private static MetricDataQuery query(MetricQuery query) {
    List<Dimension> dimensions = new ArrayList<>();
    query.dimensions().entrySet().stream()
        .sorted(Map.Entry.comparingByKey())
        .forEach(
            e -> dimensions.add(Dimension.builder().name(e.getKey()).value(e.getValue()).build()));
    Duration period = query.period() == null ? Duration.ofSeconds(60) : query.period();
    // Percentiles (p95, p99.9) are passed as the stat string, as GetMetricData expects them.
    return MetricDataQuery.builder()
        .id(QUERY_ID)
        .returnData(true)
        .metricStat(
            s ->
                s.metric(
                        m ->
                            m.namespace(query.namespace())
                                .metricName(query.metric())
                                .dimensions(dimensions))
                    .period((int) Math.max(1, period.toSeconds()))
                    .stat(query.stat()))
        .build();
  }
}
