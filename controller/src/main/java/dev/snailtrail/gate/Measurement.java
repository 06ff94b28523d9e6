package dev.snailtrail.gate;

/**
 * What one look at a gate saw. Never a boolean: "failed", "nothing to look at yet", "asked but no
 * data" and "could not ask" are different answers, and only {@link Fail} counts against a phase.
 */
public sealed interface Measurement {

  /** A sentence a person can act on, e.g. "2/3 targets unhealthy: Target.ResponseCodeMismatch". */
  String message();

  /** The gate's condition held. */
  record Pass(String message) implements Measurement {}

  /** The gate's condition did not hold: evidence against the phase. */
  record Fail(String message) implements Measurement {}

  /** Nothing to judge yet (no running tasks yet, the absence window not yet elapsed). */
  record Pending(String message) implements Measurement {}

  /**
   * The provider answered without a usable value (empty query result, NaN, no datapoints). Counts
   * towards {@code inconclusiveLimit}.
   */
  record Inconclusive(String message) implements Measurement {}

  /**
   * The provider could not be asked (throttled, unreachable, 5xx, circuit open). Counts towards
   * {@code consecutiveErrorLimit}; never towards Failed.
   */
  record Error(String message) implements Measurement {}
}
