package dev.snailtrail.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.snailtrail.aws.AwsCallListener;
import dev.snailtrail.aws.AwsProviders;
import dev.snailtrail.aws.AwsSettings;
import dev.snailtrail.gate.GateEvaluator;
import dev.snailtrail.moto.MotoServer;
import dev.snailtrail.provider.Providers;
import dev.snailtrail.reconcile.Commands;
import dev.snailtrail.reconcile.Reconciler;
import dev.snailtrail.reconcile.RolloutStatus;
import dev.snailtrail.reconcile.StatusPhase;
import dev.snailtrail.reconcile.Step;
import dev.snailtrail.spec.Rollout;
import dev.snailtrail.spec.load.SpecLoader;
import dev.snailtrail.trail.ConsoleTrailSink;
import dev.snailtrail.trail.EventType;
import dev.snailtrail.trail.TrailEvent;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.model.ComparisonOperator;
import software.amazon.awssdk.services.cloudwatch.model.StateValue;
import software.amazon.awssdk.services.cloudwatch.model.Statistic;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.cloudwatchlogs.model.InputLogEvent;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ecr.EcrClient;
import software.amazon.awssdk.services.ecs.EcsClient;

/**
 * The whole rollout over the wire: {@code snailtrail run --provider aws}'s loop (Reconciler and
 * RolloutDriver on the real clock, the AWS adapters) against moto, with fixtures made through the
 * AWS SDK as a team would make them in AWS. The test plays the application: when a phase's tasks
 * are up it writes the "model loaded" log line the logs gate waits for.
 */
@ExtendWith(MotoServer.Extension.class)
class AwsRolloutIT {

  private static final String ALARM = "snail-api-5xx";
  private static final String LOG_GROUP = "/ecs/snail-api";
  private static final String MANIFEST =
      """
      {"schemaVersion": 2,
       "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
       "config": {"mediaType": "application/vnd.docker.container.image.v1+json", "size": 7023,
                  "digest": "sha256:b5b2b2c507a0944348e0303114d8d93aaaa081732b86451d9bce1f432a537bc7"},
       "layers": [{"mediaType": "application/vnd.docker.image.rootfs.diff.tar.gzip",
                   "size": 32654,
                   "digest": "sha256:e692418e4cbaf90ca69d05a66403747baa33ee08806650b51fab815ad7fc331f"}]}
      """;

  private MotoServer moto;
  private Rollout rollout;

  @BeforeEach
  void fixtures(MotoServer server, @TempDir Path dir) throws Exception {
    moto = server;
    moto.client(EcsClient.class, EcsClient::builder)
        .createCluster(r -> r.clusterName("snail-cluster"));
    Ec2Client ec2 = moto.client(Ec2Client.class, Ec2Client::builder);
    String vpc = ec2.createVpc(r -> r.cidrBlock("10.0.0.0/16")).vpc().vpcId();
    String subnet =
        ec2.createSubnet(r -> r.vpcId(vpc).cidrBlock("10.0.1.0/24")).subnet().subnetId();
    String group =
        ec2.createSecurityGroup(r -> r.groupName("snail-api").description("tasks").vpcId(vpc))
            .groupId();
    EcrClient ecr = moto.client(EcrClient.class, EcrClient::builder);
    ecr.createRepository(r -> r.repositoryName("snail-api"));
    for (String tag : List.of("simple", "hybrid", "optimized")) {
      ecr.putImage(
          r ->
              r.repositoryName("snail-api")
                  .imageManifest(MANIFEST.replace("e692418e", tag.substring(0, 3) + "92418e"))
                  .imageTag(tag));
    }
    CloudWatchClient cloudWatch = moto.client(CloudWatchClient.class, CloudWatchClient::builder);
    cloudWatch.putMetricAlarm(
        r ->
            r.alarmName(ALARM)
                .namespace("AWS/ApplicationELB")
                .metricName("HTTPCode_Target_5XX_Count")
                .statistic(Statistic.SUM)
                .period(60)
                .evaluationPeriods(1)
                .threshold(5.0)
                .comparisonOperator(ComparisonOperator.GREATER_THAN_THRESHOLD));
    cloudWatch.setAlarmState(
        r -> r.alarmName(ALARM).stateValue(StateValue.OK).stateReason("no 5xx"));
    CloudWatchLogsClient logs =
        moto.client(CloudWatchLogsClient.class, CloudWatchLogsClient::builder);
    logs.createLogGroup(r -> r.logGroupName(LOG_GROUP));
    logs.createLogStream(r -> r.logGroupName(LOG_GROUP).logStreamName("api/api/boot"));
    logLine("starting");
    rollout = loadSpec(dir, Map.of("${SUBNET}", subnet, "${SECURITY_GROUP}", group));
  }

