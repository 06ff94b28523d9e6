package dev.snailtrail.controller;

import static org.assertj.core.api.Assertions.assertThat;

import dev.snailtrail.aws.AwsProviders;
import dev.snailtrail.gate.GateEvaluator;
import dev.snailtrail.moto.MotoServer;
import dev.snailtrail.store.FileStore;
import dev.snailtrail.trail.EventType;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.ecs.EcsClient;

/**
 * Figures, not a pass mark, and not part of {@code ./run-tests}: {@value #ROLLOUTS} rollouts over
 * the wire on moto, baking behind {@code cloudwatchAlarm} gates measured every 10 s, on one
 * controller with a {@value #RESYNC_SECONDS} s resync and no events (polling only). Once every
 * rollout bakes, counts the requests the controller sends over {@value #WINDOW_SECONDS} s and
 * prints DescribeServices per 10 rollouts per resync (the settled rollouts' services are read in
 * one snapshot per cluster per resync, 10 names a request), with every action's count.
 * docs/benchmarks.md records runs and the command:
 *
 * <pre>
 * ./mvnw -B -ntp verify -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false \
 *   -Dit.test=WireSteadyStateBenchmark
 * </pre>
 */
@ExtendWith(MotoServer.Extension.class)
class WireSteadyStateBenchmark {
  static final int ROLLOUTS = 50;
  static final int RESYNC_SECONDS = 30;
  static final int WINDOW_SECONDS = 120;

  @TempDir Path dir;

  @Test
  @Timeout(600)
  void rolloutsBakingOverTheWire(MotoServer moto) throws Exception {
    moto.client(EcsClient.class, EcsClient::builder)
        .createCluster(r -> r.clusterName(EventWakeupIT.CLUSTER));
    for (int i = 0; i < ROLLOUTS; i++) {
      EventWakeupIT.service(moto, i);
    }
    Map<String, Long> calls = new ConcurrentHashMap<>();
    Set<String> baking = ConcurrentHashMap.newKeySet();
    Set<String> rolledBack = ConcurrentHashMap.newKeySet();
    var settings =
        moto.settings()
            .withListener(
                (service, operation, outcome, took) ->
                    calls.merge(service + ":" + operation, 1L, Long::sum));
    try (AwsProviders aws = AwsProviders.open(settings)) {
      Controller controller =
          Controller.builder(
                  new FileStore(dir.resolve("store"), Clock.systemUTC()),
                  aws.providers(),
                  GateEvaluator.withDefaults(),
                  Clock.systemUTC())
              .resync(Duration.ofSeconds(RESYNC_SECONDS))
              .trailSink(
                  e -> {
                    if (e.type() == EventType.BakeStarted) {
                      baking.add(e.rollout());
                    }
                    if (e.type() == EventType.RollbackStarted) {
                      rolledBack.add(e.rollout());
                    }
                  })
              .build();
      controller.start();
      long t0 = System.nanoTime();
      for (int i = 0; i < ROLLOUTS; i++) {
        controller
            .controlPlane()
            .apply(
                "api-" + i + ".yaml",
                EventWakeupIT.spec(i)
                    .replace("interval: 5m", "interval: 10s")
                    .replace("bake: 10m", "bake: 60m"));
      }
      while (baking.size() < ROLLOUTS && System.nanoTime() - t0 < 180_000_000_000L) {
        Thread.sleep(100);
      }
      double allBaking = (System.nanoTime() - t0) / 1e9;
      assertThat(baking).as("rollouts baking").hasSize(ROLLOUTS);
      // The last rollouts to start baking may still read a service of their own once.
      Thread.sleep(Duration.ofSeconds(RESYNC_SECONDS));
      Map<String, Long> before = new TreeMap<>(calls);
      long start = System.nanoTime();
      Thread.sleep(Duration.ofSeconds(WINDOW_SECONDS));
      double window = (System.nanoTime() - start) / 1e9;
      Map<String, Long> during = new TreeMap<>();
      calls.forEach((k, v) -> during.put(k, v - before.getOrDefault(k, 0L)));
      during.values().removeIf(v -> v == 0);
      long passes = controller.passes();
      controller.close();
      double resyncs = window / RESYNC_SECONDS;
      long total = during.values().stream().mapToLong(Long::longValue).sum();
      System.out.printf(
          Locale.ROOT,
          "WireSteadyStateBenchmark: %d rollouts all baking after %.1f s; over %.0f s of steady"
              + " state (%.1f resyncs of %d s): %.2f DescribeServices per 10 rollouts per resync,"
              + " %.2f DescribeAlarms per 10 rollouts per resync, %.2f AWS requests per rollout"
              + " per resync; %d requests: %s; %d passes in all; rollbacks %d%n",
          ROLLOUTS,
          allBaking,
          window,
          resyncs,
          RESYNC_SECONDS,
          10.0 * during.getOrDefault("ecs:DescribeServices", 0L) / ROLLOUTS / resyncs,
          10.0 * during.getOrDefault("cloudwatch:DescribeAlarms", 0L) / ROLLOUTS / resyncs,
          total / (double) ROLLOUTS / resyncs,
          total,
          during,
          passes,
          rolledBack.size());
      assertThat(rolledBack).isEmpty();
    }
  }
}
