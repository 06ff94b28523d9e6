package dev.snailtrail.spec;

import java.time.Duration;

/**
 * How measurements of a gate turn into a verdict.
 *
 * @param interval time between measurements
 * @param count passing measurements needed for the gate to pass
 * @param failureLimit failed measurements tolerated; one more fails the gate
 * @param inconclusiveLimit inconclusive measurements tolerated; one more pauses the rollout
 * @param consecutiveErrorLimit provider errors in a row tolerated; one more makes the gate
 *     Inconclusive (never Failed)
 */
public record Analysis(
    Duration interval,
    int count,
    int failureLimit,
    int inconclusiveLimit,
    int consecutiveErrorLimit) {

  public static final Analysis DEFAULTS = new Analysis(Duration.ofSeconds(10), 3, 2, 3, 5);

  public Analysis withInterval(Duration value) {
    return new Analysis(value, count, failureLimit, inconclusiveLimit, consecutiveErrorLimit);
  }

  public Analysis withCount(int value) {
    return new Analysis(interval, value, failureLimit, inconclusiveLimit, consecutiveErrorLimit);
  }

  public Analysis withFailureLimit(int value) {
    return new Analysis(interval, count, value, inconclusiveLimit, consecutiveErrorLimit);
  }

  public Analysis withInconclusiveLimit(int value) {
    return new Analysis(interval, count, failureLimit, value, consecutiveErrorLimit);
  }

  public Analysis withConsecutiveErrorLimit(int value) {
    return new Analysis(interval, count, failureLimit, inconclusiveLimit, value);
  }

  /** The shortest time in which a gate under these rules can pass. */
  public Duration minimumTimeToPass() {
    return interval.multipliedBy(Math.max(0, count - 1));
  }
}
