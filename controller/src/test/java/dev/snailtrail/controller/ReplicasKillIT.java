package dev.snailtrail.controller;

import static org.assertj.core.api.Assertions.assertThat;

import dev.snailtrail.api.ApiClient;
import dev.snailtrail.api.ClientConfig;
import dev.snailtrail.api.Resources;
import dev.snailtrail.aws.AwsProviders;
import dev.snailtrail.moto.MotoServer;
import dev.snailtrail.provider.TaskDefinitionSpec;
import dev.snailtrail.rollout.StatusPhase;
import dev.snailtrail.rollout.Step;
import dev.snailtrail.trail.EventType;
import dev.snailtrail.trail.TrailEvent;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.Compatibility;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.LaunchType;
import software.amazon.awssdk.services.ecs.model.PortMapping;
import software.amazon.awssdk.services.ecs.model.Tag;
import software.amazon.awssdk.services.ecs.model.TaskDefinitionField;

/**
 * Takeover as an operator sees it: three {@code snailtrail controller} processes share a DynamoDB
 * table on moto and act on moto's ECS ({@code --provider aws}); one of them, the one holding the
 * most rollouts, is killed with SIGKILL in the middle of their bakes. Its rollouts must show
 * another holder within twice the lease's time to live, every rollout must end Healthy, no task
 * definition content may be registered twice, and a taken-over rollout's trail must carry on where
 * it stopped, without a gap.
 */
