package dev.snailtrail.trail;

/** How much a trail event deserves attention. */
public enum Severity {
  Normal,
  Warning,
  Error
}
