package dev.snailtrail.trail;

import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Which trail events a sink passes on: those of the listed types, and those at least as severe as
 * the minimum. With neither, every event; with both, an event that meets either ({@code
 * RollbackStarted,PhaseCompleted} and {@code Warning}: the phase completions, and everything that
 * went wrong).
 *
 * @param types event types always passed on; empty for none by type
 * @param minSeverity events at least this severe are passed on; null for none by severity
 */
public record TrailFilter(Set<EventType> types, Severity minSeverity) {
  /** Passes every event. */
  public static final TrailFilter ALL = new TrailFilter(Set.of(), null);

  public TrailFilter {
    types = types.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(types));
  }

  /** Whether the sink passes the event on. */
  public boolean accepts(TrailEvent e) {
    if (types.isEmpty() && minSeverity == null) {
      return true;
    }
    return types.contains(e.type())
        || (minSeverity != null && e.severity().compareTo(minSeverity) >= 0);
  }

  /** How a start-up line names it: {@code every event}, {@code RollbackStarted or Warning+}. */
  public String describe() {
    if (types.isEmpty() && minSeverity == null) {
      return "every event";
    }
    String byType = types.stream().map(Enum::name).sorted().collect(Collectors.joining(", "));
    String bySeverity = minSeverity == null ? "" : minSeverity + " and above";
    return byType.isEmpty()
        ? bySeverity
        : bySeverity.isEmpty() ? byType : byType + "; " + bySeverity;
  }
}
