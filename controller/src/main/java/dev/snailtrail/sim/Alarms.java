package dev.snailtrail.sim;

import dev.snailtrail.provider.CloudWatch.AlarmState;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** CloudWatch alarms; alarm names are account-wide here, whatever the region. */
final class Alarms {
  private final World world;
  private final Map<String, AlarmState> alarms = new HashMap<>();

  /** Where a seeded alarm lives, for the region its state-change events carry. */
  private final Map<String, String> regions = new HashMap<>();

  Alarms(World world) {
    this.world = world;
  }

  /** An alarm, OK unless set otherwise: any name asked for exists. */
  AlarmState get(String name) {
    return alarms.computeIfAbsent(
        name,
        k ->
            new AlarmState(
                name, "OK", "Threshold Crossed: no datapoints were breaching", world.now));
  }

  /** The named alarms, by name, as DescribeAlarms answers. */
  Map<String, AlarmState> describe(List<String> names) {
    Map<String, AlarmState> found = new LinkedHashMap<>();
    for (String name : names) {
      found.put(name, get(name));
    }
    return found;
  }

  /** An alarm a rollout's gate names, OK, in the rollout's region. */
  void seed(String region, String name) {
    regions.putIfAbsent(name, region);
    get(name);
  }

  void set(String name, String state, String reason) {
    String s = state.toUpperCase(Locale.ROOT);
    if (!s.equals("OK") && !s.equals("ALARM") && !s.equals("INSUFFICIENT_DATA")) {
      throw new IllegalArgumentException(
          "alarm state '" + state + "' is not OK, ALARM or INSUFFICIENT_DATA");
    }
    String before = get(name).state();
    alarms.put(name, new AlarmState(name, s, reason, world.now));
    if (!before.equals(s)) {
      world.events.alarm(
          regions.getOrDefault(name, "us-east-1"), name, s, before, reason, world.now);
    }
  }
}
