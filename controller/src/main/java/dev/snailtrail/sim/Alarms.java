package dev.snailtrail.sim;

import dev.snailtrail.provider.CloudWatch.AlarmState;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/** CloudWatch alarms; alarm names are account-wide here, whatever the region. */
final class Alarms {
  private final World world;
  private final Map<String, AlarmState> alarms = new HashMap<>();

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

  /** DescribeAlarms of these names, in the order asked. */
  Map<String, AlarmState> describe(java.util.List<String> names) {
    Map<String, AlarmState> found = new java.util.LinkedHashMap<>();
    for (String name : names) {
      found.put(name, get(name));
    }
    return found;
  }

  void set(String name, String state, String reason) {
    String s = state.toUpperCase(Locale.ROOT);
    if (!s.equals("OK") && !s.equals("ALARM") && !s.equals("INSUFFICIENT_DATA")) {
      throw new IllegalArgumentException(
          "alarm state '" + state + "' is not OK, ALARM or INSUFFICIENT_DATA");
    }
    alarms.put(name, new AlarmState(name, s, reason, world.now));
  }
}
