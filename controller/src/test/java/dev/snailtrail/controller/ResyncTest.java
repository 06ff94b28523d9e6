package dev.snailtrail.controller;

import static org.assertj.core.api.Assertions.assertThat;

import dev.snailtrail.gate.GateEvaluator;
import dev.snailtrail.rollout.StatusPhase;
import dev.snailtrail.rollout.Step;
import dev.snailtrail.sim.Seed;
import dev.snailtrail.sim.Simulator;
import dev.snailtrail.spec.Rollout;
import dev.snailtrail.store.FileStore;
import dev.snailtrail.time.MutableClock;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The resync makes sure every rollout is looked at at least once per resync: it queues a settled
 * rollout, which asked for no look of its own, and leaves alone one whose own next look comes
 * within the resync anyway (a gate's interval), instead of giving it a pass more. With thousands of
 * rollouts baking, those extra passes were a quarter of the controller's work.
 */
class ResyncTest {
  static final Duration RESYNC = Duration.ofSeconds(30);

  @TempDir Path dir;

  static String spec(String name, String bake, String gateInterval) {
    return """
        apiVersion: snailtrail.dev/v1
        kind: Rollout
        metadata: {name: %1$s}
        spec:
          target: {region: eu-west-1, cluster: default, service: %1$s}
          template: {family: %1$s, container: web, port: 8080}
          analysis: {interval: %3$s, count: 1}
          phases:
            - name: next
              image: public.ecr.aws/nginx/nginx:1.27
              bake: %2$s
              gates:
                - cloudwatchAlarm: {names: [%1$s-5xx]}
        """
        .formatted(name, bake, gateInterval);
  }

  @Test
  void theResyncLooksAtASettledRolloutAndLeavesABakingOneToItsGateInterval() throws Exception {
    MutableClock clock = new MutableClock(Instant.parse("2026-11-23T10:00:00Z"));
    ManualScheduler scheduler = new ManualScheduler(clock);
    Map<String, AtomicInteger> pickups = new ConcurrentHashMap<>();
    AtomicBoolean counting = new AtomicBoolean();
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    try (Simulator sim = new Simulator(clock)) {
      Controller controller =
          Controller.builder(
                  new FileStore(dir.resolve("store"), clock),
                  sim.providers(),
                  GateEvaluator.withDefaults(),
                  clock)
              .scheduler(scheduler)
              .workers(2)
              .resync(RESYNC)
              .hooks(
                  new Controller.Hooks() {
                    @Override
                    public void prepare(Rollout r) {
                      sim.seed(r, Seed.existingService("1.26"));
                    }
                  })
              .queueObserver(
                  new WorkQueue.Observer() {
                    @Override
                    public void taken(String key, Duration waited, long waitedNanos) {
                      if (counting.get()) {
                        pickups.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
                      }
                    }
                  })
              .log(new PrintStream(log, true, StandardCharsets.UTF_8))
              .build();
      try {
        controller.start();
        controller.controlPlane().apply("baking.yaml", spec("baking", "30m", "20s"));
        controller.controlPlane().apply("settled.yaml", spec("settled", "0s", "10s"));
        Instant limit = clock.instant().plus(Duration.ofMinutes(10));
        while (!(phase(controller, "settled") == StatusPhase.Healthy
                && step(controller, "baking") == Step.Baking)
            && clock.instant().isBefore(limit)) {
          step(controller, scheduler, clock);
        }
        assertThat(step(controller, "baking")).as(log.toString()).isEqualTo(Step.Baking);

        counting.set(true);
        Instant end = clock.instant().plus(Duration.ofMinutes(2));
        while (scheduler.nextDue().filter(t -> t.isBefore(end)).isPresent()) {
          step(controller, scheduler, clock);
        }
        counting.set(false);

        assertThat(pickups.get("settled"))
            .as("a settled rollout is looked at once per resync: 3 or 4 in 2 minutes")
            .hasValueBetween(3, 4);
        assertThat(pickups.get("baking"))
            .as(
                "a baking rollout is looked at when its gate is due, every 20 s: 5 or 6 in 2 minutes")
            .hasValueBetween(5, 6);
      } finally {
        controller.close();
      }
    }
  }

  private static StatusPhase phase(Controller c, String name) {
    return c.controlPlane().get(name).orElseThrow().status().phase();
  }

  private static Step step(Controller c, String name) {
    return c.controlPlane().get(name).orElseThrow().status().step();
  }

  /** Moves the clock to the next timer, runs it, and lets the workers finish. */
  private static void step(Controller c, ManualScheduler scheduler, MutableClock clock)
      throws InterruptedException {
    assertThat(c.queue().awaitIdle(Duration.ofMinutes(1))).isTrue();
    var next = scheduler.nextDue();
    if (next.isEmpty()) {
      return;
    }
    if (next.get().isAfter(clock.instant())) {
      clock.set(next.get());
    }
    scheduler.runDue();
    assertThat(c.queue().awaitIdle(Duration.ofMinutes(1))).isTrue();
  }
}
