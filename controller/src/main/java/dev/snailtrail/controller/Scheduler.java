package dev.snailtrail.controller;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * Runs a task after a delay of the controller's clock. Production uses {@link #executor}; tests use
 * a manual implementation that runs what is due when they advance their clock, so nothing sleeps.
 */
public interface Scheduler {

  /**
   * Runs {@code task} once {@code delay} of the controller's clock has passed.
   *
   * @return cancels the task if it has not run
   */
  Runnable schedule(Duration delay, Runnable task);

  /**
   * A scheduler on an executor.
   *
   * @param toRealTime turns a delay of the controller's clock into real time (identity for the
   *     system clock; {@code ScaledClock::realTimeFor} for a sped-up one)
   */
  static Scheduler executor(ScheduledExecutorService executor, UnaryOperator<Duration> toRealTime) {
    return (delay, task) -> {
      long nanos = Math.max(0, toRealTime.apply(delay).toNanos());
      ScheduledFuture<?> f = executor.schedule(task, nanos, TimeUnit.NANOSECONDS);
      return () -> f.cancel(false);
    };
  }
}
