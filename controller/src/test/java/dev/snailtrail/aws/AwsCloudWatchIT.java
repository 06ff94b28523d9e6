package dev.snailtrail.aws;

import static org.assertj.core.api.Assertions.assertThat;

import dev.snailtrail.moto.MotoServer;
import dev.snailtrail.provider.CloudWatch;
import dev.snailtrail.provider.CloudWatch.AlarmState;
import dev.snailtrail.provider.CloudWatch.MetricPoint;
import dev.snailtrail.spec.Gate.MetricQuery;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.model.ComparisonOperator;
import software.amazon.awssdk.services.cloudwatch.model.MetricDatum;
import software.amazon.awssdk.services.cloudwatch.model.StateValue;
import software.amazon.awssdk.services.cloudwatch.model.Statistic;

@ExtendWith(MotoServer.Extension.class)
class AwsCloudWatchIT {

  private static final String REGION = MotoServer.REGION;
  private static AwsProviders aws;
  private static CloudWatch cloudWatch;

  @BeforeAll
  static void open() {
    aws = AwsProviders.open(MotoServer.get().settings());
    cloudWatch = aws.providers().cloudWatch();
  }

  @AfterAll
  static void close() {
    aws.close();
  }

  @Test
  void reportsAlarmStatesAsSetAndLeavesUnknownAlarmsOut(MotoServer moto) {
    CloudWatchClient sdk = moto.client(CloudWatchClient.class, CloudWatchClient::builder);
    for (String name : List.of("shine-5xx-high", "shine-latency-high")) {
      sdk.putMetricAlarm(
          r ->
              r.alarmName(name)
                  .namespace("AWS/ApplicationELB")
                  .metricName("HTTPCode_Target_5XX_Count")
                  .statistic(Statistic.SUM)
                  .period(60)
                  .evaluationPeriods(1)
                  .threshold(5.0)
                  .comparisonOperator(ComparisonOperator.GREATER_THAN_THRESHOLD));
    }
    sdk.setAlarmState(
        r ->
            r.alarmName("shine-5xx-high")
                .stateValue(StateValue.ALARM)
                .stateReason("Threshold Crossed: 1 datapoint [12.0] was greater than 5.0"));
    sdk.setAlarmState(
        r -> r.alarmName("shine-latency-high").stateValue(StateValue.OK).stateReason("fine"));

    Map<String, AlarmState> alarms =
        cloudWatch.describeAlarms(
            REGION, List.of("shine-5xx-high", "shine-latency-high", "no-such-alarm"));

    assertThat(alarms).containsOnlyKeys("shine-5xx-high", "shine-latency-high");
    assertThat(alarms.get("shine-5xx-high").state()).isEqualTo("ALARM");
    assertThat(alarms.get("shine-5xx-high").reason()).contains("Threshold Crossed");
    assertThat(alarms.get("shine-5xx-high").updatedAt()).isNotNull();
    assertThat(alarms.get("shine-latency-high").state()).isEqualTo("OK");
  }

  @Test
  void readsBackPutMetricDataOldestFirst(MotoServer moto) {
    CloudWatchClient sdk = moto.client(CloudWatchClient.class, CloudWatchClient::builder);
    Instant minute = Instant.now().truncatedTo(ChronoUnit.MINUTES);
    Map<String, String> dims = Map.of("TargetGroup", "targetgroup/shine/abc");
    double[] values = {0.30, 0.12, 0.15};
    for (int i = 0; i < values.length; i++) {
      Instant at = minute.minus(Duration.ofMinutes(values.length - i));
      double v = values[i];
      sdk.putMetricData(
          r ->
              r.namespace("AWS/ApplicationELB")
                  .metricData(
                      MetricDatum.builder()
                          .metricName("TargetResponseTime")
                          .dimensions(
                              software.amazon.awssdk.services.cloudwatch.model.Dimension.builder()
                                  .name("TargetGroup")
                                  .value("targetgroup/shine/abc")
                                  .build())
                          .timestamp(at)
                          .value(v)
                          .build()));
    }
    MetricQuery query =
        new MetricQuery(
            "AWS/ApplicationELB", "TargetResponseTime", "Average", dims, Duration.ofSeconds(60));

    List<MetricPoint> points =
        cloudWatch.getMetricData(REGION, query, minute.minus(Duration.ofMinutes(10)), minute);

    assertThat(points).extracting(MetricPoint::value).containsExactly(0.30, 0.12, 0.15);
    assertThat(points.get(0).timestamp()).isBefore(points.get(2).timestamp());
    MetricQuery otherTargetGroup =
        new MetricQuery(
            "AWS/ApplicationELB",
            "TargetResponseTime",
            "Average",
            Map.of("TargetGroup", "targetgroup/other/def"),
            Duration.ofSeconds(60));
    assertThat(
            cloudWatch.getMetricData(
                REGION, otherTargetGroup, minute.minus(Duration.ofMinutes(10)), minute))
        .isEmpty();
  }
}
