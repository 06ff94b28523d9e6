package dev.snailtrail.gate;

/**
 * What one look at a gate saw. Never a boolean: "failed", "nothing to look at yet" and "could not
 * ask" are different answers.
 */
public sealed interface Measurement {

  /** A sentence a person can act on, e.g. "2/3 targets unhealthy: Target.ResponseCodeMismatch". */
  String message();

  /** The gate's condition held. */
  record Pass(String message) implements Measurement {}

  /** The gate's condition did not hold: evidence against the phase. */
  record Fail(String message) implements Measurement {}

  /** Nothing to judge yet (no running tasks, no datapoints in the window yet). */
  record Pending(String message) implements Measurement {}

  /**
   * The provider could not be asked, or answered without data (throttled, unreachable, empty
   * result, NaN). Counts towards Inconclusive, never towards Failed.
   */
  record Error(String message) implements Measurement {}
}
