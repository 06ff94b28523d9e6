package dev.snailtrail.trail;

import dev.snailtrail.rollout.Reason;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The progress log's "Challenges encountered": every problem the trail saw (a failed gate, a failed
 * deployment, a failed preflight, a rollback no listed problem caused, such as an abort) and every
 * challenge a person noted, each with its resolution: what followed in its phase until the phase
 * completed or failed again (the rollback, the rollback's end, a resume, a retry, a new spec).
 */
final class Challenges {
  private final List<TrailEvent> events;
  private final LogStyle style;

  /**
   * @param events the trail, in order
   */
  Challenges(List<TrailEvent> events, LogStyle style) {
    this.events = events;
    this.style = style;
  }

  void render(StringBuilder b) {
    b.append("## Challenges encountered\n\n");
    List<TrailEvent> problems = events.stream().filter(Challenges::isChallenge).toList();
    if (problems.isEmpty()) {
      b.append("None.\n\n");
      return;
    }
    int n = 1;
    for (TrailEvent e : problems) {
      boolean noted = e.type() == EventType.Note;
      b.append(n++)
          .append(". ")
          .append(style.emoji(noted ? "📝 " : "❌ "))
          .append("**")
          .append(e.phase() == null ? "rollout" : e.phase())
          .append("** (")
          .append(LogStyle.stamp(e))
          .append("): ")
          .append(
              noted
                  ? LogStyle.noteText(e) + " — noted by " + LogStyle.noteBy(e)
                  : LogStyle.coarse(e.message()))
          .append("  \n");
      b.append("   **Resolution:** ").append(resolution(e)).append('\n');
    }
    b.append('\n');
  }

  /** Problems the trail saw, and challenges people noted. */
  private static boolean isChallenge(TrailEvent e) {
    return switch (e.type()) {
      case GateFailed, DeploymentFailed, PreflightFailed -> true;
      case RollbackStarted -> !answersAProblem(e);
      case Note -> LogStyle.isNote(e, NoteKind.challenge);
      default -> false;
    };
  }

  /** A rollback for a failed gate or deployment answers that problem: it is no second one. */
  private static boolean answersAProblem(TrailEvent rollback) {
    String reason = rollback.data().get("reason");
    return Reason.GateFailed.name().equals(reason) || Reason.DeploymentFailed.name().equals(reason);
  }

  /**
   * What followed a problem in its phase, in order: its rollback and how that ended, then whatever
   * moved the rollout on (a resume, a retry, a new spec), up to the phase's completion or its
   * failing again; "none yet" when nothing followed.
   */
  private String resolution(TrailEvent problem) {
    String phase = problem.phase();
    List<String> steps = new ArrayList<>();
    boolean rollingBack = problem.type() == EventType.RollbackStarted;
    boolean rolledBack = rollingBack;
    boolean movedOn = false;
    if (rollingBack) {
      steps.add(rolledBack(problem));
    }
    for (int i = events.indexOf(problem) + 1; i < events.size(); i++) {
      TrailEvent e = events.get(i);
      if (movedOn && fails(e, phase)) {
        steps.add("failed again at " + LogStyle.stamp(e));
        break;
      }
      switch (e.type()) {
        case RollbackStarted -> {
          if (!rolledBack && isRollbackFrom(e, phase)) {
            steps.add(rolledBack(e));
            rollingBack = rolledBack = true;
          }
        }
        case RollbackCompleted, RollbackFailed -> {
          if (rollingBack) {
            steps.add(
                e.type() == EventType.RollbackCompleted
                    ? "back on " + e.data().getOrDefault("to", "its target") + " at " + stamp(e)
                    : "the rollback failed at " + stamp(e) + ": it needs a person");
            rollingBack = false;
          }
        }
        case Resumed, Retried -> {
          steps.add(lowerFirst(e.message()) + " at " + stamp(e));
          movedOn = true;
        }
        case SpecChanged -> {
          steps.add("spec generation " + e.generation() + " applied at " + stamp(e));
          movedOn = true;
        }
        case PhaseCompleted -> {
          if (Objects.equals(phase, e.phase())) {
            steps.add(phase + " completed at " + stamp(e));
            return String.join("; ", steps);
          }
        }
        default -> {
          // Not a step of this problem's resolution.
        }
      }
    }
    return steps.isEmpty() ? "none yet" : String.join("; ", steps);
  }

  private static String stamp(TrailEvent e) {
    return LogStyle.stamp(e);
  }

  private static boolean isRollbackFrom(TrailEvent e, String phase) {
    return e.type() == EventType.RollbackStarted
        && phase != null
        && phase.equals(e.data().getOrDefault("from", e.phase()));
  }

  /** The phase failing again once something was done: a new problem in it. */
  private static boolean fails(TrailEvent e, String phase) {
    return phase != null
        && phase.equals(e.phase())
        && (e.type() == EventType.GateFailed
            || e.type() == EventType.DeploymentFailed
            || e.type() == EventType.PreflightFailed
            || isRollbackFrom(e, phase));
  }

  private static String rolledBack(TrailEvent rollback) {
    return "rolled back from "
        + rollback.data().getOrDefault("from", rollback.phase())
        + " to "
        + rollback.data().getOrDefault("to", "?")
        + " ("
        + LogStyle.stamp(rollback)
        + ")";
  }

  private static String lowerFirst(String s) {
    return s.isEmpty() ? s : Character.toLowerCase(s.charAt(0)) + s.substring(1);
  }
}
