package dev.snailtrail.controller;

import static org.assertj.core.api.Assertions.assertThat;

import dev.snailtrail.aws.AwsProviders;
import dev.snailtrail.gate.GateEvaluator;
import dev.snailtrail.moto.MotoServer;
import dev.snailtrail.store.FileStore;
import dev.snailtrail.trail.EventType;
import dev.snailtrail.trail.TrailEvent;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.model.ComparisonOperator;
import software.amazon.awssdk.services.cloudwatch.model.StateValue;
import software.amazon.awssdk.services.cloudwatch.model.Statistic;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.LaunchType;
import software.amazon.awssdk.services.ecs.model.PortMapping;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequestEntry;
import software.amazon.awssdk.services.eventbridge.model.Target;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * Event-driven wake-ups over the wire: the controller on the AWS adapters against moto,
 * long-polling an SQS queue that an EventBridge rule made from {@code
 * deploy/eventbridge/event-pattern.json} feeds. The test puts into EventBridge the events AWS would
 * send (PutEvents) and moto delivers them to the queue. The rollouts bake behind alarm gates
 * measured every 5 minutes and the resync is 10 minutes away, so a rollback within seconds of an
 * alarm can only be the event's doing.
 *
 * <p>Prints, for the benchmark record, how long after each alarm entered ALARM the trail had the
 * rollback's UpdateService (an upper bound: the trail hears of it after the call returned).
 */
@ExtendWith(MotoServer.Extension.class)
class EventWakeupIT {
  static final String REGION = MotoServer.REGION;
  static final String CLUSTER = "snail-cluster";
  static final int ROLLOUTS = 10;

  @TempDir Path dir;

  static String spec(int i) {
    return """
        apiVersion: snailtrail.dev/v1
        kind: Rollout
        metadata: {name: api-%1$02d}
        spec:
          target: {region: us-east-1, cluster: snail-cluster, service: api-%1$02d}
          template: {family: api-%1$02d, container: api, port: 8080, launchType: EC2, networkMode: bridge}
          analysis: {interval: 5m, count: 1}
          phases:
            - name: next
              image: ghcr.io/snail-trail/api:next
              bake: 10m
              gates:
                - cloudwatchAlarm: {names: [api-%1$02d-5xx]}
        """
        .formatted(i);
  }

  /** The queue and the shipped rule, as deploy/eventbridge makes them; the queue's URL. */
  static URI queueAndRule(MotoServer moto) throws Exception {
    SqsClient sqs = moto.client(SqsClient.class, SqsClient::builder);
    String url = sqs.createQueue(r -> r.queueName("snailtrail-events")).queueUrl();
    String arn =
        sqs.getQueueAttributes(r -> r.queueUrl(url).attributeNames(QueueAttributeName.QUEUE_ARN))
            .attributes()
            .get(QueueAttributeName.QUEUE_ARN);
    String pattern =
        Files.readString(
            Path.of(
                System.getProperty("snailtrail.root"), "deploy/eventbridge/event-pattern.json"));
    EventBridgeClient events = moto.client(EventBridgeClient.class, EventBridgeClient::builder);
    events.putRule(r -> r.name("snailtrail-events").eventPattern(pattern));
    events.putTargets(
        r ->
            r.rule("snailtrail-events")
                .targets(Target.builder().id("snailtrail-queue").arn(arn).build()));
    return URI.create(url);
  }

  /** A service running a baseline revision, and its alarm, OK. */
  static void service(MotoServer moto, int i) {
    String name = String.format(Locale.ROOT, "api-%02d", i);
    EcsClient ecs = moto.client(EcsClient.class, EcsClient::builder);
    String td =
        ecs.registerTaskDefinition(
                r ->
                    r.family(name)
                        .networkMode("bridge")
                        .requiresCompatibilities(
                            software.amazon.awssdk.services.ecs.model.Compatibility.EC2)
                        .containerDefinitions(
                            ContainerDefinition.builder()
                                .name("api")
                                .image("ghcr.io/snail-trail/api:stable")
                                .memory(256)
                                .portMappings(PortMapping.builder().containerPort(8080).build())
                                .build()))
            .taskDefinition()
            .taskDefinitionArn();
    ecs.createService(
        r ->
            r.cluster(CLUSTER)
                .serviceName(name)
                .taskDefinition(td)
                .desiredCount(1)
                .launchType(LaunchType.EC2));
    CloudWatchClient cw = moto.client(CloudWatchClient.class, CloudWatchClient::builder);
    cw.putMetricAlarm(
        r ->
            r.alarmName(name + "-5xx")
                .namespace("AWS/ApplicationELB")
                .metricName("HTTPCode_Target_5XX_Count")
                .statistic(Statistic.SUM)
                .period(60)
                .evaluationPeriods(1)
                .threshold(5.0)
                .comparisonOperator(ComparisonOperator.GREATER_THAN_THRESHOLD));
    cw.setAlarmState(r -> r.alarmName(name + "-5xx").stateValue(StateValue.OK).stateReason("ok"));
  }

