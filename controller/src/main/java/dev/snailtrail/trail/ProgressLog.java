package dev.snailtrail.trail;

import dev.snailtrail.rollout.RolloutStatus;
import dev.snailtrail.spec.Phase;
import dev.snailtrail.spec.Rollout;
import dev.snailtrail.trail.PhaseStandings.State;
import java.util.Comparator;
import java.util.List;

/**
 * The progress log people used to keep by hand, rendered from a trail as Markdown: title and
 * status, an overall progress bar, the phase completion list, each phase's status, start and
 * completion dates, duration and log with its marker, the challenges met with how each was resolved
 * ({@link Challenges}), the lessons learned and key decisions people noted ({@link NoteSections}),
 * and the rollback log with each rollback's reason, action, resolution and retry ({@link
 * RollbackLog}). Deterministic for a given trail: events are ordered by time and sequence, nothing
 * reads the clock, and measured latencies are shown coarsely ({@code in <1 s}) so that reruns
 * render alike.
 */
public final class ProgressLog {
  private static final int BAR = 20;

  private final Rollout spec;
  private final RolloutStatus status;
  private final List<TrailEvent> events;
  private final boolean plain;
  private final LogStyle style;
  private final PhaseStandings standings;
  private final List<String> phases;

  private ProgressLog(Rollout spec, RolloutStatus status, List<TrailEvent> events, boolean plain) {
    this.spec = spec;
    this.status = status;
    this.events = events.stream().sorted(ORDER).toList();
    this.plain = plain;
    this.style = new LogStyle(plain);
    this.standings = new PhaseStandings(spec, this.events);
    this.phases = standings.phases();
  }

  /**
   * @param spec the rollout's spec (for every phase, pending ones too), or null
   * @param status its status (for the headline), or null to derive it from the trail
   * @param plain drop the emoji
   */
  public static String render(
      Rollout spec, RolloutStatus status, List<TrailEvent> events, boolean plain) {
    return new ProgressLog(spec, status, events, plain).render();
  }

  /** By time, then by the sequence number in the event id, so equal times keep emission order. */
  private static final Comparator<TrailEvent> ORDER =
      Comparator.comparing(TrailEvent::time)
          .thenComparingLong(TrailEvent::generation)
          .thenComparingLong(TrailEvent::sequence)
          .thenComparing(TrailEvent::id);

  private String render() {
    StringBuilder b = new StringBuilder();
    String name =
        spec != null ? spec.name() : events.isEmpty() ? "rollout" : events.get(0).rollout();
    b.append("# ").append(emoji("🐌 ")).append(name).append(" — progress log\n\n");
    headline(b);
    b.append("## Phase completion\n\n");
    for (int i = 0; i < phases.size(); i++) {
      String p = phases.get(i);
      State s = standings.of(p);
      b.append("- ")
          .append(plain ? s.plain : s.icon)
          .append(" Phase ")
          .append(i + 1)
          .append('/')
          .append(phases.size())
          .append(' ')
          .append(p);
      if (standings.hasMarker(p) && s == State.DONE) {
        b.append(" — ").append(standings.marker(p));
      } else if (s != State.DONE) {
        b.append(" — ").append(s.words);
      }
      b.append('\n');
    }
    b.append('\n');
    for (int i = 0; i < phases.size(); i++) {
      phaseSection(b, i);
    }
    new Challenges(events, style).render(b);
    NoteSections.render(b, events, style, name);
    new RollbackLog(events).render(b);
    return b.toString();
  }

