package dev.snailtrail.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.snailtrail.aws.AwsSettings;
import dev.snailtrail.moto.MotoServer;
import dev.snailtrail.provider.CallListener;
import dev.snailtrail.rollout.Condition;
import dev.snailtrail.rollout.Reason;
import dev.snailtrail.rollout.RolloutStatus;
import dev.snailtrail.rollout.StatusPhase;
import dev.snailtrail.rollout.Step;
import dev.snailtrail.spec.Rollout;
import dev.snailtrail.spec.load.SpecLoader;
import dev.snailtrail.trail.EventType;
import dev.snailtrail.trail.TrailEvent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ecr.EcrClient;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.PortMapping;

/**
 * Left running in production, over the AWS wire (moto): one owner per service through the service's
 * tags, drift after a rollout settled reported once (and reverted when the spec says), and an AWS
 * outage shown once and recovered from within seconds.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
@ExtendWith(MotoServer.Extension.class)
class AwsSafetyIT {
  private static final String REGION = MotoServer.REGION;
  private static final String CLUSTER = "ml";
  private static final String SERVICE = "ml-api";

  private MotoServer moto;
  private EcsClient ecs;
  private String liveArn;
  private String image;
  @TempDir Path dir;

  @BeforeEach
  void liveService(MotoServer server) {
    moto = server;
    ecs = moto.client(EcsClient.class, EcsClient::builder);
    ecs.createCluster(r -> r.clusterName(CLUSTER));
    image =
        moto.client(EcrClient.class, EcrClient::builder)
            .createRepository(r -> r.repositoryName(SERVICE))
            .repository()
            .repositoryUri();
    liveArn =
        ecs.registerTaskDefinition(
                r ->
                    r.family(SERVICE)
                        .cpu("256")
                        .memory("512")
                        .networkMode("awsvpc")
                        .requiresCompatibilitiesWithStrings("FARGATE")
                        .containerDefinitions(
                            ContainerDefinition.builder()
                                .name("api")
                                .image(image + ":baseline")
                                .essential(true)
                                .portMappings(PortMapping.builder().containerPort(5000).build())
                                .build()))
            .taskDefinition()
            .taskDefinitionArn();
    CloudWatchLogsClient logs =
        moto.client(CloudWatchLogsClient.class, CloudWatchLogsClient::builder);
    logs.createLogGroup(r -> r.logGroupName(MotoRolloutFixture.LOG_GROUP));
    logs.createLogStream(
        r -> r.logGroupName(MotoRolloutFixture.LOG_GROUP).logStreamName("api/api/boot"));
    Ec2Client ec2 = moto.client(Ec2Client.class, Ec2Client::builder);
    String vpc = ec2.createVpc(r -> r.cidrBlock("10.0.0.0/16")).vpc().vpcId();
    String subnet =
        ec2.createSubnet(r -> r.vpcId(vpc).cidrBlock("10.0.1.0/24")).subnet().subnetId();
    String group =
        ec2.createSecurityGroup(r -> r.groupName(SERVICE).description("tasks").vpcId(vpc))
            .groupId();
    ecs.createService(
        r ->
            r.cluster(CLUSTER)
                .serviceName(SERVICE)
                .taskDefinition(liveArn)
                .desiredCount(1)
                .launchType("FARGATE")
                .networkConfiguration(
                    n -> n.awsvpcConfiguration(a -> a.subnets(subnet).securityGroups(group))));
  }

  private Rollout spec(String name, String tag, boolean adopt, String driftPolicy)
      throws Exception {
    Path file = dir.resolve(name + ".yaml");
    Files.writeString(
        file,
        """
        apiVersion: snailtrail.dev/v1
        kind: Rollout
        metadata: {name: %s}
        spec:
          target: {region: %s, cluster: %s, service: %s, adopt: %s}
          driftPolicy: %s
          progressDeadline: 2m
          analysis: {interval: 1s, count: 1}
          phases:
            - name: one
              image: %s:%s
              desiredCount: 2
              gates: [ecsTasks]
        """
            .formatted(name, REGION, CLUSTER, SERVICE, adopt, driftPolicy, image, tag));
    return new SpecLoader().load(file).get(0);
  }

  private MotoRolloutFixture.Run run(Rollout rollout, AwsSettings settings, AwsCallTally tally) {
    return MotoRolloutFixture.of(moto, rollout).run(settings.withListener(tally), tally);
  }

  private Map<String, String> tags() {
    String arn =
        ecs.describeServices(r -> r.cluster(CLUSTER).services(SERVICE))
            .services()
            .get(0)
            .serviceArn();
    return ecs.listTagsForResource(r -> r.resourceArn(arn)).tags().stream()
        .collect(Collectors.toMap(t -> t.key(), t -> t.value()));
  }

  /** Waits (at most a minute) for the service's deployment to complete, as ECS reports it. */
  private void awaitSteadyState() throws InterruptedException {
    Instant limit = Instant.now().plusSeconds(60);
    while (!"COMPLETED".equals(service().deployments().get(0).rolloutStateAsString())) {
      assertThat(Instant.now()).as("the deployment completes within a minute").isBefore(limit);
      Thread.sleep(200);
    }
  }

  private software.amazon.awssdk.services.ecs.model.Service service() {
    return ecs.describeServices(r -> r.cluster(CLUSTER).services(SERVICE)).services().get(0);
  }

  @Test
  void aServiceTaggedByAnotherRolloutIsLeftAloneUntilAdopted() throws Exception {
    RolloutStatus first =
        run(spec("ml-api", "v2", false, "report"), moto.settings(), new AwsCallTally()).toTheEnd();
    assertThat(first.phase()).isEqualTo(StatusPhase.Healthy);
    assertThat(tags())
        .containsEntry("snailtrail.dev/rollout", "ml-api")
        .containsEntry("snailtrail.dev/controller", "snailtrail");
    String running = service().taskDefinition();

    AwsCallTally tally = new AwsCallTally();
    MotoRolloutFixture.Run second =
        run(spec("ml-api-drill", "v3", false, "report"), moto.settings(), tally);
    RolloutStatus refused = second.toTheEnd();

    assertThat(refused.phase()).as(second.dump(refused)).isEqualTo(StatusPhase.Paused);
    assertThat(refused.message()).contains("belongs to rollout ml-api of this controller");
    assertThat(second.events(EventType.Paused))
        .singleElement()
        .satisfies(e -> assertThat(e.reason()).isEqualTo(Reason.OwnedElsewhere));
    assertThat(tally.total("ecs.UpdateService", CallListener.SUCCESS)).isZero();
    assertThat(tally.total("ecs.RegisterTaskDefinition", CallListener.SUCCESS)).isZero();
    assertThat(service().taskDefinition()).isEqualTo(running);

    MotoRolloutFixture.Run adopting =
        run(spec("ml-api-drill", "v3", true, "report"), moto.settings(), new AwsCallTally());
    RolloutStatus adopted = adopting.toTheEnd();
    assertThat(adopted.phase()).as(adopting.dump(adopted)).isEqualTo(StatusPhase.Healthy);
    assertThat(adopting.events(EventType.ServiceAdopted)).hasSize(1);
    assertThat(tags()).containsEntry("snailtrail.dev/rollout", "ml-api-drill");
  }

  @Test
  void driftAfterHealthyIsReportedOnceThenRevertedWhenTheSpecSaysSo() throws Exception {
    MotoRolloutFixture.Run report =
        run(spec("ml-api", "v2", false, "report"), moto.settings(), new AwsCallTally());
    RolloutStatus healthy = report.drive(RolloutStatus.initial());
    assertThat(healthy.phase()).isEqualTo(StatusPhase.Healthy);
    String phaseOne = healthy.revisions().get("one");

    // aws ecs update-service --task-definition ml-api:1 --desired-count 3
    ecs.updateService(
        r -> r.cluster(CLUSTER).service(SERVICE).taskDefinition(liveArn).desiredCount(3));
    awaitSteadyState(); // the resync comes later than ECS takes
    RolloutStatus s = healthy;
    for (int i = 0; i < 4; i++) {
      s = report.drive(s); // one pass each, as the resync runs them
    }
    report.close();

    assertThat(s.phase()).isEqualTo(StatusPhase.Healthy);
    assertThat(s.conditions()).anyMatch(c -> c.holds(Condition.Type.Drifted));
    assertThat(report.events(EventType.DriftDetected))
        .singleElement()
        .satisfies(
            e ->
                assertThat(e.message())
                    .contains("revision ml-api:1 where the rollout left ml-api:2")
                    .contains("desiredCount 3 where the rollout holds 2"));
    assertThat(service().taskDefinition()).isEqualTo(liveArn);

    // The spec now says revert: the drift, said already, is put back without being said again.
    MotoRolloutFixture.Run revert =
        run(spec("ml-api", "v2", false, "revert"), moto.settings(), new AwsCallTally());
    RolloutStatus reverted = revert.drive(s);
    reverted = revert.drive(reverted); // the resync after it is Healthy again
    assertThat(reverted.phase()).as(revert.dump(reverted)).isEqualTo(StatusPhase.Healthy);
    assertThat(service().taskDefinition()).isEqualTo(phaseOne);
    assertThat(service().desiredCount()).isEqualTo(2);
    assertThat(revert.events(EventType.DriftDetected)).isEmpty();
    assertThat(revert.events(EventType.ServiceUpdated)).hasSize(1);
    assertThat(revert.events(EventType.DriftEnded)).hasSize(1);
    assertThat(reverted.conditions()).noneMatch(c -> c.type() == Condition.Type.Drifted);

    // A new drift under revert: said once, and put back.
    ecs.updateService(r -> r.cluster(CLUSTER).service(SERVICE).desiredCount(4));
    awaitSteadyState();
    reverted = revert.drive(reverted);
    reverted = revert.drive(reverted);
    revert.close();
    assertThat(reverted.phase()).as(revert.dump(reverted)).isEqualTo(StatusPhase.Healthy);
    assertThat(service().desiredCount()).isEqualTo(2);
    assertThat(revert.events(EventType.DriftDetected))
        .singleElement()
        .satisfies(
            e ->
                assertThat(e.message())
                    .contains("desiredCount 4 where the rollout holds 2")
                    .contains("driftPolicy revert: deploying one again"));
    assertThat(revert.events(EventType.DriftEnded)).hasSize(2);
  }

  /**
   * How long AWS is down in the outage test: ten times the 2 s retry, well past the SDK's retries
   * and the breaker; a longer outage only repeats the same attempts and keeps CI waiting.
   */
  private static final Duration OUTAGE = Duration.ofSeconds(20);

  @Test
  void anOutageIsShownOnceAndWorkResumesWithinSecondsOfItsEnd() throws Exception {
    try (FaultyProxy proxy = new FaultyProxy(moto.endpoint(), 0, 1L)) {
      // The production resilience settings: retries, breaker, timeouts, as a controller runs.
      AwsSettings settings =
          AwsSettings.defaults(Clock.systemUTC()).withEndpointOverride(proxy.endpoint());
      AtomicReference<Instant> up = new AtomicReference<>();
      MotoRolloutFixture.Run run =
          run(spec("ml-api", "v2", false, "report"), settings, new AwsCallTally());
      run.onPass(
          s -> {
            if (s.step() == Step.Waiting && up.get() == null) {
              up.set(Instant.MAX);
              proxy.down(true);
              Thread.ofVirtual()
                  .start(
                      () -> {
                        try {
                          Thread.sleep(OUTAGE.toMillis());
                        } catch (InterruptedException e) {
                          Thread.currentThread().interrupt();
                        }
                        up.set(Instant.now());
                        proxy.down(false);
                      });
            }
          });

      RolloutStatus end = run.toTheEnd();

      assertThat(end.phase()).as(run.dump(end)).isEqualTo(StatusPhase.Healthy);
      assertThat(proxy.count(FaultyProxy.Fate.UNAVAILABLE)).isPositive();
      assertThat(run.driver.providerErrors()).as("attempts during the outage").isGreaterThan(2);
      List<TrailEvent> down = run.events(EventType.ProviderUnavailable);
      List<TrailEvent> back = run.events(EventType.ProviderRecovered);
      assertThat(down).as(run.dump(end)).singleElement();
      assertThat(back).singleElement();
      assertThat(run.events(EventType.RollbackStarted)).isEmpty();
      Duration resumed = Duration.between(up.get(), back.get(0).time());
      System.out.printf(
          "outage of %s: %d attempts failed, %d requests answered 503, resumed %d ms after AWS"
              + " answered again%n",
          OUTAGE,
          run.driver.providerErrors(),
          proxy.count(FaultyProxy.Fate.UNAVAILABLE),
          resumed.toMillis());
      assertThat(resumed).isLessThanOrEqualTo(Duration.ofSeconds(5));
      assertThat(end.conditions()).noneMatch(c -> c.type() == Condition.Type.ProviderUnavailable);
    }
  }
}
