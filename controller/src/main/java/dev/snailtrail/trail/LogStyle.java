package dev.snailtrail.trail;

import dev.snailtrail.spec.Durations;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How the progress log writes what every section shares: stamps in the shape of the hand-kept log
 * ({@code [NOV 23] - [10:19]}), an event's line, durations, and emoji unless plain.
 */
final class LogStyle {
  private static final DateTimeFormatter DAY =
      DateTimeFormatter.ofPattern("MMM dd", Locale.ROOT).withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter MINUTE =
      DateTimeFormatter.ofPattern("HH:mm", Locale.ROOT).withZone(ZoneOffset.UTC);
  private static final Pattern MILLIS = Pattern.compile("\\b(\\d+) ms\\b");

  final boolean plain;

  LogStyle(boolean plain) {
    this.plain = plain;
  }

  /** {@code s}, or nothing when plain. */
  String emoji(String s) {
    return plain ? "" : s;
  }

  /** An event as a line of a phase's log: {@code 🐌 [NOV 23] - [10:19]: ✅ message}. */
  String line(TrailEvent e) {
    String icon = plain ? ConsoleTrailSink.label(e.type()) : ConsoleTrailSink.icon(e.type());
    return emoji("🐌 ") + stamp(e) + ": " + icon + " " + coarse(e.message());
  }

  static String stamp(TrailEvent e) {
    return stamp(e.time());
  }

  static String stamp(Instant t) {
    return "[" + DAY.format(t).toUpperCase(Locale.ROOT) + "] - [" + MINUTE.format(t) + "]";
  }

  /** From one event to another, to the second, as specs write durations: {@code 2m30s}. */
  static String duration(TrailEvent from, TrailEvent to) {
    Duration d = Duration.between(from.time(), to.time());
    return Durations.format(Duration.ofSeconds(d.toSeconds()));
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

  /** A note's words, without the kind and author its message starts with. */
  static String noteText(TrailEvent note) {
    return note.data().getOrDefault("text", note.message());
  }

  /** Who wrote a note. */
  static String noteBy(TrailEvent note) {
    return note.data().getOrDefault("by", "a person");
  }

  /** Whether the event is a person's note of this kind. */
  static boolean isNote(TrailEvent e, NoteKind kind) {
    return e.type() == EventType.Note && NoteKind.of(e.data().get("kind")) == kind;
  }
}
