package dev.snailtrail.controller;

import static org.assertj.core.api.Assertions.assertThat;

import dev.snailtrail.gate.GateEvaluator;
import dev.snailtrail.metrics.Metrics;
import dev.snailtrail.sim.Simulator;
import dev.snailtrail.store.FileStore;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The work queue's latency metric is real time, whatever the controller's clock does. */
class QueueLatencyTest {

  @TempDir Path dir;

  /** A clock ten minutes further on at every look, as a demo clock sped up far enough is. */
  static final class RacingClock extends Clock {
    private Instant now = Instant.parse("2026-11-23T10:00:00Z");

    @Override
    public synchronized Instant instant() {
      now = now.plus(Duration.ofMinutes(10));
      return now;
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

  @Test
  void latencyIsRecordedInRealSeconds() throws Exception {
    Clock clock = new RacingClock();
    List<Duration> latencies = new CopyOnWriteArrayList<>();
    Metrics metrics =
        new Metrics() {
          @Override
          public void workQueueLatency(Duration waited) {
            latencies.add(waited);
          }
        };
    try (Simulator sim = new Simulator(Clock.systemUTC());
        Controller c =
            Controller.builder(
                    new FileStore(dir.resolve("store"), clock),
                    sim.providers(),
                    GateEvaluator.withDefaults(),
                    clock)
                .metrics(metrics)
                .workers(1)
                .resync(null)
                .build()) {
      c.start();
      for (String key : List.of("a", "b", "c")) {
        c.queue().add(key);
      }
      assertThat(c.queue().awaitIdle(Duration.ofSeconds(30))).isTrue();
    }
    assertThat(latencies).hasSize(3);
    // Each wait spanned a look or more at the racing clock (ten minutes each), and a few real
    // milliseconds at most.
    assertThat(latencies).allSatisfy(d -> assertThat(d).isLessThan(Duration.ofSeconds(10)));
  }
}
