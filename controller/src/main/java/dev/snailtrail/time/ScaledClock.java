package dev.snailtrail.time;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * Real time sped up by a factor from a starting instant: the demo's clock, so a rollout of many
 * simulated minutes plays in seconds.
 */
public final class ScaledClock extends Clock {
  private final Clock base;
  private final Instant origin;
  private final double speed;

  public ScaledClock(Clock base, double speed) {
    if (!(speed > 0)) {
      throw new IllegalArgumentException("speed must be positive, was " + speed);
    }
    this.base = base;
    this.origin = base.instant();
    this.speed = speed;
  }

  /** How long to really wait for {@code simulated} to pass on this clock. */
  public Duration realTimeFor(Duration simulated) {
    return Duration.ofNanos((long) (simulated.toNanos() / speed));
  }

  @Override
  public Instant instant() {
    long elapsed = Duration.between(origin, base.instant()).toNanos();
    return origin.plusNanos((long) (elapsed * speed));
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return this;
  }
}
