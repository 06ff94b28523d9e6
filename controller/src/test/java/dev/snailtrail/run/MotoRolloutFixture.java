package dev.snailtrail.run;

import dev.snailtrail.aws.AwsProviders;
import dev.snailtrail.aws.AwsSettings;
import dev.snailtrail.gate.GateEvaluator;
import dev.snailtrail.moto.MotoServer;
import dev.snailtrail.provider.CallListener;
import dev.snailtrail.provider.Providers;
import dev.snailtrail.provider.decorate.OncePerPassEcs;
import dev.snailtrail.reconcile.Commands;
import dev.snailtrail.reconcile.ReconcileResult;
import dev.snailtrail.reconcile.Reconciler;
import dev.snailtrail.rollout.PreflightHook;
import dev.snailtrail.rollout.RolloutStatus;
import dev.snailtrail.rollout.Step;
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
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.model.ComparisonOperator;
import software.amazon.awssdk.services.cloudwatch.model.StateValue;
import software.amazon.awssdk.services.cloudwatch.model.Statistic;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.cloudwatchlogs.model.InputLogEvent;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ecr.EcrClient;
import software.amazon.awssdk.services.ecr.model.ImageIdentifier;
import software.amazon.awssdk.services.ecs.EcsClient;

/**
 * The world the over-the-wire rollout tests deploy into, made on moto through the AWS SDK as a team
 * would make it in AWS: cluster, VPC, subnet, task security group, the ECR repository with the
 * three phases' images, the gate alarm (OK), the log group. {@link #run} gives the loop of {@code
 * snailtrail run --provider aws} over it, with the test as the application.
 */
final class MotoRolloutFixture {

  static final String ALARM = "snail-api-5xx";
  static final String LOG_GROUP = "/ecs/snail-api";
  static final String REPOSITORY = "snail-api";
  static final String CLUSTER = "snail-cluster";
  static final String SERVICE = "snail-api";

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

  final MotoServer moto;
  final Rollout rollout;

  private MotoRolloutFixture(MotoServer moto, Rollout rollout) {
    this.moto = moto;
    this.rollout = rollout;
  }

  /** A fixture for a world the test made itself, running {@code rollout}. */
  static MotoRolloutFixture of(MotoServer moto, Rollout rollout) {
    return new MotoRolloutFixture(moto, rollout);
  }

  /** Makes the world on a freshly reset moto and loads the spec, written into {@code dir}. */
  static MotoRolloutFixture create(MotoServer moto, Path dir) throws Exception {
    return create(moto, dir, "three-phases.yaml", (vpc, subnet) -> Map.of());
  }

