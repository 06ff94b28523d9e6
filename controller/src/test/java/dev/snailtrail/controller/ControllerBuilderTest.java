package dev.snailtrail.controller;

import static org.assertj.core.api.Assertions.assertThat;

import dev.snailtrail.gate.GateEvaluator;
import dev.snailtrail.sim.Simulator;
import dev.snailtrail.store.FileStore;
import dev.snailtrail.time.MutableClock;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How the builder sets the batched reads' windows from its clocks. */
class ControllerBuilderTest {
  final MutableClock clock = new MutableClock(Instant.parse("2026-11-23T10:00:00Z"));

  @TempDir Path dir;

  ControllerBuilder builder(Simulator sim) {
    return Controller.builder(
        new FileStore(dir, clock), sim.providers(), GateEvaluator.withDefaults(), clock);
  }

  @Test
  void alarmReadsAreKeptASecondOfRealTimeWhenTheSimulationRunsSpedUp() {
    try (Simulator sim = new Simulator(clock)) {
      assertThat(builder(sim).alarmFreshness()).isEqualTo(Duration.ofSeconds(1));
      assertThat(builder(sim).realTime(d -> d.dividedBy(60)).alarmFreshness())
          .as("a second of real time is a minute of a simulation at 60x")
          .isCloseTo(Duration.ofSeconds(60), Duration.ofMillis(1));
      assertThat(builder(sim).realTime(d -> d.multipliedBy(2)).alarmFreshness())
          .as("never shorter than the describe freshness")
          .isEqualTo(Duration.ofSeconds(1));
      assertThat(builder(sim).describeFreshness(Duration.ZERO).alarmFreshness()).isZero();
    }
  }
}
