package dev.snailtrail.provider.decorate;

import dev.snailtrail.provider.CloudWatch;
import dev.snailtrail.spec.Gate.MetricQuery;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A {@link CloudWatch} port that describes the controller's alarms a region at a time. Every pass
 * of every rollout gated on an alarm looks at it ({@code cloudwatchAlarm} gates are watched on
 * every pass); alone, that is a {@code DescribeAlarms} per rollout per pass. Here a read of a
 * managed alarm ({@link ManagedAlarms}) is answered from what one {@link CloudWatch#describeAlarms}
 * of every stale managed alarm of the region saw (the AWS port asks 100 names a call), kept for
 * {@code freshness} (the controller's 1 s of real time): a region's alarms then cost at most a
 * request of 100 names a second however many rollouts look, and an alarm whose state-change event
 * was lost is still seen at the next pass. The event forgets what was seen at once ({@link
 * #changed}). Readers of a region wait for the one fetch in flight; a failed fetch is not kept.
 * Other alarms and metric queries go straight to the real port.
 */
public final class AlarmBatchingCloudWatch implements CloudWatch {
  private final CloudWatch real;
  private final ManagedAlarms managed;
  private final Clock clock;
  private final Duration freshness;
  private final Map<String, Map<String, Seen>> byRegion = new ConcurrentHashMap<>();

  private record Seen(Optional<AlarmState> state, Instant takenAt) {}

  public AlarmBatchingCloudWatch(
      CloudWatch real, ManagedAlarms managed, Clock clock, Duration freshness) {
    this.real = real;
    this.managed = managed;
    this.clock = clock;
    this.freshness = freshness;
  }

  @Override
  public Map<String, AlarmState> describeAlarms(String region, List<String> names) {
    Set<String> all = managed.in(region);
    List<String> passThrough = new ArrayList<>();
    List<String> wanted = new ArrayList<>();
    for (String n : names) {
      (all.contains(n) ? wanted : passThrough).add(n);
    }
    Map<String, Seen> seen = wanted.isEmpty() ? Map.of() : seen(region, wanted, all);
    Map<String, AlarmState> direct =
        passThrough.isEmpty() ? Map.of() : real.describeAlarms(region, passThrough);
    Map<String, AlarmState> out = new LinkedHashMap<>();
    for (String n : names) {
      Optional<AlarmState> state =
          seen.containsKey(n) ? seen.get(n).state() : Optional.ofNullable(direct.get(n));
      state.ifPresent(a -> out.put(n, a));
    }
    return out;
  }

  /** The wanted alarms: kept while fresh, else with every stale managed alarm of the region. */
  private Map<String, Seen> seen(String region, List<String> wanted, Set<String> all) {
    Map<String, Seen> cache = byRegion.computeIfAbsent(region, r -> new HashMap<>());
    // One fetch per region at a time: readers that find it stale wait here for it.
    synchronized (cache) {
      Instant now = clock.instant();
      if (wanted.stream().anyMatch(n -> !fresh(cache.get(n), now))) {
        Set<String> stale = new TreeSet<>();
        for (String n : all) {
          if (!fresh(cache.get(n), now)) {
            stale.add(n);
          }
        }
        stale.addAll(wanted);
        Map<String, AlarmState> found = real.describeAlarms(region, List.copyOf(stale));
        for (String n : stale) {
          cache.put(n, new Seen(Optional.ofNullable(found.get(n)), now));
        }
      }
      Map<String, Seen> out = new HashMap<>();
      wanted.forEach(n -> out.put(n, cache.get(n)));
      return out;
    }
  }

  private boolean fresh(Seen s, Instant now) {
    return s != null && Duration.between(s.takenAt(), now).compareTo(freshness) < 0;
  }

  /** News that an alarm changed state: what was seen of it, in any region, is forgotten. */
  public void changed(String alarm) {
    byRegion.forEach(
        (region, cache) -> {
          synchronized (cache) {
            cache.remove(alarm);
          }
        });
  }

  @Override
  public List<MetricPoint> getMetricData(
      String region, MetricQuery query, Instant start, Instant end) {
    return real.getMetricData(region, query, start, end);
  }
}
