package dev.snailtrail.reconcile;

import java.time.Duration;
import java.util.Objects;

/**
 * How long a rollout waits between looks while ECS works for it (a deployment, a rollback).
 *
 * <p>Without events the looks follow ECS's own pace ({@link #ECS_PACED}). A deployment moves no
 * faster than its tasks are placed, pull their images and start (seconds) and pass their container
 * and load balancer health checks and drain the old tasks (tens of seconds to minutes): it is
 * looked at every 5 s while young, then every third of its age, at most every 15 s. A deployment of
 * 30 s is seen at most 9 s after it completes, one of 5 minutes with about 25 looks instead of 60.
 *
 * <p>With events ({@link #woken}) the deployment's own events wake the rollout (completed, failed,
 * a task stopped), so looking is only a safety net for a lost event, and it too follows ECS's pace
 * rather than a flat period: an ECS deployment takes tens of seconds at the least and often minutes
 * (a target group drains the old tasks for 300 s by default), so the first look comes when the
 * deployment is about a minute old, then every half of its age, at most every 5 minutes, never less
 * often than the {@code cap} (the controller's resync). A lost event is caught within that wait: 1
 * minute for a young deployment, half its age for an older one, at most the cap.
 *
 * @param min the shortest wait
 * @param max the longest wait
 * @param share the wait as a fraction of the deployment's age, between min and max
 */
public record Polling(Duration min, Duration max, double share) {
  /** ECS's pace: 5 s while young, then a third of the deployment's age, at most 15 s. */
  public static final Polling ECS_PACED =
      new Polling(Duration.ofSeconds(5), Duration.ofSeconds(15), 1.0 / 3);

  public Polling {
    Objects.requireNonNull(min, "min");
    Objects.requireNonNull(max, "max");
    if (!min.isPositive() || max.compareTo(min) < 0 || share < 0) {
      throw new IllegalArgumentException("polling needs 0 < min <= max and share >= 0");
    }
  }

  /** With events: the first look in case an event was lost. */
  public static final Duration FALLBACK_FIRST = Duration.ofMinutes(1);

  /** With events: the longest wait between looks in case an event was lost. */
  public static final Duration FALLBACK_LONGEST = Duration.ofMinutes(5);

  /**
   * With events: a look in case an event was lost a minute into the deployment, then every half of
   * its age, at most every 5 minutes, and at least every {@code cap}.
   */
  public static Polling woken(Duration cap) {
    Objects.requireNonNull(cap, "cap");
    return new Polling(shorter(FALLBACK_FIRST, cap), shorter(FALLBACK_LONGEST, cap), 0.5);
  }

  private static Duration shorter(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  /** The wait before the next look at a deployment that began {@code age} ago. */
  Duration next(Duration age) {
    Duration d = Duration.ofNanos((long) (Math.max(0, age.toNanos()) * share));
    return d.compareTo(min) < 0 ? min : d.compareTo(max) > 0 ? max : d;
  }
}
