package dev.snailtrail.time;

import java.time.Duration;
import java.util.function.DoubleSupplier;

/**
 * Exponential back-off as a function of the attempt number: {@code base × factor^(attempt - 1)},
 * capped, then optionally lengthened by up to a fraction ({@code jitter}) drawn from an injected
 * random source, so that many callers failing together do not retry together. It reads no clock and
 * never waits: the caller decides how to let the delay pass (a timer, a sleeper, a manual clock).
 *
 * <p>Attempts are counted from 1, the first retry after a failure; the caller keeps the count (per
 * key, per batch, per rollout) and resets it on success.
 */
public final class Backoff {
  private final Duration base;
  private final double factor;
  private final Duration cap;
  private final double jitter;
  private final DoubleSupplier random;

  private Backoff(
      Duration base, double factor, Duration cap, double jitter, DoubleSupplier random) {
    if (base.isNegative() || base.isZero()) {
      throw new IllegalArgumentException("back-off base must be positive, was " + base);
    }
    if (cap.compareTo(base) < 0) {
      throw new IllegalArgumentException(
          "back-off cap " + cap + " must not be shorter than its base " + base);
    }
    if (!(factor >= 1) || Double.isInfinite(factor)) {
      throw new IllegalArgumentException("back-off factor must be at least 1, was " + factor);
    }
    if (!(jitter >= 0 && jitter <= 1)) {
      throw new IllegalArgumentException("jitter must be within 0 and 1, was " + jitter);
    }
    if (cap.compareTo(Duration.ofDays(365)) > 0) {
      // Delays are computed in nanoseconds; a year is already far beyond any sensible wait.
      throw new IllegalArgumentException("back-off cap must be at most a year, was " + cap);
    }
    this.base = base;
    this.factor = factor;
    this.cap = cap;
    this.jitter = jitter;
    this.random = random;
  }

  /** {@code base}, doubling with each attempt up to {@code cap}, without jitter. */
  public static Backoff exponential(Duration base, Duration cap) {
    return new Backoff(base, 2, cap, 0, () -> 0);
  }

  /** This back-off growing by {@code factor} per attempt instead. */
  public Backoff withFactor(double factor) {
    return new Backoff(base, factor, cap, jitter, random);
  }

  /**
   * This back-off with each delay lengthened by {@code delay × fraction × random}, after the cap.
   *
   * @param fraction within 0 and 1
   * @param random values in [0, 1)
   */
  public Backoff withJitter(double fraction, DoubleSupplier random) {
    return new Backoff(base, factor, cap, fraction, random);
  }

  /**
   * How long to wait before attempt {@code attempt}.
   *
   * @param attempt 1 for the first retry after a failure, 2 after two failures in a row, …
   * @throws IllegalArgumentException for an attempt below 1
   */
  public Duration delay(int attempt) {
    if (attempt < 1) {
      throw new IllegalArgumentException("attempts count from 1, was " + attempt);
    }
    long capNanos = cap.toNanos();
    double nanos = base.toNanos();
    // Stops at the cap, so a long run of failures costs a few multiplications, not one per attempt.
    for (int i = 1; i < attempt && nanos < capNanos && factor > 1; i++) {
      nanos = nanos * factor;
    }
    long capped = (long) Math.min(nanos, capNanos);
    if (jitter == 0) {
      return Duration.ofNanos(capped);
    }
    return Duration.ofNanos(capped + (long) (capped * jitter * random.getAsDouble()));
  }

  /** The first delay. */
  public Duration base() {
    return base;
  }

  /** The longest delay before jitter. */
  public Duration cap() {
    return cap;
  }

  @Override
  public String toString() {
    return "Backoff[" + base + " × " + factor + " up to " + cap + ", jitter " + jitter + "]";
  }
}
