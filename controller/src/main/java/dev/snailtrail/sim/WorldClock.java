package dev.snailtrail.sim;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.function.Supplier;

/** A clock that reads the simulated world's own time ({@link Simulator#worldClock()}). */
final class WorldClock extends Clock {
  private final Supplier<Instant> now;

  WorldClock(Supplier<Instant> now) {
    this.now = now;
  }

  @Override
  public Instant instant() {
    return now.get();
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
