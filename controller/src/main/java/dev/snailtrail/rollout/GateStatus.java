package dev.snailtrail.rollout;

import java.time.Instant;

/**
 * The tally of one gate within the current phase, as recorded in status.
 *
 * @param name {@code kind/index}, e.g. {@code logs/0}
 * @param result the verdict so far
 * @param passes passing measurements
 * @param failures failing measurements
 * @param inconclusives inconclusive measurements (answers without a usable value, e.g. no data;
 *     provider errors count in {@code consecutiveErrors} instead)
 * @param consecutiveErrors provider errors in a row
 * @param message what the last measurement saw
 * @param lastMeasuredAt when it was last measured, or null
 */
public record GateStatus(
    String name,
    GateResult result,
    int passes,
    int failures,
    int inconclusives,
    int consecutiveErrors,
    String message,
    Instant lastMeasuredAt) {

  public static GateStatus initial(String name) {
    return new GateStatus(name, GateResult.Pending, 0, 0, 0, 0, "not measured yet", null);
  }
}
