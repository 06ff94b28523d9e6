package dev.snailtrail.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.snailtrail.aws.AwsSettings;
import dev.snailtrail.moto.MotoServer;
import dev.snailtrail.provider.CallListener;
import dev.snailtrail.rollout.RolloutStatus;
import dev.snailtrail.rollout.StatusPhase;
import dev.snailtrail.rollout.Step;
import dev.snailtrail.trail.EventType;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.model.StateValue;

/**
 * The whole rollout over the wire: {@code snailtrail run --provider aws}'s loop (Reconciler and
 * RolloutDriver on the real clock, the AWS adapters) against moto, with fixtures made through the
 * AWS SDK as a team would make them in AWS. The test plays the application: when a phase's tasks
 * are up it writes the "model loaded" log line the logs gate waits for.
 */
// Real-time rollouts over moto take about half a minute each.
@Timeout(value = 5, unit = TimeUnit.MINUTES)
@ExtendWith(MotoServer.Extension.class)
class AwsRolloutIT {

  private static final String ALARM = MotoRolloutFixture.ALARM;

  private MotoServer moto;
  private MotoRolloutFixture world;

  @BeforeEach
  void fixtures(MotoServer server, @TempDir Path dir) throws Exception {
    moto = server;
    world = MotoRolloutFixture.create(server, dir);
  }

  @Test
  void rollsBackToThePreviousPhaseWhenTheAlarmFiresDuringTheLastPhase() throws Exception {
    AwsCallTally tally = new AwsCallTally();
    MotoRolloutFixture.Run run =
        world
            .run(moto.settings().withListener(tally), tally)
            .onPass(
                s -> {
                  if (s.currentPhase().index() == 2
                      && s.phase() == StatusPhase.Progressing
                      && s.step() == Step.Analyzing) {
                    moto.client(CloudWatchClient.class, CloudWatchClient::builder)
                        .setAlarmState(
                            r ->
                                r.alarmName(ALARM)
                                    .stateValue(StateValue.ALARM)
                                    .stateReason("5xx above 5 in the last minute"));
                  }
                });

    RolloutStatus end = run.toTheEnd();

    String phase2 = end.revisions().get("exploration");
    String phase3 = end.revisions().get("foundation");
    assertThat(end.phase()).as(run.dump(end)).isEqualTo(StatusPhase.Degraded);
    assertThat(end.stablePhase().name()).isEqualTo("exploration");
    assertThat(phase3).isNotNull().isNotEqualTo(phase2);
    assertThat(world.service().taskDefinition()).isEqualTo(phase2);
    assertThat(run.events(EventType.GateFailed))
        .singleElement()
        .satisfies(e -> assertThat(e.message()).contains(ALARM).contains("ALARM"));
    assertThat(run.events(EventType.RollbackStarted))
        .singleElement()
        .satisfies(
            e ->
                assertThat(e.data())
                    .containsEntry("from", "foundation")
                    .containsEntry("to", "exploration"));
    assertThat(run.events(EventType.RollbackCompleted)).hasSize(1);
    run.print();
    assertThat(tally.maxPerPass("ecs.DescribeServices"))
        .as("DescribeServices calls in one pass, one service")
        .isEqualTo(1);
    assertThat(tally.total("ecs.DescribeServices", CallListener.SUCCESS))
        .isLessThanOrEqualTo(tally.passes());
  }

  @Test
  void completesThroughThrottlingServerErrorsAndStalledConnectionsWithoutRollingBack()
      throws Exception {
    AwsCallTally tally = new AwsCallTally();
    try (FaultyProxy proxy = new FaultyProxy(moto.endpoint(), 0.2, 20261123L)) {
      AwsSettings settings =
          moto.settings()
              .withEndpointOverride(proxy.endpoint())
              .withTimeouts(Duration.ofSeconds(10), Duration.ofMillis(1500))
              .withRetries(
                  new AwsSettings.Retries(
                      5, Duration.ofMillis(20), 2.0, 0.5, Duration.ofMillis(300)))
              .withBreaker(new AwsSettings.Breaker(50f, 20, 10, Duration.ofSeconds(1), 3))
              .withListener(tally);
      MotoRolloutFixture.Run run = world.run(settings, tally);

      RolloutStatus end = run.toTheEnd();

      run.print();
      System.out.printf(
          "proxy: %d forwarded, %d throttled, %d HTTP 500, %d stalled; driver: %d passes, %d"
              + " passes cut short by a provider error%n",
          proxy.count(FaultyProxy.Fate.FORWARDED),
          proxy.count(FaultyProxy.Fate.THROTTLED),
          proxy.count(FaultyProxy.Fate.SERVER_ERROR),
          proxy.count(FaultyProxy.Fate.STALLED),
          run.driver.passes(),
          run.driver.providerErrors());
      System.out.println("proxy per service: " + proxy.perService());
      assertThat(end.phase()).as(run.dump(end)).isEqualTo(StatusPhase.Healthy);
      assertThat(end.stablePhase().name()).isEqualTo("foundation");
      assertThat(run.events(EventType.RollbackStarted)).isEmpty();
      assertThat(Set.copyOf(end.revisions().values())).hasSize(3);
      assertThat(tally.total("ecs.RegisterTaskDefinition", CallListener.SUCCESS)).isEqualTo(3);
      assertThat(world.taskDefinitions())
          .containsExactlyInAnyOrderElementsOf(end.revisions().values());
      assertThat(tally.total(CallListener.THROTTLED)).as("throttled attempts heard").isPositive();
      assertThat(tally.total(CallListener.THROTTLED) + tally.total(CallListener.ERROR))
          .as("every injected fault heard as a failed attempt")
          .isGreaterThanOrEqualTo(
              proxy.count(FaultyProxy.Fate.THROTTLED)
                  + proxy.count(FaultyProxy.Fate.SERVER_ERROR)
                  + proxy.count(FaultyProxy.Fate.STALLED));
      assertThat(tally.total(CallListener.ERROR)).isPositive();
      assertThat(proxy.count(FaultyProxy.Fate.STALLED)).isPositive();
      assertThat(proxy.count(FaultyProxy.Fate.SERVER_ERROR)).isPositive();
      assertThat(tally.maxPerPass("ecs.DescribeServices")).isEqualTo(1);
    }
  }
}
