package dev.snailtrail.trail;

import dev.snailtrail.rollout.RolloutStatus;
import dev.snailtrail.spec.Phase;
import dev.snailtrail.spec.Rollout;
import dev.snailtrail.trail.PhaseStandings.State;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The progress log people used to keep by hand, rendered from a trail as Markdown: title and
 * status, an overall progress bar, the phase completion list, each phase's log with its marker, the
 * challenges met and how each was answered, and the rollback log. Deterministic for a given trail:
 * events are ordered by time and sequence, nothing reads the clock, and measured latencies are
 * shown coarsely ({@code in <1 s}) so that reruns render alike.
 */
public final class ProgressLog {
  private static final DateTimeFormatter DAY =
      DateTimeFormatter.ofPattern("MMM dd", Locale.ROOT).withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter MINUTE =
      DateTimeFormatter.ofPattern("HH:mm", Locale.ROOT).withZone(ZoneOffset.UTC);
  private static final Pattern MILLIS = Pattern.compile("\\b(\\d+) ms\\b");
  private static final int BAR = 20;

  private final Rollout spec;
  private final RolloutStatus status;
  private final List<TrailEvent> events;
  private final boolean plain;
  private final PhaseStandings standings;
  private final List<String> phases;

  private ProgressLog(Rollout spec, RolloutStatus status, List<TrailEvent> events, boolean plain) {
    this.spec = spec;
    this.status = status;
    this.events = events.stream().sorted(ORDER).toList();
    this.plain = plain;
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
          .thenComparingLong(ProgressLog::sequence)
          .thenComparing(TrailEvent::id);

  private static long sequence(TrailEvent e) {
    String id = e.id();
    try {
      return Long.parseLong(id.substring(id.lastIndexOf('/') + 1));
    } catch (NumberFormatException notNumbered) {
      return 0;
    }
  }

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
    challenges(b);
    rollbackLog(b);
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
      b.append(" — ").append(coarse(status.message()));
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
        .append(" — ")
        .append(plain ? s.plain : s.icon)
        .append(' ')
        .append(s.words)
        .append("\n\n");
    Phase phase = specPhase(p);
    if (phase != null) {
      long passed =
          events.stream()
              .filter(e -> p.equals(e.phase()) && e.type() == EventType.GatePassed)
              .map(e -> e.data().get("gate"))
              .distinct()
              .count();
      b.append("Image `")
          .append(phase.image() == null ? "-" : phase.image().effectiveTag())
          .append("`, gates passed: ")
          .append(Math.min(passed, phase.gates().size()))
          .append('/')
          .append(phase.gates().size())
          .append("\n\n");
    }
    List<TrailEvent> mine = events.stream().filter(e -> p.equals(e.phase())).toList();
    if (mine.isEmpty()) {
      b.append("_Not started._\n\n");
      return;
    }
    for (TrailEvent e : mine) {
      b.append(line(e)).append("  \n");
    }
    b.append('\n');
    if (s == State.DONE && standings.hasMarker(p)) {
      b.append("> ").append(emoji("🏁 ")).append("**").append(standings.marker(p)).append("**\n\n");
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

  private void challenges(StringBuilder b) {
    b.append("## Challenges encountered\n\n");
    List<TrailEvent> problems =
        events.stream()
            .filter(
                e ->
                    e.type() == EventType.GateFailed
                        || e.type() == EventType.DeploymentFailed
                        || e.type() == EventType.PreflightFailed)
            .toList();
    if (problems.isEmpty()) {
      b.append("None.\n\n");
      return;
    }
    int n = 1;
    for (TrailEvent e : problems) {
      b.append(n++)
          .append(". ")
          .append(emoji("❌ "))
          .append("**")
          .append(e.phase() == null ? "rollout" : e.phase())
          .append("** (")
          .append(stamp(e))
          .append("): ")
          .append(coarse(e.message()))
          .append("  \n");
      b.append("   ").append("**Resolution:** ").append(resolution(e)).append('\n');
    }
    b.append('\n');
  }

  /** The rollback that answered a problem: the first one started from its phase after it. */
  private String resolution(TrailEvent problem) {
    int from = events.indexOf(problem);
    for (int i = from + 1; i < events.size(); i++) {
      TrailEvent e = events.get(i);
      if (e.type() == EventType.RollbackStarted
          && problem.phase() != null
          && problem.phase().equals(e.data().getOrDefault("from", e.phase()))) {
        String to = e.data().getOrDefault("to", "?");
        String done =
            events.subList(i, events.size()).stream()
                .filter(x -> x.type() == EventType.RollbackCompleted)
                .findFirst()
                .map(x -> "; back on " + to + " at " + stamp(x))
                .orElse("; still rolling back");
        return "rolled back from " + problem.phase() + " to " + to + " (" + stamp(e) + ")" + done;
      }
      if (e.type() == EventType.PhaseCompleted
          && problem.phase() != null
          && problem.phase().equals(e.phase())) {
        return "the phase completed after all (" + stamp(e) + ")";
      }
    }
    return "none yet";
  }

  private void rollbackLog(StringBuilder b) {
    b.append("## Rollback log\n\n");
    List<TrailEvent> rollbacks =
        events.stream()
            .filter(
                e ->
                    e.type() == EventType.RollbackStarted
                        || e.type() == EventType.RollbackCompleted
                        || e.type() == EventType.RollbackFailed)
            .toList();
    if (rollbacks.isEmpty()) {
      b.append("No rollbacks.\n");
      return;
    }
    for (TrailEvent e : rollbacks) {
      b.append("- ").append(line(e)).append('\n');
    }
  }

  private String line(TrailEvent e) {
    String icon = plain ? ConsoleTrailSink.label(e.type()) : ConsoleTrailSink.icon(e.type());
    return emoji("🐌 ") + stamp(e) + ": " + icon + " " + coarse(e.message());
  }

  private static String stamp(TrailEvent e) {
    return "["
        + DAY.format(e.time()).toUpperCase(Locale.ROOT)
        + "] - ["
        + MINUTE.format(e.time())
        + "]";
  }

  private String emoji(String s) {
    return plain ? "" : s;
  }

  /** Latencies as an order of magnitude: they vary from run to run, the magnitude does not. */
  static String coarse(String message) {
    Matcher m = MILLIS.matcher(message);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      long ms = Long.parseLong(m.group(1));
      String bucket = ms < 1000 ? "<1 s" : (ms / 1000) + " s";
      m.appendReplacement(out, Matcher.quoteReplacement(bucket));
    }
    m.appendTail(out);
    return out.toString();
  }
}
