package dev.snailtrail.controller;

import static org.assertj.core.api.Assertions.assertThat;

import dev.snailtrail.api.ApiFixtures;
import dev.snailtrail.api.ApiServer;
import dev.snailtrail.metrics.MicrometerMetrics;
import dev.snailtrail.provider.ProviderException;
import dev.snailtrail.provider.decorate.ForwardingEcs;
import dev.snailtrail.rollout.Condition;
import dev.snailtrail.rollout.RolloutStatus;
import dev.snailtrail.rollout.StatusPhase;
import dev.snailtrail.sim.Seed;
import dev.snailtrail.store.FileStore;
import dev.snailtrail.trail.EventType;
import dev.snailtrail.trail.TrailEvent;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An outage of the provider shows where people look: the status (a condition with the reason and
 * since when), the trail (once when it starts, once when it ends), {@code get}, {@code status} and
 * the metrics. The rollout waits through it and rolls nothing back.
 */
class ProviderOutageTest {
  @TempDir Path dir;
  final SimController env = new SimController();
  final AtomicBoolean down = new AtomicBoolean();
  final MicrometerMetrics metrics = new MicrometerMetrics();

  @AfterEach
  void close() {
    env.close();
    metrics.close();
  }

  private void start() {
    env.seed = Seed.existingService("simple");
    env.ports =
        p ->
            p.withEcs(
                new ForwardingEcs(p.ecs()) {
                  @Override
                  public Map<String, ServiceState> describeServices(
                      String region, String cluster, List<String> services) {
                    if (down.get()) {
                      throw new ProviderException(
                          ProviderException.Kind.TRANSIENT,
                          "ecs",
                          "DescribeServices",
                          null,
                          "Unable to execute HTTP request: Connect to ecs.eu-west-1.amazonaws.com"
                              + " failed: Connection refused",
                          null);
                    }
                    return super.describeServices(region, cluster, services);
                  }
                });
    env.start(new FileStore(dir.resolve("store"), env.clock), metrics);
  }

  private List<TrailEvent> trail(EventType type) {
    return env.plane().trail("alpha", 0, 0).stream().filter(e -> e.type() == type).toList();
  }

  @Test
  void anOutageShowsInStatusTrailCliAndMetricsOnceAndEndsWhenTheProviderAnswers() throws Exception {
    start();
    env.plane().apply("alpha.yaml", ApiFixtures.spec("alpha"));
    env.settleQueue();
    env.step();
    RolloutStatus before = env.status("alpha");
    assertThat(before.phase()).isEqualTo(StatusPhase.Progressing);

    down.set(true);
    for (int i = 0; i < 30; i++) {
      env.step(); // a minute of retries
    }

    RolloutStatus during = env.status("alpha");
    assertThat(during.phase()).isEqualTo(StatusPhase.Progressing);
    assertThat(during.warnings())
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.type()).isEqualTo(Condition.Type.ProviderUnavailable);
              assertThat(c.message())
                  .contains("cannot reach the provider since", "Connection refused");
            });
    assertThat(trail(EventType.ProviderUnavailable)).hasSize(1);
    assertThat(trail(EventType.RollbackStarted)).isEmpty();
    assertThat(metrics.scrape())
        .contains("snailtrail_rollout_provider_unavailable{rollout=\"alpha\"} 1.0");
    try (ApiServer api =
        new ApiServer(
                env.plane(),
                new ApiServer.Settings(new InetSocketAddress("127.0.0.1", 0), ApiFixtures.TOKEN))
            .start()) {
      String server = "--server=http://127.0.0.1:" + api.port();
      String token = "--token=" + ApiFixtures.TOKEN;
      assertThat(StoreDamageTest.cli("get", server, token))
          .containsPattern("(?m)^alpha +Progressing \\(ProviderUnavailable\\) ");
      assertThat(StoreDamageTest.cli("status", "alpha", server, token))
          .contains("⚠ ProviderUnavailable since ")
          .contains("Connection refused");
    }

    down.set(false);
    RolloutStatus after = env.runUntilItWaitsOrSettles("alpha");
    assertThat(after.phase()).isEqualTo(StatusPhase.Healthy);
    assertThat(after.warnings()).isEmpty();
    assertThat(trail(EventType.ProviderUnavailable)).hasSize(1);
    assertThat(trail(EventType.ProviderRecovered)).hasSize(1);
    assertThat(trail(EventType.RollbackStarted)).isEmpty();
    assertThat(metrics.scrape())
        .contains("snailtrail_rollout_provider_unavailable{rollout=\"alpha\"} 0.0");
  }
}
