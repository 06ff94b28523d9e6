package dev.snailtrail.rollout;

/** The verdict on a gate under its analysis rules. */
public enum GateResult {
  /** Passed {@code count} times. */
  Passed,
  /** More failures than {@code failureLimit}: the phase fails. */
  Failed,
  /** Still measuring. */
  Pending,
  /** Too many inconclusive measurements or provider errors in a row: the rollout pauses. */
  Inconclusive
}
