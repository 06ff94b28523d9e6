package dev.snailtrail.trail;

import java.util.ArrayList;
import java.util.List;

/**
 * The progress log's "Rollback log": each rollback with its date, reason, the action taken on the
 * service, how it ended, and when the failed phase was tried again (a retry or a new spec) with
 * what came of it.
 */
final class RollbackLog {
  private final List<TrailEvent> events;
  private final List<Integer> starts = new ArrayList<>();

  /**
   * @param events the trail, in order
   */
  RollbackLog(List<TrailEvent> events) {
    this.events = events;
    for (int i = 0; i < events.size(); i++) {
      if (events.get(i).type() == EventType.RollbackStarted) {
        starts.add(i);
      }
    }
  }

  void render(StringBuilder b) {
    b.append("## Rollback log\n\n");
    if (starts.isEmpty()) {
      b.append("No rollbacks.\n");
      return;
    }
    for (int k = 0; k < starts.size(); k++) {
      entry(b, k);
    }
  }

  private void entry(StringBuilder b, int k) {
    int start = starts.get(k);
    int next = k + 1 < starts.size() ? starts.get(k + 1) : events.size();
    TrailEvent rollback = events.get(start);
    String from = from(rollback);
    String to = rollback.data().getOrDefault("to", "?");
    b.append("### ")
        .append(k + 1)
        .append(". ")
        .append(from)
        .append(" → ")
        .append(to)
        .append("\n\n");
    b.append("- **Date:** ").append(LogStyle.stamp(rollback)).append('\n');
    b.append("- **Reason:** ").append(LogStyle.coarse(reason(rollback, from, to))).append('\n');
    int end = end(start, next);
    b.append("- **Action:** ").append(action(start, end == -1 ? next : end, from)).append('\n');
    b.append("- **Resolution:** ").append(resolution(end, to)).append('\n');
    b.append("- **Retry date:** ").append(retry(end, next, k, from)).append("\n\n");
  }

  private static String from(TrailEvent rollback) {
    return rollback.data().getOrDefault("from", rollback.phase());
  }

  /** Why it rolled back: the message after {@code Rolling back from X to Y: }. */
  private static String reason(TrailEvent rollback, String from, String to) {
    String prefix = "Rolling back from " + from + " to " + to + ": ";
    String m = rollback.message();
    return m.startsWith(prefix) ? m.substring(prefix.length()) : m;
  }

  /** The index of the event that ended the rollback (completed or failed), or -1. */
  private int end(int start, int next) {
    for (int i = start + 1; i < next; i++) {
      EventType t = events.get(i).type();
      if (t == EventType.RollbackCompleted || t == EventType.RollbackFailed) {
        return i;
      }
    }
    return -1;
  }

  /** What the controller did to the service while rolling back. */
  private String action(int start, int end, String from) {
    List<String> done = new ArrayList<>();
    for (int i = start + 1; i < end; i++) {
      TrailEvent e = events.get(i);
      if ((e.type() == EventType.ServiceUpdated || e.type() == EventType.ServiceCreated)
          && from.equals(e.phase())) {
        done.add(LogStyle.coarse(e.message()));
      }
    }
    return done.isEmpty() ? "no service update recorded" : String.join("; ", done);
  }

  private String resolution(int end, String to) {
    if (end == -1) {
      return "still rolling back";
    }
    TrailEvent e = events.get(end);
    if (e.type() == EventType.RollbackFailed) {
      return LogStyle.coarse(e.message()) + " (" + LogStyle.stamp(e) + ")";
    }
    String revision = e.data().get("revision");
    return "back on "
        + to
        + (revision == null ? "" : " (" + revision + ")")
        + " at "
        + LogStyle.stamp(e)
        + "; Degraded until a retry or a new spec";
  }

  /** When the failed phase was tried again, and what came of it. */
  private String retry(int end, int next, int k, String from) {
    if (end == -1) {
      return "—";
    }
    for (int i = end + 1; i < next; i++) {
      TrailEvent e = events.get(i);
      String how =
          switch (e.type()) {
            case Retried -> lowerFirst(e.message());
            case SpecChanged -> "spec generation " + e.generation() + " applied";
            default -> null;
          };
      if (how != null) {
        return LogStyle.stamp(e) + ", " + how + ": " + outcome(i, next, k, from);
      }
    }
    return "not retried";
  }

  private String outcome(int retry, int next, int k, String from) {
    for (int i = retry + 1; i < next; i++) {
      TrailEvent e = events.get(i);
      if (e.type() == EventType.PhaseCompleted && from.equals(e.phase())) {
        return from + " completed at " + LogStyle.stamp(e);
      }
    }
    if (next < events.size() && from.equals(from(events.get(next)))) {
      return "failed again (rollback " + (k + 2) + ")";
    }
    return "in progress";
  }

  private static String lowerFirst(String s) {
    return s.isEmpty() ? s : Character.toLowerCase(s.charAt(0)) + s.substring(1);
  }
}
