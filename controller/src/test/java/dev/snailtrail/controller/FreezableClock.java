package dev.snailtrail.controller;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * One replica's clock: the world's, until frozen (a replica paused, or its clock stuck), when it
 * keeps saying the instant it froze at.
 */
final class FreezableClock extends Clock {
  private final Clock world;
  private volatile Instant frozenAt;

  FreezableClock(Clock world) {
    this.world = world;
  }

  void freeze() {
    frozenAt = world.instant();
  }

  void resume() {
    frozenAt = null;
  }

  @Override
  public Instant instant() {
    Instant f = frozenAt;
    return f != null ? f : world.instant();
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    throw new UnsupportedOperationException("UTC only");
  }
}
