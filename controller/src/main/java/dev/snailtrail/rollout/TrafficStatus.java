package dev.snailtrail.rollout;

import java.time.Instant;

/**
 * Where a phase that shifts traffic is ({@code status.traffic}).
 *
 * @param step the index of the traffic step under way; the number of steps once they are all done
 *     and the stable service takes the revision
 * @param weight the percent of requests the rule sends to the canary, as last set
 * @param stepStartedAt when the step under way began (a pause ends this long after it)
 */
public record TrafficStatus(int step, int weight, Instant stepStartedAt) {
  /** Before the first step: the canary deployed, no request sent to it. */
  public static TrafficStatus start(Instant now) {
    return new TrafficStatus(0, 0, now);
  }

  /** The next step, begun {@code now}, with the weight it leaves. */
  public TrafficStatus next(int weight, Instant now) {
    return new TrafficStatus(step + 1, weight, now);
  }

  /** The weight as set (after a rollback puts everything on stable, say). */
  public TrafficStatus withWeight(int weight) {
    return new TrafficStatus(step, weight, stepStartedAt);
  }
}
