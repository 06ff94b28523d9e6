package dev.snailtrail.trail;

/** The ways {@code snailtrail trail} prints a trail. */
public enum TrailFormat {
  /** One line per event, as the console prints them. */
  text,
  /** JSON lines, one event per line. */
  json,
  /** The progress log people used to write by hand, in Markdown. */
  md
}
