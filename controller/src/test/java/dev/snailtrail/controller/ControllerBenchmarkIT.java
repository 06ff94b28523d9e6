package dev.snailtrail.controller;

import static org.assertj.core.api.Assertions.assertThat;

import dev.snailtrail.gate.GateEvaluator;
import dev.snailtrail.rollout.StatusPhase;
import dev.snailtrail.sim.Seed;
import dev.snailtrail.sim.Simulator;
import dev.snailtrail.spec.Rollout;
import dev.snailtrail.store.FileStore;
import dev.snailtrail.time.ScaledClock;
import dev.snailtrail.trail.EventType;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Figures, not a pass mark: 200 one-phase rollouts in one controller on the simulator, with
 * simulated time running {@value #SPEED}× real time, the file store on local disk and the default
 * four workers. Prints how long a due rollout waited for a worker (in simulated and real time) and
 * the heap in use once all are done, and how many DescribeServices requests the batched reads of
 * the one shared cluster came to; docs/benchmarks.md records a run. Asserts only that every rollout
 * completes.
 */
class ControllerBenchmarkIT {
  static final int ROLLOUTS = 200;
  static final double SPEED = 10;

  @TempDir Path tmp;

  static String spec(String minimal, int i) {
    String name = String.format(Locale.ROOT, "bench-%03d", i);
    return minimal
        .replace("name: hello-web", "name: " + name)
        .replace("service: hello-web", "service: " + name)
        .replace("family: hello-web", "family: " + name)
        .replace(
            "      image: public.ecr.aws/nginx/nginx:1.27\n",
            "      image: public.ecr.aws/nginx/nginx:1.27\n      bake: 30s\n");
  }

  @Test
  void twoHundredRolloutsInOneController() throws Exception {
    String minimal =
        Files.readString(
            Path.of(System.getProperty("snailtrail.root"), "spec-examples", "minimal.yaml"));
    ScaledClock clock = new ScaledClock(Clock.systemUTC(), SPEED);
    List<Long> simLagMs = Collections.synchronizedList(new ArrayList<>());
    List<Long> wallLagMicros = Collections.synchronizedList(new ArrayList<>());
    Set<String> completed = ConcurrentHashMap.newKeySet();
    ByteArrayOutputStream errors = new ByteArrayOutputStream();
    try (Simulator sim = new Simulator(clock)) {
      Controller.Hooks seeding =
          new Controller.Hooks() {
            final Set<String> seeded = ConcurrentHashMap.newKeySet();

            @Override
            public void prepare(Rollout r) {
              if (seeded.add(r.name())) {
                sim.seed(r, Seed.existingService("1.26"));
              }
            }
          };
      DescribeCounter describes = new DescribeCounter(sim.providers().ecs());
      Controller controller =
          Controller.builder(
                  new FileStore(tmp.resolve("store"), java.time.Clock.systemUTC()),
                  DescribeCounter.around(sim.providers(), describes),
                  GateEvaluator.withDefaults(),
                  clock)
              .workers(4)
              .resync(Duration.ofSeconds(30))
              .realTime(clock::realTimeFor)
              .hooks(seeding)
              .log(new PrintStream(errors, true, StandardCharsets.UTF_8))
              .trailSink(
                  e -> {
                    if (e.type() == EventType.RolloutCompleted) {
                      completed.add(e.rollout());
                    }
                  })
              .queueObserver(
                  new WorkQueue.Observer() {
                    @Override
                    public void taken(String key, Duration waited, long waitedNanos) {
                      simLagMs.add(waited.toMillis());
                      wallLagMicros.add(waitedNanos / 1_000);
                    }
                  })
              .build();
      long t0 = System.nanoTime();
      var simStart = clock.instant();
      controller.start();
      for (int i = 0; i < ROLLOUTS; i++) {
        controller.controlPlane().apply("bench-" + i + ".yaml", spec(minimal, i));
      }
      long deadline = t0 + Duration.ofSeconds(55).toNanos();
      while (completed.size() < ROLLOUTS && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      double wall = (System.nanoTime() - t0) / 1e9;
      Duration simulated = Duration.between(simStart, clock.instant());
      controller.close();

      assertThat(completed)
          .as("rollouts completed in %.1f s (errors: %s)", wall, errors)
          .hasSize(ROLLOUTS);
      assertThat(controller.controlPlane().list())
          .allSatisfy(v -> assertThat(v.status().phase()).isEqualTo(StatusPhase.Healthy));

      System.gc();
      long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
      System.out.printf(
          Locale.ROOT,
          "ControllerBenchmarkIT: %d rollouts Healthy in %.1f s real (%d s simulated at %.0fx),"
              + " %d passes (%.0f/s), %d failed passes%n",
          ROLLOUTS,
          wall,
          simulated.toSeconds(),
          SPEED,
          controller.passes(),
          controller.passes() / wall,
          controller.failedPasses());
      System.out.printf(
          Locale.ROOT,
          "ControllerBenchmarkIT: reconcile lag (due -> picked up): simulated p50 %d ms, p99 %d ms;"
              + " real p50 %.2f ms, p99 %.2f ms, max %.2f ms over %d pick-ups%n",
          percentile(simLagMs, 50),
          percentile(simLagMs, 99),
          percentile(wallLagMicros, 50) / 1000.0,
          percentile(wallLagMicros, 99) / 1000.0,
          percentile(wallLagMicros, 100) / 1000.0,
          wallLagMicros.size());
      System.out.printf(
          Locale.ROOT,
          "ControllerBenchmarkIT: heap used after GC %.1f MiB (store, simulator world and"
              + " controller for %d rollouts)%n",
          heap / 1024.0 / 1024.0,
          ROLLOUTS);
      // Unbatched, every pass made at least one request of its own: 10 per 10 passes.
      System.out.printf(
          Locale.ROOT,
          "ControllerBenchmarkIT: ECS reads batched per cluster: %s over %d passes, %.2f"
              + " DescribeServices requests per 10 passes%n",
          describes.figures(),
          controller.passes(),
          10.0 * describes.awsRequests.get() / controller.passes());
    }
  }

  static long percentile(List<Long> values, int p) {
    List<Long> sorted;
    synchronized (values) {
      sorted = new ArrayList<>(values);
    }
    Collections.sort(sorted);
    if (sorted.isEmpty()) {
      return 0;
    }
    int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
    return sorted.get(Math.max(0, Math.min(index, sorted.size() - 1)));
  }
}
