package dev.snailtrail.controller;

import dev.snailtrail.aws.AwsProviders;
import dev.snailtrail.doctor.Preflight;
import dev.snailtrail.gate.GateEvaluator;
import dev.snailtrail.moto.MotoServer;
import dev.snailtrail.store.FileStore;
import dev.snailtrail.trail.EventType;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Figures, not a pass mark, and not part of {@code ./run-tests}: one rollout of one phase over the
 * wire on moto, whose deployments take {@code -Dsnailtrail.moto.deploySeconds} (30 for the record),
 * gated by an alarm (one look) with no bake, on the controller as {@code snailtrail controller}
 * builds it (preflight on). Prints every ECS request the controller sent, by action, and how long
 * after moto's deployment completed the rollout was Healthy; with events (the completion event put
 * into EventBridge, as ECS sends it) and without (polling at ECS's pace). The resync is the
 * controller's default (30 s) unless {@code -Dbench.resync} says otherwise (an ISO-8601 duration
 * such as {@code PT5M}). The requests are printed in order too, each with its time from the apply.
 * docs/benchmarks.md records runs and the command:
 *
 * <pre>
 * ./mvnw -B -ntp verify -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false \
 *   -Dit.test=DeploymentCostBenchmark -Dsnailtrail.moto.deploySeconds=30 [-Dbench.resync=PT5M]
 * </pre>
 */
@ExtendWith(MotoServer.Extension.class)
class DeploymentCostBenchmark {
  static final String CLUSTER = EventWakeupIT.CLUSTER;

  @TempDir Path dir;

  @Test
  @Timeout(300)
  void withEvents(MotoServer moto) throws Exception {
    run(moto, true);
  }

  @Test
  @Timeout(300)
  void withoutEvents(MotoServer moto) throws Exception {
    run(moto, false);
  }

  private void run(MotoServer moto, boolean events) throws Exception {
    moto.client(
            software.amazon.awssdk.services.ecs.EcsClient.class,
            software.amazon.awssdk.services.ecs.EcsClient::builder)
        .createCluster(r -> r.clusterName(CLUSTER));
    URI queue = EventWakeupIT.queueAndRule(moto);
    EventWakeupIT.service(moto, 0);
    Map<String, Long> ecsCalls = new TreeMap<>();
    List<String> timeline = new ArrayList<>();
    AtomicLong applied = new AtomicLong(System.nanoTime());
    Map<String, Long> done = new ConcurrentHashMap<>();
    MotoEcsEvents watcher = new MotoEcsEvents(moto, CLUSTER, List.of("api-00"), events);
    var settings =
        moto.settings()
            .withListener(
                (service, operation, outcome, took) -> {
                  if (service.equals("ecs")) {
                    synchronized (ecsCalls) {
                      ecsCalls.merge(operation, 1L, Long::sum);
                      timeline.add(
                          String.format(
                              Locale.ROOT,
                              "%.2f s %s",
                              (System.nanoTime() - applied.get()) / 1e9,
                              operation));
                    }
                  }
                });
    try (AwsProviders aws = AwsProviders.open(settings)) {
      ControllerBuilder builder =
          Controller.builder(
                  new FileStore(dir.resolve(events ? "events" : "polling"), Clock.systemUTC()),
                  aws.providers(),
                  GateEvaluator.withDefaults(),
                  Clock.systemUTC())
              .preflightOver(p -> new Preflight(p).asHook())
              .changes(events ? aws.changeFeed(queue, MotoServer.REGION) : null)
              .trailSink(
                  e -> {
                    if (e.type() == EventType.RolloutCompleted) {
                      done.put(e.rollout(), System.nanoTime());
                    }
                  });
      String resync = System.getProperty("bench.resync");
      if (resync != null) {
        builder.resync(Duration.parse(resync));
      }
      Controller controller = builder.build();
      controller.start();
      long t0 = System.nanoTime();
      applied.set(t0);
      controller
          .controlPlane()
          .apply(
              "api-00.yaml",
              EventWakeupIT.spec(0)
                  .replace("interval: 5m, count: 1", "interval: 10s, count: 1")
                  .replace("bake: 10m", "bake: 0s"));
      while (!done.containsKey("api-00") && System.nanoTime() - t0 < 240_000_000_000L) {
        Thread.sleep(20);
      }
      controller.close();
      long total;
      synchronized (ecsCalls) {
        total = ecsCalls.values().stream().mapToLong(Long::longValue).sum();
      }
      Long completed = watcher.completedAt.get("api-00");
      System.out.printf(
          Locale.ROOT,
          "DeploymentCostBenchmark: events %s, resync %s, deployments of %s s: Healthy %.1f s after apply,"
              + " %.2f s after moto completed the deployment; %d ECS requests: %s; in order,"
              + " from the apply: %s%n",
          events,
          System.getProperty("bench.resync", "PT30S"),
          System.getProperty(MotoServer.DEPLOY_SECONDS_PROPERTY, "1"),
          (done.get("api-00") - t0) / 1e9,
          completed == null ? Double.NaN : (done.get("api-00") - completed) / 1e9,
          total,
          ecsCalls,
          String.join(", ", timeline));
    } finally {
      watcher.stop();
    }
  }
}
