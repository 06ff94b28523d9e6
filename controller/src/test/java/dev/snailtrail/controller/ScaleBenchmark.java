package dev.snailtrail.controller;

import static org.assertj.core.api.Assertions.assertThat;

import dev.snailtrail.gate.GateEvaluator;
import dev.snailtrail.rollout.Reason;
import dev.snailtrail.rollout.StatusPhase;
import dev.snailtrail.sim.PersistentSimulator;
import dev.snailtrail.sim.SimChangeFeed;
import dev.snailtrail.spec.Rollout;
import dev.snailtrail.store.FileStore;
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
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Figures, not a pass mark, and not part of {@code ./run-tests} (its name is neither *Test nor
 * *IT): N one-phase rollouts on one controller over the persistent simulator at {@value #SPEED}×,
 * as {@code snailtrail controller --provider sim --speed 60} runs them (file store, 4 workers, 30 s
 * resync on real time, the world saved after every pass), each creating its service, passing an
 * {@code ecsTasks} and a {@code cloudwatchAlarm} gate and baking 90 simulated minutes and one more
 * per 25 rollouts (so the first still bake when the last is applied). The gates are measured every
 * 600 simulated seconds: 10 s of real time, so each rollout asks of the controller what one with
 * the default 10 s interval asks against AWS. (At 60× the default interval would be six passes a
 * real second per rollout, 60 times the load real time brings.) Prints, per size: reconcile lag in
 * real time, heap, rollbacks (none should happen: every image is healthy) and deadlines missed, and
 * what the same work would cost in AWS requests per rollout per resync while they bake.
 * docs/benchmarks.md records runs and the command:
 *
 * <pre>
 * ./mvnw -B -ntp verify -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false \
 *   -Dit.test=ScaleBenchmark -Dbench.rollouts=100,1000,5000 -DargLine=-Xmx256m
 * </pre>
 *
 * {@code -Dbench.events=false} runs without the simulator's events (polling only); {@code
 * -Dbench.workers=N} with N workers instead of the controller's default 4. Besides the whole run's
 * and the steady minute's lag it prints the lag of the pick-ups while the rollouts were applied,
 * then until every one baked, and per 10 s until then: where the tail of the whole run comes from.
 */
class ScaleBenchmark {
  static final double SPEED = 60;
  static final Duration RESYNC = Duration.ofSeconds(30);
  static final Duration STEADY_WINDOW = Duration.ofSeconds(60);

  @TempDir Path tmp;

  /** Long enough that the first rollouts still bake when the last one is applied. */
  static int bakeMinutes(int n) {
    return 90 + (n + 24) / 25;
  }

  static String spec(int i, int n) {
    return """
        apiVersion: snailtrail.dev/v1
        kind: Rollout
        metadata: {name: bench-%1$05d}
        spec:
          target:
            region: us-east-1
            cluster: bench
            service: bench-%1$05d
            createIfMissing: true
            network:
              subnets: [subnet-0a1b2c3d4e5f60718]
              securityGroups: [sg-0a1b2c3d4e5f60718]
              assignPublicIp: true
          template: {family: bench-%1$05d, container: web, port: 8080}
          analysis: {interval: 600s, count: 1}
          phases:
            - name: v1
              image: public.ecr.aws/nginx/nginx:1.27
              desiredCount: 1
              bake: %2$dm
              gates:
                - ecsTasks
                - cloudwatchAlarm: {names: [bench-%1$05d-5xx]}
        """
        .formatted(i, bakeMinutes(n));
  }

  @Test
  @Timeout(value = 60, unit = java.util.concurrent.TimeUnit.MINUTES)
  void rolloutsOnOneController() throws Exception {
    boolean events = !"false".equals(System.getProperty("bench.events"));
    for (String size : System.getProperty("bench.rollouts", "100").split(",")) {
      run(Integer.parseInt(size.trim()), events);
    }
  }

