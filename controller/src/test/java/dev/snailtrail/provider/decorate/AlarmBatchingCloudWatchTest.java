package dev.snailtrail.provider.decorate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.snailtrail.provider.CloudWatch;
import dev.snailtrail.spec.Gate.MetricQuery;
import dev.snailtrail.time.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AlarmBatchingCloudWatchTest {
  static final String REGION = "eu-west-1";

  final MutableClock clock = new MutableClock(Instant.parse("2026-11-23T10:00:00Z"));
  final ManagedAlarms managed = new ManagedAlarms();
  final CountingCloudWatch real = new CountingCloudWatch();

  static String alarm(int i) {
    return String.format(Locale.ROOT, "api-%02d-5xx", i);
  }

  @Test
  void fiftyRolloutsLookingAtTheirAlarmsShareOneDescribeWhileFresh() {
    for (int i = 0; i < 50; i++) {
      managed.manage("rollout-" + i, REGION, Set.of(alarm(i)));
      real.states.put(alarm(i), "OK");
    }
    AlarmBatchingCloudWatch cw =
        new AlarmBatchingCloudWatch(real, managed, clock, Duration.ofSeconds(27));
    for (int pass = 0; pass < 3; pass++) {
      for (int i = 0; i < 50; i++) {
        assertThat(cw.describeAlarms(REGION, List.of(alarm(i))).get(alarm(i)).state())
            .isEqualTo("OK");
      }
      clock.advance(Duration.ofSeconds(8));
    }
    assertThat(real.calls).as("one describe of the 50 alarms serves 150 looks").hasSize(1);
    assertThat(real.calls.get(0)).hasSize(50);

    real.states.put(alarm(7), "ALARM");
    assertThat(cw.describeAlarms(REGION, List.of(alarm(7))).get(alarm(7)).state())
        .as("without news, what was seen stands while fresh")
        .isEqualTo("OK");
    cw.changed(alarm(7));
    assertThat(cw.describeAlarms(REGION, List.of(alarm(7))).get(alarm(7)).state())
        .as("news of the alarm makes the next look ask")
        .isEqualTo("ALARM");
    assertThat(real.calls.get(1)).containsExactly(alarm(7));

    clock.advance(Duration.ofSeconds(4));
    cw.describeAlarms(REGION, List.of(alarm(1)));
    assertThat(real.calls.get(2)).as("once stale, all stale alarms together").hasSize(49);
  }

  @Test
  void alarmsNoRolloutWatchesGoStraightThrough() {
    real.states.put("other", "ALARM");
    AlarmBatchingCloudWatch cw =
        new AlarmBatchingCloudWatch(real, managed, clock, Duration.ofSeconds(27));
    cw.describeAlarms(REGION, List.of("other"));
    cw.describeAlarms(REGION, List.of("other"));
    assertThat(real.calls).hasSize(2);
    assertThat(cw.describeAlarms(REGION, List.of("missing"))).isEmpty();
  }

  static final class CountingCloudWatch implements CloudWatch {
    final Map<String, String> states = new HashMap<>();
    final List<List<String>> calls = new ArrayList<>();

    @Override
    public Map<String, AlarmState> describeAlarms(String region, List<String> names) {
      calls.add(List.copyOf(names));
      Map<String, AlarmState> out = new LinkedHashMap<>();
      for (String n : names) {
        if (states.containsKey(n)) {
          out.put(n, new AlarmState(n, states.get(n), "", Instant.EPOCH));
        }
      }
      return out;
    }

    @Override
    public List<MetricPoint> getMetricData(
        String region, MetricQuery query, Instant start, Instant end) {
      return List.of();
    }
  }
}
