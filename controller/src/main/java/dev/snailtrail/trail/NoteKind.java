package dev.snailtrail.trail;

/**
 * What a person's note records, and so where the progress log shows it: every note in its phase's
 * log, and a decision, lesson or challenge also in the section of that name.
 */
public enum NoteKind {
  /** A remark for the record; only in its phase's log. */
  note("Note"),
  /** Something the team decided (Key decisions log). */
  decision("Decision"),
  /** Something the team learned (Lessons learned). */
  lesson("Lesson"),
  /** A problem people met that the trail cannot see (Challenges encountered). */
  challenge("Challenge");

  private final String title;

  NoteKind(String title) {
    this.title = title;
  }

  /** How a message names the kind: {@code Decision}, {@code Lesson}. */
  public String title() {
    return title;
  }

  /** The kind a note's {@code data.kind} names; {@link #note} for anything else. */
  public static NoteKind of(String name) {
    for (NoteKind k : values()) {
      if (k.name().equals(name)) {
        return k;
      }
    }
    return note;
  }
}