@ExtendWith(MotoServer.Extension.class)
// Three controller JVMs, nine rollouts of two phases: about a minute, more on a loaded machine.
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class ReplicasKillIT {
  static final String TABLE = "snailtrail-kill";
  static final String CLUSTER = "snail-cluster";
  static final String TOKEN = "replicas-kill-token";
  static final int ROLLOUTS = 9;
  static final Duration TTL = Duration.ofSeconds(10);

  /** The first phase's bake: long enough to be under way at the kill and past the takeover. */
  static final Duration BAKE = Duration.ofSeconds(25);

  static final List<String> NAMES = List.of("r1", "r2", "r3");

  @TempDir Path dir;

  /** One controller process and a client of its API. */
  record Replica(String name, ControllerProcess process, ApiClient api) {}

  @AfterEach
  void endLeftovers() throws InterruptedException {
    ControllerProcess.killAll();
  }

  /**
   * minimal.yaml's shape on EC2 (no network to give), two phases: the first bakes long enough to be
   * under way at the kill, the second registers a new revision after the takeover.
   */
  static String spec(String name) {
    return """
        apiVersion: snailtrail.dev/v1
        kind: Rollout
        metadata: {name: %1$s}
        spec:
          target: {region: us-east-1, cluster: snail-cluster, service: %1$s}
          template: {family: %1$s, container: web, port: 8080, launchType: EC2, networkMode: bridge}
          analysis: {interval: 1s, count: 1}
          phases:
            - name: v2
              image: ghcr.io/snail-trail/web:v2
              bake: %2$ds
              gates: [ecsTasks]
            - name: v3
              image: ghcr.io/snail-trail/web:v3
              bake: 1s
              gates: [ecsTasks]
        """
        .formatted(name, BAKE.toSeconds());
  }

  static String rollout(int i) {
    return String.format(Locale.ROOT, "kill-%02d", i);
  }

  @Test
  void aReplicaKilledWithSigkillHasItsRolloutsContinuedByTheOthers(MotoServer moto)
      throws Exception {
    long started = System.nanoTime();
    world(moto);
    List<Replica> replicas = startReplicas(moto);
    ApiClient first = replicas.get(0).api();
    for (int i = 0; i < ROLLOUTS; i++) {
      first.apply(rollout(i) + ".yaml", spec(rollout(i)));
    }

    // Given every replica holding some rollouts, every rollout baking its first phase
    Map<String, String> holders =
        await(first, "shared and baking", ReplicasKillIT::sharedAndBaking).stream()
            .collect(Collectors.toMap(Resources.Summary::name, Resources.Summary::holder));
    Map<String, Long> shares =
        new TreeMap<>(
            holders.values().stream()
                .collect(Collectors.groupingBy(h -> h, Collectors.counting())));
    String victim =
        shares.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
    Set<String> orphans =
        holders.entrySet().stream()
            .filter(e -> e.getValue().equals(victim))
            .map(Map.Entry::getKey)
            .collect(Collectors.toSet());

    // When the replica holding the most is killed with SIGKILL
    Replica killed = replicas.stream().filter(r -> r.name().equals(victim)).findFirst().get();
    Instant killedAt = Instant.now();
    long killedNanos = System.nanoTime();
    killed.process().kill();
    Replica survivor = replicas.stream().filter(r -> r != killed).findFirst().get();

    // Then its rollouts show another holder within twice the lease's time to live
    List<Resources.Summary> after =
        await(survivor.api(), "taken over", l -> takenOver(l, orphans, victim));
    Duration takeover = Duration.ofNanos(System.nanoTime() - killedNanos);
    assertThat(takeover)
        .as("takeover of %s, now held %s", orphans, holdersOf(after, orphans))
        .isLessThanOrEqualTo(TTL.multipliedBy(2));

    // and every rollout ends Healthy, nothing registered twice, the trails without a gap
    await(survivor.api(), "all Healthy", ReplicasKillIT::allHealthy);
    Map<String, Integer> registrations = registrationsByContent(moto);
    assertThat(registrations.values().stream().filter(n -> n > 1).toList())
        .as("task definition contents registered more than once: %s", registrations)
        .isEmpty();
    assertThat(registrations).as("one revision per phase and rollout").hasSize(2 * ROLLOUTS);
    Duration late = Duration.ZERO;
    for (String name : orphans) {
      Duration bakeLate = trailContinues(survivor.api(), name, killedAt);
      late = bakeLate.compareTo(late) > 0 ? bakeLate : late;
    }
    assertThat(late).as("the taken-over bakes' lateness").isLessThanOrEqualTo(TTL.multipliedBy(2));
    for (Replica r : replicas) {
      if (r != killed) {
        assertThat(r.process().terminate()).as(r.process().output()).isZero();
      }
    }
    System.out.printf(
        Locale.ROOT,
        "ReplicasKillIT: %d rollouts on 3 controller processes (lease TTL %d s), shares %s;"
            + " %s killed with SIGKILL holding %d; every one held elsewhere %.1f s after the kill"
            + " (limit %d s), their bakes ended %.1f s after they were due at most; %d registrations,"
            + " 0 duplicate; %.1f s in all%n",
        ROLLOUTS,
        TTL.toSeconds(),
        shares,
        victim,
        orphans.size(),
        takeover.toMillis() / 1000.0,
        TTL.multipliedBy(2).toSeconds(),
        late.toMillis() / 1000.0,
        registrations.size(),
        (System.nanoTime() - started) / 1e9);
  }

  /** The cluster, a service per rollout running a first revision, and the table. */
  private static void world(MotoServer moto) {
    EcsClient ecs = moto.client(EcsClient.class, EcsClient::builder);
    ecs.createCluster(r -> r.clusterName(CLUSTER));
    for (int i = 0; i < ROLLOUTS; i++) {
      String name = rollout(i);
      String td =
          ecs.registerTaskDefinition(
                  r ->
                      r.family(name)
                          .networkMode("bridge")
                          .requiresCompatibilities(Compatibility.EC2)
                          .containerDefinitions(
                              ContainerDefinition.builder()
                                  .name("web")
                                  .image("ghcr.io/snail-trail/web:v1")
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
    }
    try (AwsProviders aws = AwsProviders.open(moto.settings())) {
      assertThat(aws.createStoreTable(MotoServer.REGION, TABLE)).as("table created").isTrue();
    }
  }

  /** Three controllers on the table, each with its own store directory and API port. */
  private List<Replica> startReplicas(MotoServer moto) throws Exception {
    Map<String, String> env = new HashMap<>();
    env.put("AWS_ENDPOINT_URL", moto.endpoint().toString());
    env.put("AWS_REGION", MotoServer.REGION);
    env.put("AWS_ACCESS_KEY_ID", "testing");
    env.put("AWS_SECRET_ACCESS_KEY", "testing");
    // No profile of this machine's may lend the replicas credentials or a region.
    env.put("AWS_CONFIG_FILE", dir.resolve("no-aws-config").toString());
    env.put("AWS_SHARED_CREDENTIALS_FILE", dir.resolve("no-aws-credentials").toString());
    env.put("AWS_PROFILE", null);
    env.put("AWS_EC2_METADATA_DISABLED", "true");
    // The logs outlive the test, for a failure's diagnosis (CI keeps target/).
    Path logs =
        Files.createDirectories(
            Path.of(System.getProperty("snailtrail.root"), "controller/target/replicas-kill-it"));
    List<ControllerProcess> processes = new ArrayList<>();
    for (String name : NAMES) {
      List<String> args =
          List.of(
              "--provider",
              "aws",
              "--store",
              "dynamodb:" + TABLE,
              "--store-dir",
              dir.resolve(name).toString(),
              "--replica",
              name,
              "--lease-ttl",
              TTL.toSeconds() + "s",
              "--resync",
              "2s");
      Path log = logs.resolve(name + ".log");
      Files.deleteIfExists(log);
      processes.add(ControllerProcess.launch(args, log, TOKEN, null, env));
    }
    List<Replica> replicas = new ArrayList<>();
    for (int i = 0; i < NAMES.size(); i++) {
      ControllerProcess p = processes.get(i);
      assertThat(p.awaitStarted(90)).as("%s started:%n%s", NAMES.get(i), p.output()).isTrue();
      ApiClient api = new ApiClient(new ClientConfig(URI.create(p.apiUrl()), TOKEN));
      replicas.add(new Replica(NAMES.get(i), p, api));
    }
    return replicas;
  }

  /** Polls the replica's list until {@code done} holds; fails after a minute. */
  private static List<Resources.Summary> await(
      ApiClient api, String what, Predicate<List<Resources.Summary>> done)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    List<Resources.Summary> list = api.list();
    while (!done.test(list)) {
      assertThat(System.nanoTime())
          .as("%s within a minute; the rollouts now: %s", what, describe(list))
          .isLessThan(deadline);
      Thread.sleep(100);
      list = api.list();
    }
    return list;
  }

  private static boolean sharedAndBaking(List<Resources.Summary> list) {
    Set<String> holders =
        list.stream()
            .map(Resources.Summary::holder)
            .filter(h -> h != null)
            .collect(Collectors.toSet());
    return list.size() == ROLLOUTS
        && holders.size() == NAMES.size()
        && list.stream().allMatch(s -> s.holder() != null)
        && list.stream()
            .allMatch(s -> s.step() == Step.Baking && s.currentPhase().name().equals("v2"));
  }

  private static boolean takenOver(
      List<Resources.Summary> list, Set<String> orphans, String victim) {
    return list.stream()
        .filter(s -> orphans.contains(s.name()))
        .allMatch(s -> s.holder() != null && !s.holder().equals(victim));
  }

  private static boolean allHealthy(List<Resources.Summary> list) {
    return list.size() == ROLLOUTS && list.stream().allMatch(s -> s.phase() == StatusPhase.Healthy);
  }

  private static Map<String, String> holdersOf(List<Resources.Summary> list, Set<String> names) {
    Map<String, String> out = new TreeMap<>();
    list.stream()
        .filter(s -> names.contains(s.name()))
        .forEach(s -> out.put(s.name(), String.valueOf(s.holder())));
    return out;
  }

  private static List<String> describe(List<Resources.Summary> list) {
    return list.stream()
        .map(s -> s.name() + " " + s.phase() + "/" + s.step() + " held by " + s.holder())
        .toList();
  }

  /**
   * Task definition revisions with the controller's content-hash tag, counted per family and
   * content, as ECS holds them.
   */
  private static Map<String, Integer> registrationsByContent(MotoServer moto) {
    EcsClient ecs = moto.client(EcsClient.class, EcsClient::builder);
    Map<String, Integer> byContent = new TreeMap<>();
    for (int i = 0; i < ROLLOUTS; i++) {
      String family = rollout(i);
      for (String arn : ecs.listTaskDefinitions(r -> r.familyPrefix(family)).taskDefinitionArns()) {
        List<Tag> tags =
            ecs.describeTaskDefinition(r -> r.taskDefinition(arn).include(TaskDefinitionField.TAGS))
                .tags();
        tags.stream()
            .filter(t -> t.key().equals(TaskDefinitionSpec.HASH_TAG))
            .forEach(t -> byContent.merge(family + "@" + t.value(), 1, Integer::sum));
      }
    }
    return byContent;
  }

  /**
   * The rollout's trail numbers its events one after another with none missing or doubled, runs
   * from before the kill to the end, and was written on after the kill; returns how long after its
   * due time the bake under way at the kill ended.
   */
  private static Duration trailContinues(ApiClient api, String name, Instant killedAt) {
    List<TrailEvent> trail = api.trail(name, 0, 1000);
    List<Long> sequences = trail.stream().map(TrailEvent::sequence).toList();
    List<Long> expected = new ArrayList<>();
    for (long n = 1; n <= trail.size(); n++) {
      expected.add(n);
    }
    String shown =
        trail.stream().map(e -> e.sequence() + " " + e.type() + " " + e.time()).toList().toString();
    assertThat(sequences).as("%s's trail %s", name, shown).isEqualTo(expected);
    assertThat(trail).extracting(TrailEvent::id).doesNotHaveDuplicates();
    assertThat(trail.stream().filter(e -> e.time().isBefore(killedAt)).map(TrailEvent::type))
        .as("%s's trail before the kill: %s", name, shown)
        .contains(EventType.RolloutStarted, EventType.BakeStarted);
    List<TrailEvent> later = trail.stream().filter(e -> !e.time().isBefore(killedAt)).toList();
    assertThat(later.stream().map(TrailEvent::type))
        .as("%s's trail after the kill: %s", name, shown)
        .contains(EventType.PhaseCompleted, EventType.TaskDefinitionRegistered)
        .containsOnlyOnce(EventType.RolloutCompleted);
    Instant baked = time(trail, EventType.BakeStarted, "v2").plus(BAKE);
    return Duration.between(baked, time(trail, EventType.PhaseCompleted, "v2"));
  }

  private static Instant time(List<TrailEvent> trail, EventType type, String phase) {
    return trail.stream()
        .filter(e -> e.type() == type && phase.equals(e.phase()))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + type + " of " + phase + " in " + trail))
        .time();
  }
}