  /** The alarm enters ALARM, and EventBridge hears of it as CloudWatch would tell it. */
  static void fire(MotoServer moto, String alarm) {
    moto.client(CloudWatchClient.class, CloudWatchClient::builder)
        .setAlarmState(
            r -> r.alarmName(alarm).stateValue(StateValue.ALARM).stateReason("Threshold Crossed"));
    String detail =
        """
        {"alarmName":"%s","state":{"value":"ALARM","reason":"Threshold Crossed"},\
        "previousState":{"value":"OK"}}"""
            .formatted(alarm);
    var answer =
        moto.client(EventBridgeClient.class, EventBridgeClient::builder)
            .putEvents(
                r ->
                    r.entries(
                        PutEventsRequestEntry.builder()
                            .source("aws.cloudwatch")
                            .detailType("CloudWatch Alarm State Change")
                            .resources("arn:aws:cloudwatch:us-east-1:123456789012:alarm:" + alarm)
                            .detail(detail)
                            .build()));
    assertThat(answer.failedEntryCount()).isZero();
  }

  @Test
  @Timeout(120)
  void alarmEventsWakeBakingRolloutsAndTheirRollbacksGoOutWithinASecond(MotoServer moto)
      throws Exception {
    moto.client(EcsClient.class, EcsClient::builder).createCluster(r -> r.clusterName(CLUSTER));
    URI queue = queueAndRule(moto);
    for (int i = 0; i < ROLLOUTS; i++) {
      service(moto, i);
    }
    Map<String, Long> rolledBackAt = new ConcurrentHashMap<>();
    List<TrailEvent> trail = Collections.synchronizedList(new ArrayList<>());
    List<String> names = new ArrayList<>();
    for (int i = 0; i < ROLLOUTS; i++) {
      names.add(String.format(Locale.ROOT, "api-%02d", i));
    }
    MotoEcsEvents ecsEvents = new MotoEcsEvents(moto, CLUSTER, names);
    try (AwsProviders aws = AwsProviders.open(moto.settings())) {
      Controller controller =
          Controller.builder(
                  new FileStore(dir.resolve("store"), Clock.systemUTC()),
                  aws.providers(),
                  GateEvaluator.withDefaults(),
                  Clock.systemUTC())
              .resync(Duration.ofMinutes(10))
              .changes(aws.changeFeed(queue, REGION))
              .trailSink(
                  e -> {
                    trail.add(e);
                    if (e.type() == EventType.ServiceUpdated
                        && e.message().startsWith("Service rolled back")) {
                      rolledBackAt.putIfAbsent(e.rollout(), System.nanoTime());
                    }
                  })
              .build();
      controller.start();
      for (int i = 0; i < ROLLOUTS; i++) {
        controller.controlPlane().apply("api-" + i + ".yaml", spec(i));
      }
      // With events a rollout waiting for ECS looks only every 30 s; the deployments' completion
      // events wake them long before.
      awaitTrail(trail, e -> e.type() == EventType.BakeStarted, ROLLOUTS, Duration.ofSeconds(25));

      List<Long> latencies = new ArrayList<>();
      List<String> parts = new ArrayList<>();
      for (int i = 0; i < ROLLOUTS; i++) {
        String name = String.format(Locale.ROOT, "api-%02d", i);
        long t0 = System.nanoTime();
        Instant fired = Instant.now();
        fire(moto, name + "-5xx");
        long until = t0 + Duration.ofSeconds(30).toNanos();
        while (!rolledBackAt.containsKey(name) && System.nanoTime() < until) {
          Thread.sleep(2);
        }
        assertThat(rolledBackAt).as("%s rolled back after its alarm event", name).containsKey(name);
        latencies.add(rolledBackAt.get(name) - t0);
        parts.add(parts(trail, name, fired));
      }
      System.out.println(
          "EventWakeupIT: where the time went (alarm -> woken pass -> rollback pass ->"
              + " trail), ms: "
              + String.join("; ", parts));
      controller.close();

      Collections.sort(latencies);
      System.out.printf(
          Locale.ROOT,
          "EventWakeupIT: alarm -> rollback UpdateService over %d rollouts: p50 %.0f ms, p99 %.0f"
              + " ms, max %.0f ms (with events; gate interval 5m, resync 10m)%n",
          ROLLOUTS,
          latencies.get(latencies.size() / 2) / 1e6,
          latencies.get((int) Math.ceil(0.99 * latencies.size()) - 1) / 1e6,
          latencies.get(latencies.size() - 1) / 1e6);
      // Each service runs its baseline again, as moto says.
      for (int i = 0; i < ROLLOUTS; i++) {
        String name = String.format(Locale.ROOT, "api-%02d", i);
        var s =
            moto.client(EcsClient.class, EcsClient::builder)
                .describeServices(r -> r.cluster(CLUSTER).services(name))
                .services()
                .get(0);
        assertThat(s.taskDefinition()).endsWith(name + ":1");
      }
    } finally {
      ecsEvents.stop();
    }
  }

