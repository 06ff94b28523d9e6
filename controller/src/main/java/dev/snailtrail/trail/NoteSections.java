package dev.snailtrail.trail;

import java.util.List;

/** The progress log's "Lessons learned" and "Key decisions log": the notes people wrote of each. */
final class NoteSections {
  private NoteSections() {}

  /**
   * @param events the trail, in order
   * @param rollout the rollout's name, for the hint on how to write one
   */
  static void render(StringBuilder b, List<TrailEvent> events, LogStyle style, String rollout) {
    section(b, events, NoteKind.lesson, "Lessons learned", rollout);
    section(b, events, NoteKind.decision, "Key decisions log", rollout);
  }

  private static void section(
      StringBuilder b, List<TrailEvent> events, NoteKind kind, String title, String rollout) {
    b.append("## ").append(title).append("\n\n");
    List<TrailEvent> notes = events.stream().filter(e -> LogStyle.isNote(e, kind)).toList();
    if (notes.isEmpty()) {
      b.append("None noted: `snailtrail note ")
          .append(rollout)
          .append(" \"...\" --kind ")
          .append(kind.name())
          .append("` adds one.\n\n");
      return;
    }
    int n = 1;
    for (TrailEvent e : notes) {
      b.append(n++)
          .append(". **")
          .append(e.phase() == null ? "rollout" : e.phase())
          .append("** (")
          .append(LogStyle.stamp(e))
          .append("): ")
          .append(LogStyle.noteText(e))
          .append(" — ")
          .append(LogStyle.noteBy(e))
          .append('\n');
    }
    b.append('\n');
  }
}