  /**
   * The same world, running the spec {@code e2e/<resource>}; {@code more} makes what that spec
   * needs besides (given the VPC and the subnet) and says what to fill in for it.
   */
  static MotoRolloutFixture create(
      MotoServer moto,
      Path dir,
      String resource,
      java.util.function.BiFunction<String, String, Map<String, String>> more)
      throws Exception {
    moto.client(EcsClient.class, EcsClient::builder).createCluster(r -> r.clusterName(CLUSTER));
    Ec2Client ec2 = moto.client(Ec2Client.class, Ec2Client::builder);
    String vpc = ec2.createVpc(r -> r.cidrBlock("10.0.0.0/16")).vpc().vpcId();
    String subnet =
        ec2.createSubnet(r -> r.vpcId(vpc).cidrBlock("10.0.1.0/24")).subnet().subnetId();
    String group =
        ec2.createSecurityGroup(r -> r.groupName("snail-api").description("tasks").vpcId(vpc))
            .groupId();
    moto.client(EcrClient.class, EcrClient::builder)
        .createRepository(r -> r.repositoryName(REPOSITORY));
    Map<String, String> values = new java.util.HashMap<>(more.apply(vpc, subnet));
    values.put("${SUBNET}", subnet);
    values.put("${SECURITY_GROUP}", group);
    MotoRolloutFixture fixture = new MotoRolloutFixture(moto, loadSpec(dir, resource, values));
    for (String tag : List.of("simple", "hybrid", "optimized")) {
      fixture.pushImage(tag);
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
    fixture.logLine("starting");
    return fixture;
  }

  /** Pushes the image with this tag (each tag gets its own layer digest, so its own image). */
  void pushImage(String tag) {
    moto.client(EcrClient.class, EcrClient::builder)
        .putImage(
            r ->
                r.repositoryName(REPOSITORY)
                    .imageManifest(MANIFEST.replace("e692418e", tag.substring(0, 3) + "92418e"))
                    .imageTag(tag));
  }

  /** Deletes the image with this tag from the repository, as a lifecycle policy would. */
  void deleteImage(String tag) {
    var answer =
        moto.client(EcrClient.class, EcrClient::builder)
            .batchDeleteImage(
                r ->
                    r.repositoryName(REPOSITORY)
                        .imageIds(ImageIdentifier.builder().imageTag(tag).build()));
    if (answer.imageIds().isEmpty()) {
      throw new IllegalStateException(
          "ECR deleted no image tagged " + tag + ": " + answer.failures());
    }
  }

  /** Writes a line to the log stream the {@code logs} gate reads. */
  void logLine(String message) {
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

  /** The service as moto describes it now. */
  software.amazon.awssdk.services.ecs.model.Service service() {
    return moto.client(EcsClient.class, EcsClient::builder)
        .describeServices(r -> r.cluster(CLUSTER).services(SERVICE))
        .services()
        .get(0);
  }

  /** The task definition ARNs of the family that moto holds. */
  List<String> taskDefinitions() {
    return moto.client(EcsClient.class, EcsClient::builder)
        .listTaskDefinitions(r -> r.familyPrefix(rollout.spec().template().family()))
        .taskDefinitionArns();
  }

  /** A run without preflight checks. */
  Run run(AwsSettings settings, AwsCallTally tally) {
    return new Run(settings, tally, providers -> PreflightHook.NONE);
  }

  /** A run whose reconciler asks {@code preflight} (built on the run's providers) before phases. */
  Run run(AwsSettings settings, AwsCallTally tally, Function<Providers, PreflightHook> preflight) {
    return new Run(settings, tally, preflight);
  }

  /** The loop of {@code snailtrail run --provider aws}, with the test as the application. */
  final class Run implements PassListener, AutoCloseable {
    final AwsCallTally tally;
    final List<TrailEvent> trail = new ArrayList<>();
    final Set<Integer> loggedPhases = new HashSet<>();
    final AwsProviders aws;
    final RolloutDriver driver;
    private final Commands commands;
    private final ConsoleTrailSink console = new ConsoleTrailSink(System.out, true);
    private Consumer<RolloutStatus> hook = s -> {};

    private Run(
        AwsSettings settings, AwsCallTally tally, Function<Providers, PreflightHook> preflight) {
      this.tally = tally;
      this.aws = AwsProviders.open(settings);
      Providers direct = aws.providers(rollout.spec().target().roleArn());
      OncePerPassEcs ecs = new OncePerPassEcs(direct.ecs());
      Providers providers = direct.withEcs(ecs);
      Clock clock = Clock.systemUTC();
      this.commands = new Commands(clock);
      Reconciler reconciler =
          new Reconciler(
              providers, GateEvaluator.withDefaults(), clock, preflight.apply(providers));
      this.driver =
          RolloutDriver.builder(
                  reconciler::reconcile, commands, clock, d -> Thread.sleep(d.toMillis()))
              .sink(this::record)
              .autoApprove(true)
              .warnings(System.err)
              .passes(PassListener.beforeEach(ecs::newPass).andThen(tally).andThen(this))
              .build();
    }

    Run onPass(Consumer<RolloutStatus> next) {
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

    /** Drives the rollout from the start until it settles, then closes the clients. */
    RolloutStatus toTheEnd() throws InterruptedException {
      try (this) {
        return drive(RolloutStatus.initial());
      }
    }

    /** Drives from {@code start} until the rollout settles (Paused counts). */
    RolloutStatus drive(RolloutStatus start) throws InterruptedException {
      return driver.run(rollout, 1, start);
    }

    /** {@code snailtrail resume}, then drives until the rollout settles again. */
    RolloutStatus resume(RolloutStatus paused) throws InterruptedException {
      ReconcileResult resumed = commands.resume(rollout, 1, paused, "test");
      resumed.events().forEach(this::record);
      return drive(resumed.status());
    }

    List<TrailEvent> events(EventType type) {
      return trail.stream().filter(e -> e.type() == type).toList();
    }

    void print() {
      System.out.printf(
          "%d passes (%d attempts), DescribeServices answered %d times, at most %d in one pass%n",
          driver.passes(),
          tally.passes(),
          tally.total("ecs.DescribeServices", CallListener.SUCCESS),
          tally.maxPerPass("ecs.DescribeServices"));
      System.out.print(tally.table());
    }

    String dump(RolloutStatus end) {
      StringBuilder b = new StringBuilder();
      trail.forEach(e -> b.append(ConsoleTrailSink.format(e, true)).append('\n'));
      return b.append("status: ").append(end).toString();
    }

    @Override
    public void close() {
      aws.close();
    }

    private void record(TrailEvent e) {
      trail.add(e);
      console.accept(e);
    }
  }

  private static Rollout loadSpec(Path dir, String resource, Map<String, String> values)
      throws Exception {
    String text;
    try (InputStream in = MotoRolloutFixture.class.getResourceAsStream("/e2e/" + resource)) {
      if (in == null) {
        throw new IOException("e2e/" + resource + " is missing from the test classpath");
      }
      text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    for (var e : values.entrySet()) {
      text = text.replace(e.getKey(), e.getValue());
    }
    Path file = dir.resolve(resource);
    Files.writeString(file, text);
    return new SpecLoader().load(file).get(0);
  }
}
