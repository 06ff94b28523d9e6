package dev.snailtrail.gate;

import dev.snailtrail.provider.CloudWatch.AlarmState;
import dev.snailtrail.spec.Gate;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** {@code cloudwatchAlarm}: none of the named alarms is in ALARM. */
final class CloudWatchAlarmGate {

  Measurement measure(Gate.CloudWatchAlarm gate, GateContext ctx) {
    if (gate.names().isEmpty()) {
      return new Measurement.Fail("the cloudwatchAlarm gate names no alarms; list at least one");
    }
    String region = ctx.service().region();
    Map<String, AlarmState> alarms =
        ctx.providers().cloudWatch().describeAlarms(region, gate.names());
    List<AlarmState> firing = inState(gate, alarms, "ALARM");
    if (!firing.isEmpty()) {
      return new Measurement.Fail(describe(firing, "in ALARM"));
    }
    List<String> missing = gate.names().stream().filter(n -> !alarms.containsKey(n)).toList();
    if (!missing.isEmpty()) {
      return new Measurement.Fail(
          (missing.size() == 1
                  ? "alarm " + missing.get(0) + " does not exist in "
                  : "alarms " + String.join(", ", missing) + " do not exist in ")
              + region
              + "; create "
              + (missing.size() == 1 ? "it" : "them")
              + " or remove "
              + (missing.size() == 1 ? "it" : "them")
              + " from the gate");
    }
    List<AlarmState> noData = inState(gate, alarms, "INSUFFICIENT_DATA");
    if (!noData.isEmpty()) {
      return new Measurement.Inconclusive(describe(noData, "has INSUFFICIENT_DATA"));
    }
    return new Measurement.Pass(
        (gate.names().size() == 1 ? "alarm " : "alarms ")
            + String.join(", ", gate.names())
            + " OK");
  }

  private static List<AlarmState> inState(
      Gate.CloudWatchAlarm gate, Map<String, AlarmState> alarms, String state) {
    return gate.names().stream()
        .map(alarms::get)
        .filter(a -> a != null && state.equals(a.state()))
        .toList();
  }

  /** "alarm shine-5xx-high in ALARM: Threshold Crossed: ..." for each alarm. */
  private static String describe(List<AlarmState> alarms, String state) {
    return alarms.stream()
        .map(
            a ->
                "alarm "
                    + a.name()
                    + " "
                    + state
                    + (a.reason() == null || a.reason().isBlank() ? "" : ": " + a.reason()))
        .collect(Collectors.joining("; "));
  }
}
