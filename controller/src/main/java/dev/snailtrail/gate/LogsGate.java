package dev.snailtrail.gate;

import dev.snailtrail.provider.Logs.LogEvent;
import dev.snailtrail.provider.ProviderException;
import dev.snailtrail.spec.Durations;
import dev.snailtrail.spec.Gate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * {@code logs}: a CloudWatch Logs filter pattern must appear since the phase began ({@code
 * present}), or stay absent for a window ({@code absentFor}).
 */
final class LogsGate {

  Measurement measure(Gate.Logs spec, GateContext ctx) {
    Gate.Logs gate = spec;
    if (spec.logGroup() == null) {
      String group = ctx.mainLogGroup();
      if (group == null) {
        return new Measurement.Fail(
            "container "
                + ctx.main().name()
                + " writes to no awslogs group; give the logs gate a logGroup");
      }
      gate =
          new Gate.Logs(group, spec.pattern(), spec.present(), spec.absentFor(), spec.analysis());
    }
    try {
      return gate.present() ? present(gate, ctx) : absent(gate, ctx);
    } catch (ProviderException e) {
      if (e.kind() != ProviderException.Kind.NOT_FOUND) {
        throw e;
      }
      return new Measurement.Fail(
          "log group "
              + gate.logGroup()
              + " does not exist in "
              + ctx.service().region()
              + "; set template.logGroup so tasks log there, or fix the gate's logGroup");
    }
  }

  private static Measurement present(Gate.Logs gate, GateContext ctx) {
    List<LogEvent> hits = search(gate, ctx, ctx.phaseStartedAt());
    if (!hits.isEmpty()) {
      LogEvent first = hits.get(0);
      return new Measurement.Pass(
          "found "
              + quoted(gate)
              + " in "
              + gate.logGroup()
              + " at "
              + first.timestamp().truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
              + ": "
              + line(first));
    }
    // Still waiting for the line; the phase's progress deadline bounds the wait.
    return new Measurement.Pending(
        "no line matching "
            + quoted(gate)
            + " in "
            + gate.logGroup()
            + " since the phase began "
            + Durations.format(since(ctx))
            + " ago");
  }

  private static Measurement absent(Gate.Logs gate, GateContext ctx) {
    Duration window = gate.absentFor();
    if (window == null || window.isZero() || window.isNegative()) {
      return new Measurement.Fail(
          "logs gate on " + gate.logGroup() + " needs present: true or an absentFor window");
    }
    Instant windowStart = ctx.now().minus(window);
    Instant from = windowStart.isAfter(ctx.phaseStartedAt()) ? windowStart : ctx.phaseStartedAt();
    List<LogEvent> hits = search(gate, ctx, from);
    if (!hits.isEmpty()) {
      LogEvent first = hits.get(0);
      return new Measurement.Fail(
          gate.logGroup()
              + " has a line matching "
              + quoted(gate)
              + " at "
              + first.timestamp().truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
              + ": "
              + line(first));
    }
    Duration elapsed = since(ctx);
    if (elapsed.compareTo(window) >= 0) {
      return new Measurement.Pass(
          "no line matching "
              + quoted(gate)
              + " in "
              + gate.logGroup()
              + " for the last "
              + Durations.format(window));
    }
    return new Measurement.Pending(
        "no line matching "
            + quoted(gate)
            + " in "
            + gate.logGroup()
            + " for "
            + Durations.format(elapsed)
            + " of the required "
            + Durations.format(window));
  }

  private static List<LogEvent> search(Gate.Logs gate, GateContext ctx, Instant from) {
    return ctx.providers()
        .logs()
        .filterLogEvents(
            ctx.service().region(), gate.logGroup(), gate.pattern(), from, ctx.now(), 1);
  }

  private static Duration since(GateContext ctx) {
    Duration d = Duration.between(ctx.phaseStartedAt(), ctx.now());
    return d.isNegative() ? Duration.ZERO : d.withNanos(0);
  }

  private static String quoted(Gate.Logs gate) {
    String p = gate.pattern();
    return p.startsWith("\"") && p.endsWith("\"") && p.length() > 1 ? p : "\"" + p + "\"";
  }

  /** The log line on one line, at most 200 characters. */
  private static String line(LogEvent e) {
    String one = e.message() == null ? "" : e.message().strip().replaceAll("\\s+", " ");
    return one.length() <= 200 ? one : one.substring(0, 200) + "…";
  }
}
