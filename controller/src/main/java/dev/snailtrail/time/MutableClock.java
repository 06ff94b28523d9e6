package dev.snailtrail.time;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A clock that only moves when told to. Tests advance it by hand so that time-dependent code runs
 * deterministically and a rollout of many minutes takes milliseconds.
 */
public final class MutableClock extends Clock {
  private final ZoneId zone;
  private volatile Instant now;

  public MutableClock(Instant start) {
    this(start, ZoneOffset.UTC);
  }

  public MutableClock(Instant start, ZoneId zone) {
    this.now = start;
    this.zone = zone;
  }

  /** Moves the clock forward (or back, for a negative duration). */
  public synchronized void advance(Duration by) {
    now = now.plus(by);
  }

  /** Sets the clock to an instant. */
  public void set(Instant instant) {
    now = instant;
  }

  @Override
  public Instant instant() {
    return now;
  }

  @Override
  public ZoneId getZone() {
    return zone;
  }

  /** A clock sharing this one's time in another zone. */
  @Override
  public Clock withZone(ZoneId other) {
    MutableClock outer = this;
    return new Clock() {
      @Override
      public ZoneId getZone() {
        return other;
      }

      @Override
      public Clock withZone(ZoneId z) {
        return outer.withZone(z);
      }

      @Override
      public Instant instant() {
        return outer.instant();
      }
    };
  }

  @Override
  public String toString() {
    return "MutableClock[" + now + "]";
  }
}