  private void headline(StringBuilder b) {
    long done = standings.done();
    int percent =
        status != null
            ? status.progress()
            : phases.isEmpty() ? 0 : (int) (100 * done / phases.size());
    String phase = status != null ? status.phase().name() : derivedStatus();
    b.append("**Status:** ").append(statusIcon(phase)).append(phase);
    if (status != null && status.message() != null) {
      b.append(" — ").append(LogStyle.coarse(status.message()));
    }
    b.append("  \n");
    if (spec != null) {
      var t = spec.spec().target();
      b.append("**Service:** `")
          .append(t.service())
          .append("` in cluster `")
          .append(t.cluster())
          .append("` (")
          .append(t.region())
          .append(")  \n");
    }
    int filled = Math.round(percent * BAR / 100f);
    b.append("**Overall progress:** `[")
        .append(plain ? "#".repeat(filled) : "█".repeat(filled))
        .append(plain ? ".".repeat(BAR - filled) : "░".repeat(BAR - filled))
        .append("] ")
        .append(percent)
        .append("%` — ")
        .append(done)
        .append(" of ")
        .append(phases.size())
        .append(" phases complete\n\n");
  }

  private String derivedStatus() {
    for (int i = events.size() - 1; i >= 0; i--) {
      EventType t = events.get(i).type();
      if (t == EventType.RolloutCompleted) {
        return "Healthy";
      } else if (t == EventType.RollbackCompleted) {
        return "Degraded";
      } else if (t == EventType.RollbackStarted) {
        return "RollingBack";
      } else if (t == EventType.Paused || t == EventType.ApprovalRequired) {
        return "Paused";
      }
    }
    return "Progressing";
  }

  private String statusIcon(String phase) {
    if (plain) {
      return "";
    }
    return switch (phase) {
      case "Healthy" -> "✅ ";
      case "Degraded", "Failed" -> "❌ ";
      case "RollingBack" -> "↩️ ";
      case "Paused" -> "⏸️ ";
      default -> "🔄 ";
    };
  }

  private void phaseSection(StringBuilder b, int index) {
    String p = phases.get(index);
    State s = standings.of(p);
    b.append("## Phase ")
        .append(index + 1)
        .append('/')
        .append(phases.size())
        .append(' ')
        .append(p)
        .append("\n\n");
    b.append("**Status:** ").append(plain ? s.plain : s.icon).append(' ').append(s.words);
    dates(b, p);
    b.append("  \n");
    Phase phase = specPhase(p);
    if (phase != null) {
      long passed =
          events.stream()
              .filter(e -> p.equals(e.phase()) && e.type() == EventType.GatePassed)
              .map(e -> e.data().get("gate"))
              .distinct()
              .count();
      b.append("**Image:** `")
          .append(phase.image() == null ? "-" : phase.image().effectiveTag())
          .append("` · **Gates passed:** ")
          .append(Math.min(passed, phase.gates().size()))
          .append('/')
          .append(phase.gates().size())
          .append("  \n");
    }
    b.append('\n');
    List<TrailEvent> mine = events.stream().filter(e -> p.equals(e.phase())).toList();
    if (mine.isEmpty()) {
      b.append("_Not started._\n\n");
      return;
    }
    for (TrailEvent e : mine) {
      b.append(style.line(e)).append("  \n");
    }
    b.append('\n');
    if (s == State.DONE && standings.hasMarker(p)) {
      b.append("> ").append(emoji("🏁 ")).append("**").append(standings.marker(p)).append("**\n\n");
    }
  }

  /** When the phase started and ended, and how long it took; a phase started again says so. */
  private void dates(StringBuilder b, String p) {
    TrailEvent first = standings.started(p);
    if (first == null) {
      return;
    }
    b.append(" · **Started:** ").append(LogStyle.stamp(first));
    TrailEvent end = standings.ended(p);
    if (end != null) {
      b.append(end.type() == EventType.PhaseCompleted ? " · **Completed:** " : " · **Failed:** ")
          .append(LogStyle.stamp(end))
          .append(" · **Duration:** ")
          .append(LogStyle.duration(first, end));
    }
    int attempts = standings.attempts(p);
    if (attempts > 1) {
      b.append(" · **Attempts:** ").append(attempts);
    }
  }

  private Phase specPhase(String name) {
    if (spec == null) {
      return null;
    }
    return spec.spec().phases().stream()
        .filter(x -> x.name().equals(name))
        .findFirst()
        .orElse(null);
  }

  private String emoji(String s) {
    return style.emoji(s);
  }
}