  private void run(int n, boolean events) throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("n" + n + (events ? "-events" : "")));
    PersistentSimulator world =
        PersistentSimulator.open(dir.resolve("sim-state.json"), SPEED, Clock.systemUTC());
    RequestCounter requests = new RequestCounter();
    List<Long> lagMicros = Collections.synchronizedList(new ArrayList<>());
    // When each pick-up happened (nanos since the start), beside its lag: where the tail comes
    // from.
    List<Long> pickedAt = Collections.synchronizedList(new ArrayList<>());
    long[] start = {System.nanoTime()};
    Set<String> baking = ConcurrentHashMap.newKeySet();
    Set<String> completed = ConcurrentHashMap.newKeySet();
    AtomicLong rollbacks = new AtomicLong();
    AtomicLong deadlines = new AtomicLong();
    AtomicLong pauses = new AtomicLong();
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    Controller controller =
        Controller.builder(
                new FileStore(dir.resolve("store"), Clock.systemUTC()),
                requests.around(world.simulator().providers()),
                GateEvaluator.withDefaults(),
                world.clock())
            .workers(Integer.getInteger("bench.workers", 4))
            .resync(RESYNC)
            .realTime(world.clock()::realTimeFor)
            .changes(
                events
                    ? new SimChangeFeed(
                        world.simulator(), d -> Thread.sleep(d), Duration.ofMillis(20))
                    : null)
            .hooks(
                new Controller.Hooks() {
                  @Override
                  public void prepare(Rollout rollout) {
                    world.prepare(rollout);
                  }

                  @Override
                  public void afterPass(String rollout) {
                    world.afterPass(rollout);
                  }

                  @Override
                  public void flush() {
                    world.save();
                  }
                })
            .log(new PrintStream(log, true, StandardCharsets.UTF_8))
            .queueObserver(
                new WorkQueue.Observer() {
                  @Override
                  public void taken(String key, Duration waited, long waitedNanos) {
                    synchronized (lagMicros) {
                      lagMicros.add(waitedNanos / 1_000);
                      pickedAt.add(System.nanoTime() - start[0]);
                    }
                  }
                })
            .trailSink(
                e -> {
                  switch (e.type()) {
                    case BakeStarted -> baking.add(e.rollout());
                    case RolloutCompleted -> completed.add(e.rollout());
                    case RollbackStarted -> rollbacks.incrementAndGet();
                    case Paused -> pauses.incrementAndGet();
                    default -> {}
                  }
                  if (e.reason() == Reason.ProgressDeadlineExceeded
                      || e.reason() == Reason.ProviderUnavailable) {
                    deadlines.incrementAndGet();
                  }
                })
            .build();
    HeapSampler heap = new HeapSampler();
    long t0 = System.nanoTime();
    start[0] = t0;
    controller.start();
    world.resume();
    for (int i = 0; i < n; i++) {
      controller.controlPlane().apply("bench-" + i + ".yaml", spec(i, n));
    }
    double applied = seconds(t0);
    Duration limit = Duration.ofSeconds(120 + n / 10);
    awaitAll(baking, n, t0, limit);
    double allBaking = seconds(t0);
    long passesToBake = controller.passes();
    // Steady state: every rollout bakes; the window starts once the last pass of the last
    // rollout to start baking is over.
    Thread.sleep(5_000);
    int lagFrom = lagMicros.size();
    Map<String, Long> before = requests.snapshot();
    long steadyStart = System.nanoTime();
    Thread.sleep(STEADY_WINDOW.toMillis());
    double window = seconds(steadyStart);
    Map<String, Long> after = requests.snapshot();
    List<Long> steadyLag = new ArrayList<>(lagMicros.subList(lagFrom, lagMicros.size()));
    boolean stillBaking = completed.isEmpty();
    System.gc();
    long heapAfterGc = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    awaitAll(completed, n, t0, limit.plus(Duration.ofSeconds(bakeMinutes(n) + 60)));
    double done = seconds(t0);
    controller.close();
    world.close();
    heap.stop();
    long stateBytes = Files.size(dir.resolve("sim-state.json"));

    double resyncs = window / RESYNC.toSeconds();
    System.out.printf(
        Locale.ROOT,
        "ScaleBenchmark: %d rollouts, events %s: applied in %.1f s, all baking at %.1f s (%d"
            + " passes by then), all Healthy at %.1f s real; %d passes, %d failed; rollbacks %d,"
            + " deadline or outage"
            + " pauses/rollbacks %d, pauses %d; heap max %.0f MiB, after GC %.0f MiB (max heap %.0f"
            + " MiB); sim-state.json %.1f MB%n",
        n,
        events,
        applied,
        allBaking,
        passesToBake,
        done,
        controller.passes(),
        controller.failedPasses(),
        rollbacks.get(),
        deadlines.get(),
        pauses.get(),
        heap.maxUsed() / 1048576.0,
        heapAfterGc / 1048576.0,
        Runtime.getRuntime().maxMemory() / 1048576.0,
        stateBytes / 1e6);
    System.out.printf(
        Locale.ROOT,
        "ScaleBenchmark: %d rollouts: reconcile lag real, whole run p50 %.1f ms p99 %.1f ms max %.1f"
            + " ms over %d pick-ups; steady p50 %.1f ms p99 %.1f ms max %.1f ms over %d%n",
        n,
        ControllerBenchmarkIT.percentile(lagMicros, 50) / 1000.0,
        ControllerBenchmarkIT.percentile(lagMicros, 99) / 1000.0,
        ControllerBenchmarkIT.percentile(lagMicros, 100) / 1000.0,
        lagMicros.size(),
        ControllerBenchmarkIT.percentile(steadyLag, 50) / 1000.0,
        ControllerBenchmarkIT.percentile(steadyLag, 99) / 1000.0,
        ControllerBenchmarkIT.percentile(steadyLag, 100) / 1000.0,
        steadyLag.size());
    System.out.printf(
        Locale.ROOT,
        "ScaleBenchmark: %d rollouts: reconcile lag real by when it was picked up: %s%n",
        n,
        byWindow(lagMicros, pickedAt, applied, allBaking));
    StringBuilder perAction = new StringBuilder();
    long total = 0;
    for (String action : after.keySet()) {
      long d = after.get(action) - before.getOrDefault(action, 0L);
      total += d;
      if (d > 0) {
        perAction.append(String.format(Locale.ROOT, " %s %.3f", action, d / (double) n / resyncs));
      }
    }
    System.out.printf(
        Locale.ROOT,
        "ScaleBenchmark: %d rollouts baking (%s over %.0f s): %.3f AWS requests per rollout per"
            + " resync:%s; DescribeServices per 10 rollouts per resync %.2f%n",
        n,
        stillBaking ? "all" : "some done",
        window,
        total / (double) n / resyncs,
        perAction,
        10.0
            * (after.getOrDefault("ecs:DescribeServices", 0L)
                - before.getOrDefault("ecs:DescribeServices", 0L))
            / n
            / resyncs);
    assertThat(completed).as("controller log: %s", log).hasSize(n);
    assertThat(controller.controlPlane().list())
        .allSatisfy(v -> assertThat(v.status().phase()).isEqualTo(StatusPhase.Healthy));
  }

  /**
   * The lag's p99 and count of the pick-ups while the rollouts were applied, then until every one
   * baked, then to the end; and the worst 10 s of the run.
   */
  static String byWindow(List<Long> lagMicros, List<Long> pickedAt, double applied, double baking) {
    List<Long> during = new ArrayList<>();
    List<Long> until = new ArrayList<>();
    List<Long> after = new ArrayList<>();
    java.util.TreeMap<Long, List<Long>> tens = new java.util.TreeMap<>();
    synchronized (lagMicros) {
      for (int i = 0; i < lagMicros.size(); i++) {
        double at = pickedAt.get(i) / 1e9;
        long lag = lagMicros.get(i);
        (at < applied ? during : at < baking ? until : after).add(lag);
        tens.computeIfAbsent((long) (at / 10), k -> new ArrayList<>()).add(lag);
      }
    }
    var worst =
        tens.entrySet().stream()
            .max(
                java.util.Comparator.comparingLong(
                    e -> ControllerBenchmarkIT.percentile(e.getValue(), 99)))
            .orElseThrow();
    StringBuilder first = new StringBuilder();
    tens.headMap((long) (baking / 10) + 1)
        .forEach(
            (k, v) ->
                first.append(
                    String.format(
                        Locale.ROOT,
                        " %d s: %.0f/%.0f ms (%d);",
                        k * 10,
                        ControllerBenchmarkIT.percentile(v, 50) / 1000.0,
                        ControllerBenchmarkIT.percentile(v, 99) / 1000.0,
                        v.size())));
    return String.format(
        Locale.ROOT,
        "applying p99 %.0f ms (%d), until all bake p99 %.0f ms (%d), after p99 %.0f ms (%d);"
            + " worst 10 s from %d s: p99 %.0f ms (%d); p50/p99 by 10 s until all bake:%s",
        ControllerBenchmarkIT.percentile(during, 99) / 1000.0,
        during.size(),
        ControllerBenchmarkIT.percentile(until, 99) / 1000.0,
        until.size(),
        ControllerBenchmarkIT.percentile(after, 99) / 1000.0,
        after.size(),
        worst.getKey() * 10,
        ControllerBenchmarkIT.percentile(worst.getValue(), 99) / 1000.0,
        worst.getValue().size(),
        first);
  }

  private static double seconds(long since) {
    return (System.nanoTime() - since) / 1e9;
  }

  private static void awaitAll(Set<String> set, int n, long t0, Duration limit)
      throws InterruptedException {
    while (set.size() < n && System.nanoTime() - t0 < limit.toNanos()) {
      Thread.sleep(100);
    }
  }

  /** The most heap in use, sampled every 200 ms. */
  static final class HeapSampler {
    private final AtomicLong max = new AtomicLong();
    private final Thread thread;
    private volatile boolean stopped;

    HeapSampler() {
      thread =
          Thread.ofPlatform()
              .daemon(true)
              .start(
                  () -> {
                    while (!stopped) {
                      long used =
                          ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
                      max.accumulateAndGet(used, Math::max);
                      try {
                        Thread.sleep(200);
                      } catch (InterruptedException e) {
                        return;
                      }
                    }
                  });
    }

    long maxUsed() {
      return max.get();
    }

    void stop() {
      stopped = true;
      thread.interrupt();
    }
  }
}