  @Test
  void rollsBackToThePreviousPhaseWhenTheAlarmFiresDuringTheLastPhase() throws Exception {
    AwsCallTally tally = new AwsCallTally();
    Run run =
        new Run(moto.settings().withListener(tally), tally)
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
    var service =
        moto.client(EcsClient.class, EcsClient::builder)
            .describeServices(r -> r.cluster("snail-cluster").services("snail-api"))
            .services()
            .get(0);
    assertThat(service.taskDefinition()).isEqualTo(phase2);
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
    assertThat(tally.total("ecs.DescribeServices", AwsCallListener.SUCCESS))
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
      Run run = new Run(settings, tally);

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
      assertThat(tally.total("ecs.RegisterTaskDefinition", AwsCallListener.SUCCESS)).isEqualTo(3);
      assertThat(
              moto.client(EcsClient.class, EcsClient::builder)
                  .listTaskDefinitions(r -> r.familyPrefix("snail-api"))
                  .taskDefinitionArns())
          .containsExactlyInAnyOrderElementsOf(end.revisions().values());
      assertThat(tally.total(AwsCallListener.THROTTLED))
          .as("throttled attempts heard")
          .isPositive();
      assertThat(tally.total(AwsCallListener.THROTTLED) + tally.total(AwsCallListener.ERROR))
          .as("every injected fault heard as a failed attempt")
          .isGreaterThanOrEqualTo(
              proxy.count(FaultyProxy.Fate.THROTTLED)
                  + proxy.count(FaultyProxy.Fate.SERVER_ERROR)
                  + proxy.count(FaultyProxy.Fate.STALLED));
      assertThat(tally.total(AwsCallListener.ERROR)).isPositive();
      assertThat(proxy.count(FaultyProxy.Fate.STALLED)).isPositive();
      assertThat(proxy.count(FaultyProxy.Fate.SERVER_ERROR)).isPositive();
      assertThat(tally.maxPerPass("ecs.DescribeServices")).isEqualTo(1);
    }
  }

  /** The loop of {@code snailtrail run --provider aws}, with the test as the application. */
  private final class Run implements PassListener {
    final AwsCallTally tally;
    final List<TrailEvent> trail = new ArrayList<>();
    final Set<Integer> loggedPhases = new HashSet<>();
    final AwsProviders aws;
    final RolloutDriver driver;
    java.util.function.Consumer<RolloutStatus> hook = s -> {};

    Run(AwsSettings settings, AwsCallTally tally) {
      this.tally = tally;
      this.aws = AwsProviders.open(settings);
      Providers direct = aws.providers(rollout.spec().target().roleArn());
      OncePerPassEcs ecs = new OncePerPassEcs(direct.ecs());
      Providers providers =
          new Providers(
              direct.name(),
              ecs,
              direct.loadBalancing(),
              direct.cloudWatch(),
              direct.logs(),
              direct.images(),
              direct.network(),
              direct.endpoints());
      Clock clock = Clock.systemUTC();
      ConsoleTrailSink console = new ConsoleTrailSink(System.out, true);
      this.driver =
          new RolloutDriver(
              new Reconciler(providers, GateEvaluator.withDefaults(), clock),
              new Commands(clock),
              e -> {
                trail.add(e);
                console.accept(e);
              },
              d -> Thread.sleep(d.toMillis()),
              true,
              System.err,
              ecs.andThen(tally).andThen(this),
              dev.snailtrail.metrics.Metrics.NOOP);
    }

    Run onPass(java.util.function.Consumer<RolloutStatus> next) {
      hook = next;
      return this;
    }

    @Override
    public void afterPass(RolloutStatus s, List<TrailEvent> events) {
      int index = s.currentPhase().index();
      if (s.step() == Step.Analyzing && loggedPhases.add(index)) {
        logLine("model loaded for phase " + s.currentPhase().name());
      }
      hook.accept(s);
    }

    RolloutStatus toTheEnd() throws InterruptedException {
      try (aws) {
        return driver.run(rollout, 1, RolloutStatus.initial());
      }
    }

    List<TrailEvent> events(EventType type) {
      return trail.stream().filter(e -> e.type() == type).toList();
    }

    void print() {
      System.out.printf(
          "%d passes (%d attempts), DescribeServices answered %d times, at most %d in one pass%n",
          driver.passes(),
          tally.passes(),
          tally.total("ecs.DescribeServices", AwsCallListener.SUCCESS),
          tally.maxPerPass("ecs.DescribeServices"));
      System.out.print(tally.table());
    }

    String dump(RolloutStatus end) {
      StringBuilder b = new StringBuilder();
      trail.forEach(e -> b.append(ConsoleTrailSink.format(e, true)).append('\n'));
      return b.append("status: ").append(end).toString();
    }
  }

  private void logLine(String message) {
    moto.client(CloudWatchLogsClient.class, CloudWatchLogsClient::builder)
        .putLogEvents(
            r ->
                r.logGroupName(LOG_GROUP)
                    .logStreamName("api/api/boot")
                    .logEvents(
                        InputLogEvent.builder()
                            .timestamp(Instant.now().toEpochMilli())
                            .message(message)
                            .build()));
  }

  private static Rollout loadSpec(Path dir, Map<String, String> values) throws Exception {
    String text;
    try (InputStream in = AwsRolloutIT.class.getResourceAsStream("/e2e/three-phases.yaml")) {
      if (in == null) {
        throw new IOException("e2e/three-phases.yaml is missing from the test classpath");
      }
      text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    for (var e : values.entrySet()) {
      text = text.replace(e.getKey(), e.getValue());
    }
    Path file = dir.resolve("three-phases.yaml");
    Files.writeString(file, text);
    return new SpecLoader().load(file).get(0);
  }
}
