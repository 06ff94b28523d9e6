package dev.snailtrail.controller;

import static org.assertj.core.api.Assertions.assertThat;

import dev.snailtrail.gate.GateEvaluator;
import dev.snailtrail.rollout.StatusPhase;
import dev.snailtrail.sim.Seed;
import dev.snailtrail.sim.Simulator;
import dev.snailtrail.spec.Rollout;
import dev.snailtrail.store.FileStore;
import dev.snailtrail.time.MutableClock;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Many rollouts on one cluster, driven to the end on the simulator with a manual clock: with
 * batching their passes share describes of the whole cluster, without it each pass asks alone.
 */
class ControllerBatchingTest {
  static final int ROLLOUTS = 24;

  @TempDir Path dir;

  /** What one run to the end cost. */
  record Run(long passes, DescribeCounter ecs) {}

  @Test
  void rolloutsOnOneClusterShareTheirServiceReads() throws Exception {
    Run batched = runAll(true, dir.resolve("batched"));
    Run alone = runAll(false, dir.resolve("alone"));

    System.out.printf(
        Locale.ROOT,
        "ControllerBatchingTest: %d rollouts on one cluster. Batched: %d passes, %s."
            + " Unbatched: %d passes, %s%n",
        ROLLOUTS,
        batched.passes(),
        batched.ecs().figures(),
        alone.passes(),
        alone.ecs().figures());
    assertThat(batched.ecs().calls.get())
        .as("describes with batching, over %d passes", batched.passes())
        .isLessThanOrEqualTo(batched.passes() / 5);
    assertThat(batched.ecs().maxNames.get()).isEqualTo(ROLLOUTS);
    assertThat(alone.ecs().calls.get())
        .as("each pass describes its own service without batching")
        .isGreaterThanOrEqualTo(alone.passes());
  }

  private Run runAll(boolean batch, Path root) throws Exception {
    MutableClock clock = new MutableClock(Instant.parse("2026-11-23T10:00:00Z"));
    ManualScheduler scheduler = new ManualScheduler(clock);
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    try (Simulator sim = new Simulator(clock)) {
      DescribeCounter counter = new DescribeCounter(sim.providers().ecs());
      Controller controller =
          Controller.builder(
                  new FileStore(root, clock),
                  DescribeCounter.around(sim.providers(), counter),
                  GateEvaluator.withDefaults(),
                  clock)
              .scheduler(scheduler)
              .workers(4)
              .batchDescribes(batch)
              .hooks(
                  new Controller.Hooks() {
                    @Override
                    public void prepare(Rollout r) {
                      sim.seed(r, Seed.existingService("1.26"));
                    }
                  })
              .log(new PrintStream(log, true, StandardCharsets.UTF_8))
              .build();
      try {
        controller.start();
        String minimal =
            Files.readString(
                Path.of(System.getProperty("snailtrail.root"), "spec-examples", "minimal.yaml"));
        for (int i = 0; i < ROLLOUTS; i++) {
          controller
              .controlPlane()
              .apply("r" + i + ".yaml", ControllerBenchmarkIT.spec(minimal, i));
        }
        Instant limit = clock.instant().plus(Duration.ofHours(1));
        while (!allHealthy(controller) && clock.instant().isBefore(limit)) {
          settle(controller);
          var next = scheduler.nextDue();
          if (next.isEmpty()) {
            break;
          }
          if (next.get().isAfter(clock.instant())) {
            clock.set(next.get());
          }
          scheduler.runDue();
          settle(controller);
        }
        assertThat(controller.controlPlane().list())
            .as("every rollout ends Healthy (log: %s)", log)
            .hasSize(ROLLOUTS)
            .allSatisfy(v -> assertThat(v.status().phase()).isEqualTo(StatusPhase.Healthy));
        assertThat(controller.failedPasses()).isZero();
        return new Run(controller.passes(), counter);
      } finally {
        controller.close();
      }
    }
  }

  private static boolean allHealthy(Controller c) {
    return c.controlPlane().list().size() == ROLLOUTS
        && c.controlPlane().list().stream()
            .allMatch(v -> v.status().phase() == StatusPhase.Healthy);
  }

  private static void settle(Controller c) throws InterruptedException {
    assertThat(c.queue().awaitIdle(Duration.ofMinutes(1))).as("passes finish").isTrue();
  }
}
