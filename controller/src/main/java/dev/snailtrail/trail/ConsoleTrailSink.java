package dev.snailtrail.trail;

import java.io.PrintStream;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * Prints each event as a line a person reads as it happens, in the shape of the hand-kept log:
 * {@code 🐌 [NOV 23] - [10:19:05] first-steps ✅ Task definition shine-api-gateway:12 registered}.
 */
public final class ConsoleTrailSink implements TrailSink {
  private static final DateTimeFormatter DAY =
      DateTimeFormatter.ofPattern("MMM dd", Locale.ROOT).withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("HH:mm:ss", Locale.ROOT).withZone(ZoneOffset.UTC);

  private final PrintStream out;
  private final boolean plain;

  /**
   * @param plain drop the emoji (for terminals and logs that mangle them)
   */
  public ConsoleTrailSink(PrintStream out, boolean plain) {
    this.out = out;
    this.plain = plain;
  }

  @Override
  public void accept(TrailEvent e) {
    out.println(format(e, plain));
    out.flush();
  }

  /** One line for an event. */
  public static String format(TrailEvent e, boolean plain) {
    String day = DAY.format(e.time()).toUpperCase(Locale.ROOT);
    String phase = e.phase() == null ? "" : e.phase();
    String icon = plain ? label(e.type()) : icon(e.type());
    return (plain ? "" : "🐌 ")
        + "["
        + day
        + "] - ["
        + TIME.format(e.time())
        + "] "
        + String.format(Locale.ROOT, "%-13s", phase)
        + " "
        + icon
        + " "
        + e.message();
  }

  /** The emoji the progress log uses for each kind of event. */
  public static String icon(EventType type) {
    return switch (type) {
      case RolloutStarted -> "🚀";
      case PhaseStarted -> "▶️";
      case TaskDefinitionRegistered,
          TaskDefinitionReused,
          ServiceCreated,
          DeploymentCompleted,
          GatePassed ->
          "✅";
      case ServiceUpdated -> "🔧";
      case TrafficShifted -> "🔀";
      case BakeStarted -> "⏳";
      case PhaseCompleted -> "🏁";
      case ApprovalRequired -> "✋";
      case Promoted, Resumed, Retried -> "👍";
      case Paused -> "⏸️";
      case GateInconclusive,
          DriftDetected,
          SpecChanged,
          DesiredCountLimited,
          ProviderUnavailable,
          ServiceAdopted ->
          "⚠️";
      case DriftEnded, ProviderRecovered -> "✅";
      case GateFailed, DeploymentFailed, PreflightFailed, RollbackFailed, Aborted -> "❌";
      case RollbackStarted -> "↩️";
      case RollbackCompleted -> "🛟";
      case RolloutCompleted -> "🎉";
      case Note -> "📝";
    };
  }

  static String label(EventType type) {
    return switch (type) {
      case GateFailed, DeploymentFailed, PreflightFailed, RollbackFailed, Aborted -> "[FAIL]";
      case GateInconclusive,
          DriftDetected,
          SpecChanged,
          Paused,
          DesiredCountLimited,
          ProviderUnavailable,
          ServiceAdopted ->
          "[WARN]";
      case RollbackStarted, RollbackCompleted -> "[BACK]";
      case PhaseCompleted, RolloutCompleted -> "[DONE]";
      case Note -> "[NOTE]";
      case RolloutStarted,
          PhaseStarted,
          TaskDefinitionRegistered,
          TaskDefinitionReused,
          ServiceCreated,
          ServiceUpdated,
          DeploymentCompleted,
          GatePassed,
          BakeStarted,
          ApprovalRequired,
          Promoted,
          Resumed,
          Retried,
          DriftEnded,
          ProviderRecovered,
          TrafficShifted ->
          "[ OK ]";
    };
  }
}
