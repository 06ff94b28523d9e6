package dev.snailtrail.controller;

import static org.assertj.core.api.Assertions.assertThat;

import dev.snailtrail.gate.GateEvaluator;
import dev.snailtrail.metrics.Metrics;
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
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A burst of applies must not starve the passes of rollouts already under way: an apply waits while
 * busy workers leave a rollout due for {@link ControlPlaneService#HOLD_WHEN_BEHIND} or more, and
 * goes through as soon as they catch up.
 */
class ApplyHoldTest {
  @TempDir Path root;

  @Test
  void anApplyWaitsWhileTheWorkersAreBehindAndGoesThroughWhenTheyCatchUp() throws Exception {
    MutableClock clock = new MutableClock(Instant.parse("2026-11-23T10:00:00Z"));
    CountDownLatch firstPassMayEnd = new CountDownLatch(1);
    List<Duration> held = new CopyOnWriteArrayList<>();
    String minimal =
        Files.readString(
            Path.of(System.getProperty("snailtrail.root"), "spec-examples", "minimal.yaml"));
    try (Simulator sim = new Simulator(clock)) {
      Controller controller =
          Controller.builder(
                  new FileStore(root, clock), sim.providers(), GateEvaluator.withDefaults(), clock)
              .scheduler(new ManualScheduler(clock))
              .workers(1)
              .metrics(
                  new Metrics() {
                    @Override
                    public void applyHeld(Duration d) {
                      held.add(d);
                    }
                  })
              .hooks(
                  new Controller.Hooks() {
                    @Override
                    public void prepare(Rollout r) {
                      sim.seed(r, Seed.existingService("1.26"));
                    }

                    @Override
                    public void afterPass(String rollout) {
                      if (rollout.equals("bench-000")) {
                        await(firstPassMayEnd);
                      }
                    }
                  })
              .log(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8))
              .build();
      try {
        controller.start();
        ControlPlaneService plane = controller.controlPlane();
        plane.apply("r0.yaml", ControllerBenchmarkIT.spec(minimal, 0)); // the one worker: busy
        plane.apply("r1.yaml", ControllerBenchmarkIT.spec(minimal, 1)); // due, waiting for it
        Thread.sleep(ControlPlaneService.HOLD_WHEN_BEHIND.toMillis() + 100);

        Thread third =
            Thread.ofPlatform()
                .start(() -> apply(plane, "r2.yaml", ControllerBenchmarkIT.spec(minimal, 2)));
        third.join(500);
        assertThat(third.isAlive()).as("the apply waits for the busy worker").isTrue();
        assertThat(plane.list()).extracting(ControlPlane.RolloutView::name).hasSize(2);

        firstPassMayEnd.countDown();
        third.join(ControlPlaneService.HOLD_AT_MOST.toMillis());
        assertThat(third.isAlive()).isFalse();
        assertThat(plane.list()).extracting(ControlPlane.RolloutView::name).hasSize(3);
        assertThat(held).singleElement().satisfies(d -> assertThat(d).isPositive());
      } finally {
        firstPassMayEnd.countDown();
        controller.close();
      }
    }
  }

  private static void apply(ControlPlaneService plane, String source, String yaml) {
    try {
      plane.apply(source, yaml);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static void await(CountDownLatch latch) {
    try {
      assertThat(latch.await(1, TimeUnit.MINUTES)).isTrue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
