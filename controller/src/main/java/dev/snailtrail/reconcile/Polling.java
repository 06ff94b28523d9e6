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
 * a task stopped), so looking is a safety net for a lost event: once per {@code fallback}.
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

  /** With events: a look every {@code fallback}, whatever the deployment's age. */
  public static Polling woken(Duration fallback) {
    return new Polling(fallback, fallback, 0);
  }

  /** The wait before the next look at a deployment that began {@code age} ago. */
  Duration next(Duration age) {
    Duration d = Duration.ofNanos((long) (Math.max(0, age.toNanos()) * share));
    return d.compareTo(min) < 0 ? min : d.compareTo(max) > 0 ? max : d;
  }
}
