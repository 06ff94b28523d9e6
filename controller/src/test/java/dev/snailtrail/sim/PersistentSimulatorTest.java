package dev.snailtrail.sim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.snailtrail.spec.Rollout;
import dev.snailtrail.spec.load.SpecLoader;
import dev.snailtrail.time.MutableClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PersistentSimulatorTest {
  static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");

  @TempDir Path tmp;

  static Rollout snailTrail() throws Exception {
    return new SpecLoader()
        .load(Path.of(System.getProperty("snailtrail.root"), "spec-examples", "snail-trail.yaml"))
        .get(0);
  }

  @Test
  void aRestoredWorldHoldsWhatWasDoneAndItsTimeGoesOnFromWhereItStopped() throws Exception {
    Path state = tmp.resolve("sim-state.json");
    MutableClock real = new MutableClock(T0);
    Rollout r = snailTrail();
    Instant stoppedAt;
    try (PersistentSimulator world = PersistentSimulator.open(state, 60, real)) {
      real.advance(Duration.ofSeconds(5));
      assertThat(world.clock().instant()).as("held until resumed").isEqualTo(T0);
      world.resume();
      world.prepare(r);
      world.prepare(r); // seeded once
      real.advance(Duration.ofSeconds(10)); // ten minutes simulated
      world.simulator().setAlarmState("shine-5xx-high", "ALARM", "5xx above 1%");
      stoppedAt = world.clock().instant();
      assertThat(stoppedAt).isEqualTo(T0.plus(Duration.ofMinutes(10)));
      world.afterPass(r.name());
    }

    real.advance(Duration.ofHours(3)); // the controller was down
    try (PersistentSimulator again = PersistentSimulator.open(state, 60, real)) {
      assertThat(again.clock().instant()).isEqualTo(stoppedAt);
      real.advance(Duration.ofSeconds(2)); // starting up
      assertThat(again.clock().instant()).isEqualTo(stoppedAt);
      again.afterPass(r.name()); // the first pass lets time run
      real.advance(Duration.ofSeconds(1));
      assertThat(again.clock().instant()).isEqualTo(stoppedAt.plusSeconds(60));
      assertThat(again.simulator().describeAlarms("us-east-1", List.of("shine-5xx-high")).values())
          .singleElement()
          .satisfies(a -> assertThat(a.state()).isEqualTo("ALARM"));
      assertThat(again.simulator().describeCluster("us-east-1", "shine-ml-cluster")).isPresent();
      again.prepare(r); // already seeded: not again
      assertThat(Files.readString(state)).contains("shine-api-gateway");
    }
  }

  @Test
  void aSaveAppendsWhatChangedNotTheWorldAndACutOffLastLineIsIgnored() throws Exception {
    Path state = tmp.resolve("sim-state.json");
    MutableClock real = new MutableClock(T0);
    Rollout r = snailTrail();
    try (PersistentSimulator world = PersistentSimulator.open(state, 60, real)) {
      world.resume();
      world.prepare(r);
      long seededSize = Files.size(state);
      real.advance(Duration.ofSeconds(1));
      world.simulator().setAlarmState("shine-5xx-high", "ALARM", "5xx above 1%");
      world.afterPass(r.name());
      long grown = Files.size(state) - seededSize;
      assertThat(grown).as("one change and an instant, not the world").isLessThan(400);
      world.afterPass(r.name()); // nothing new, within the checkpoint: nothing written
      assertThat(Files.size(state) - seededSize).isEqualTo(grown);
    }
    // A crash in the middle of an append leaves its line cut short.
    Files.writeString(state, "{\"change\":{\"op\":\"alarm\",\"at", StandardOpenOption.APPEND);
    try (PersistentSimulator again = PersistentSimulator.open(state, 60, real)) {
      assertThat(again.simulator().describeAlarms("us-east-1", List.of("shine-5xx-high")).values())
          .singleElement()
          .satisfies(a -> assertThat(a.state()).isEqualTo("ALARM"));
    }
  }

  @Test
  void aWholeFileOfAnEarlierVersionIsReadAndRewrittenInLines() throws Exception {
    Path state = tmp.resolve("sim-state.json");
    MutableClock real = new MutableClock(T0);
    Rollout r = snailTrail();
    Simulator sim = new Simulator(real);
    sim.seed(r, Seed.defaults());
    sim.setAlarmState("shine-5xx-high", "ALARM", "5xx above 1%");
    String whole =
        dev.snailtrail.json.Json.mapper()
            .writeValueAsString(
                java.util.Map.of(
                    "now", T0.toString(), "seeded", List.of(r.name()), "snapshot", sim.snapshot()));
    Files.writeString(state, whole);
    try (PersistentSimulator world = PersistentSimulator.open(state, 60, real)) {
      assertThat(world.simulator().describeAlarms("us-east-1", List.of("shine-5xx-high")).values())
          .singleElement()
          .satisfies(a -> assertThat(a.state()).isEqualTo("ALARM"));
      world.prepare(r); // seeded before: not again
      world.save();
    }
    assertThat(Files.readAllLines(state).get(0)).startsWith("{\"seed\":");
    assertThat(PersistentSimulator.savedAt(state)).isEqualTo(T0);
  }
}
