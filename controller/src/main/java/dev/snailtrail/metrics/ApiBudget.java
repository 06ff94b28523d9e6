package dev.snailtrail.metrics;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * How much of ECS's request quota each throttled action leaves unused: requests sent over the last
 * {@link #WINDOW_SECONDS} seconds against the action's quota ({@link #QUOTAS}). 1 is idle, 0 is the
 * quota reached (ECS throttles past it), below 0 is over it. Every attempt counts, retries too, as
 * ECS counts them. Thread-safe.
 */
final class ApiBudget {
  /** ECS's documented sustained rates, requests a second, by {@code service:operation}. */
  static final Map<String, Integer> QUOTAS =
      Map.of(
          "ecs:DescribeServices", 20,
          "ecs:UpdateService", 5,
          "ecs:RegisterTaskDefinition", 1);

  static final int WINDOW_SECONDS = 10;

  private final LongSupplier nanoTime;
  private final Map<String, long[]> counts = new ConcurrentHashMap<>();
  private final Map<String, long[]> seconds = new ConcurrentHashMap<>();

  /**
   * @param nanoTime a monotonic time source in nanoseconds
   */
  ApiBudget(LongSupplier nanoTime) {
    this.nanoTime = nanoTime;
  }

  /** Whether the action has a quota here. */
  static boolean budgeted(String action) {
    return QUOTAS.containsKey(action);
  }

  /** One request of {@code action} was sent. */
  void sent(String action) {
    if (!budgeted(action)) {
      return;
    }
    long[] c = counts.computeIfAbsent(action, a -> new long[WINDOW_SECONDS]);
    long[] s = seconds.computeIfAbsent(action, a -> new long[WINDOW_SECONDS]);
    long now = nanoTime.getAsLong() / 1_000_000_000L;
    synchronized (c) {
      int slot = Math.floorMod(now, WINDOW_SECONDS);
      if (s[slot] != now) {
        s[slot] = now;
        c[slot] = 0;
      }
      c[slot]++;
    }
  }

  /** The share of the action's quota left over the window (1 when nothing was sent). */
  double headroom(String action) {
    long[] c = counts.get(action);
    long[] s = seconds.get(action);
    if (c == null) {
      return 1;
    }
    long now = nanoTime.getAsLong() / 1_000_000_000L;
    long sent = 0;
    synchronized (c) {
      for (int i = 0; i < WINDOW_SECONDS; i++) {
        if (now - s[i] < WINDOW_SECONDS) {
          sent += c[i];
        }
      }
    }
    double rate = (double) sent / WINDOW_SECONDS;
    return 1 - rate / QUOTAS.get(action);
  }
}