  @Test
  @Timeout(120)
  void withoutEventsTheRollbackGoesOutWithinASecondOfThePollThatSeesTheAlarm(MotoServer moto)
      throws Exception {
    moto.client(EcsClient.class, EcsClient::builder).createCluster(r -> r.clusterName(CLUSTER));
    for (int i = 0; i < ROLLOUTS; i++) {
      service(moto, i);
    }
    Map<String, Instant> seenAt = new ConcurrentHashMap<>();
    Map<String, Instant> rolledBackAt = new ConcurrentHashMap<>();
    List<TrailEvent> trail = Collections.synchronizedList(new ArrayList<>());
    try (AwsProviders aws = AwsProviders.open(moto.settings())) {
      Controller controller =
          Controller.builder(
                  new FileStore(dir.resolve("store"), Clock.systemUTC()),
                  aws.providers(),
                  GateEvaluator.withDefaults(),
                  Clock.systemUTC())
              .resync(Duration.ofMinutes(10))
              .trailSink(
                  e -> {
                    trail.add(e);
                    if (e.type() == EventType.GateFailed) {
                      seenAt.putIfAbsent(e.rollout(), e.time()); // the polling pass's instant
                    }
                    if (e.type() == EventType.ServiceUpdated
                        && e.message().startsWith("Service rolled back")) {
                      rolledBackAt.putIfAbsent(e.rollout(), Instant.now());
                    }
                  })
              .build();
      controller.start();
      for (int i = 0; i < ROLLOUTS; i++) {
        controller
            .controlPlane()
            .apply("api-" + i + ".yaml", spec(i).replace("interval: 5m", "interval: 3s"));
      }
      awaitTrail(trail, e -> e.type() == EventType.BakeStarted, ROLLOUTS, Duration.ofSeconds(60));
      for (int i = 0; i < ROLLOUTS; i++) {
        String name = String.format(Locale.ROOT, "api-%02d", i);
        moto.client(CloudWatchClient.class, CloudWatchClient::builder)
            .setAlarmState(
                r -> r.alarmName(name + "-5xx").stateValue(StateValue.ALARM).stateReason("5xx"));
      }
      awaitTrail(
          trail,
          e ->
              e.type() == EventType.ServiceUpdated && e.message().startsWith("Service rolled back"),
          ROLLOUTS,
          Duration.ofSeconds(30));
      controller.close();
    }
    List<Long> latencies = new ArrayList<>();
    rolledBackAt.forEach(
        (name, at) -> latencies.add(Duration.between(seenAt.get(name), at).toMillis()));
    Collections.sort(latencies);
    System.out.printf(
        Locale.ROOT,
        "EventWakeupIT: poll that saw the alarm -> rollback UpdateService over %d rollouts: p50 %d"
            + " ms, p99 %d ms, max %d ms (no events; gate interval 3s)%n",
        latencies.size(),
        latencies.get(latencies.size() / 2),
        latencies.get((int) Math.ceil(0.99 * latencies.size()) - 1),
        latencies.get(latencies.size() - 1));
    assertThat(rolledBackAt).hasSize(ROLLOUTS);
  }

  /** Milliseconds from the alarm to the pass that failed the gate, to the rollback's pass. */
  static String parts(List<TrailEvent> trail, String rollout, Instant fired) {
    Instant failed = null;
    Instant rollback = null;
    synchronized (trail) {
      for (TrailEvent e : trail) {
        if (e.rollout().equals(rollout) && e.type() == EventType.GateFailed) {
          failed = e.time();
        }
        if (e.rollout().equals(rollout) && e.type() == EventType.ServiceUpdated) {
          rollback = e.time();
        }
      }
    }
    return Duration.between(fired, failed).toMillis()
        + "+"
        + Duration.between(failed, rollback).toMillis();
  }

  static void awaitTrail(
      List<TrailEvent> trail, Predicate<TrailEvent> what, int count, Duration limit)
      throws InterruptedException {
    Instant until = Instant.now().plus(limit);
    while (Instant.now().isBefore(until)) {
      synchronized (trail) {
        if (trail.stream().filter(what).count() >= count) {
          return;
        }
      }
      Thread.sleep(20);
    }
    synchronized (trail) {
      assertThat(trail.stream().filter(what).count())
          .as("trail: %s", trail)
          .isGreaterThanOrEqualTo(count);
    }
  }
}
