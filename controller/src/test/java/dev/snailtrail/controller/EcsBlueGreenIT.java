package dev.snailtrail.controller;

import static org.assertj.core.api.Assertions.assertThat;

import dev.snailtrail.api.ApiClient;
import dev.snailtrail.api.ClientConfig;
import dev.snailtrail.moto.MotoServer;
import dev.snailtrail.rollout.RolloutStatus;
import dev.snailtrail.rollout.StatusPhase;
import dev.snailtrail.trail.EventType;
import dev.snailtrail.trail.TrailEvent;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.cloudwatch.model.StateValue;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.ecs.model.ServiceDeployment;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.TargetGroupTuple;

/**
 * A phase under {@code traffic.mode: ecs} end to end over the wire: {@code snailtrail controller
 * --provider aws --endpoint MOTO --store dynamodb:snailtrail} in a JVM of its own, and ECS's canary
 * deployment (10% for a minute, then the rest) run by moto's launcher with the shipped dead-man's
 * switch ({@code deploy/lambda/snailtrail-hook}) as its lifecycle hook, reading the controller's
 * verdict from the same table. The first phase creates the service with its blue/green routing; the
 * second hands the new revision to ECS. The test reads the production rule, the service deployment
 * and the verdict straight from moto as the rollout goes:
 *
 * <ul>
 *   <li>the gates hold: the rule goes 0 → 10 → 100% green, the hook holds ECS at full production
 *       traffic until the verdict is SUCCEEDED, and the rollout ends Healthy;
 *   <li>the gate's alarm fires at 10%: the controller stops the deployment with ECS's rollback;
 *   <li>the controller is killed at 10%: nobody confirms the verdict, and once its silence has
 *       passed the hook fails the deployment and ECS rolls back by itself; a controller started
 *       again on the same table holds the rollout Degraded.
 * </ul>
 */
@ExtendWith(MotoServer.Extension.class)
// A controller JVM, a first phase and a canary held 8 s at 10%: 25-30 s a case, the dead
// controller's with its 30 s of silence and a second controller about 55 s. Limits for a loaded
// machine.
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class EcsBlueGreenIT {
  private static final String TOKEN = "ecs-blue-green-token";
  private static final Duration SILENCE = Duration.ofSeconds(30);

  @TempDir Path dir;
  private MotoServer moto;
  private BlueGreenWorld world;

  @BeforeEach
  void world(MotoServer server) throws Exception {
    moto = server;
    world = BlueGreenWorld.create(server);
  }

  @AfterEach
  void endLeftovers() throws InterruptedException {
    ControllerProcess.killAll();
  }

  @Test
  void theGatesHoldingLetEcsShiftEveryRequestAndFinish() throws Exception {
    Controller c = start("a");
    c.api.apply("blue-green.yaml", world.spec);

    Watch w = new Watch(c);
    RolloutStatus end = w.until("Healthy", s -> s.phase() == StatusPhase.Healthy);

    assertThat(end.stablePhase().name()).as(w.story()).isEqualTo("canary");
    assertThat(w.seen)
        .as(w.story())
        .containsSubsequence(
            "green 0%", "verdict ANALYSING", "green 10%", "green 100%", "verdict SUCCEEDED")
        .containsSubsequence("verdict SUCCEEDED", "deployment SUCCESSFUL");
    assertThat(w.seen.indexOf("verdict SUCCEEDED"))
        .as("ECS went past the hold point only once the verdict was SUCCEEDED: %s", w.story())
        .isLessThan(firstOf(w.seen, "stage BAKE_TIME", "stage CLEAN_UP", "deployment SUCCESSFUL"));
    assertThat(world.hookAnswers(w.deployment))
        .as(w.story())
        .containsSubsequence(
            "POST_TEST_TRAFFIC_SHIFT: SUCCEEDED",
            "POST_PRODUCTION_TRAFFIC_SHIFT: IN_PROGRESS",
            "POST_PRODUCTION_TRAFFIC_SHIFT: SUCCEEDED")
        .doesNotContain("POST_PRODUCTION_TRAFFIC_SHIFT: FAILED");
    assertThat(shares()).containsEntry(world.greenGroup, 100).containsEntry(world.blueGroup, 0);
    assertThat(world.service().orElseThrow().taskDefinition())
        .isEqualTo(end.revisions().get("canary"));
    assertThat(world.runningTaskDefinitions())
        .hasSize(2)
        .allSatisfy(td -> assertThat(td).isEqualTo(end.revisions().get("canary")));
    assertThat(c.trail(EventType.TrafficShifted))
        .extracting(e -> e.data().get("weight"))
        .as(w.story())
        .containsSubsequence("10", "100");
    assertThat(c.trail(EventType.TrafficShifted))
        .anySatisfy(e -> assertThat(e.data()).containsEntry("verdict", "SUCCEEDED"));
    assertThat(c.trail(EventType.DeploymentCompleted))
        .last()
        .satisfies(e -> assertThat(e.message()).contains("serves with 2 tasks"));
    assertThat(c.process.terminate()).as(c.process.output()).isZero();
  }

  @Test
  void aGateFailingWhileEcsShiftsStopsTheDeploymentWithEcssRollback() throws Exception {
    Controller c = start("b");
    c.api.apply("blue-green.yaml", world.spec);
    Watch w = new Watch(c);
    w.until("at 10% on the new revision", s -> w.seen.contains("green 10%"));

    world.alarm(StateValue.ALARM, "5xx above 5 in the last minute");
    RolloutStatus end = w.until("Degraded", s -> s.phase() == StatusPhase.Degraded);

    assertThat(end.currentPhase().name()).as(w.story()).isEqualTo("first-steps");
    assertThat(end.stablePhase().name()).isEqualTo("first-steps");
    ServiceDeployment d = world.deployment(w.deployment);
    assertThat(d.statusAsString()).as(w.story()).isEqualTo("ROLLBACK_SUCCESSFUL");
    assertThat(d.statusReason()).as("the controller stopped it").contains("StopServiceDeployment");
    assertThat(w.seen)
        .as(w.story())
        .containsSubsequence("green 10%", "green 0%")
        .contains("verdict FAILED")
        .doesNotContain("green 100%");
    assertThat(shares()).containsEntry(world.blueGroup, 100).containsEntry(world.greenGroup, 0);
    String blue = end.revisions().get("first-steps");
    assertThat(world.service().orElseThrow().taskDefinition()).isEqualTo(blue);
    assertThat(world.runningTaskDefinitions())
        .hasSize(2)
        .allSatisfy(td -> assertThat(td).isEqualTo(blue));
    assertThat(c.trail(EventType.GateFailed)).isNotEmpty();
    assertThat(c.trail(EventType.TrafficShifted))
        .anySatisfy(e -> assertThat(e.reason()).hasToString("TrafficRestored"));
    assertThat(c.trail(EventType.RollbackCompleted)).hasSize(1);
    assertThat(c.process.terminate()).as(c.process.output()).isZero();
  }

  @Test
  @Timeout(value = 3, unit = TimeUnit.MINUTES)
  void aControllerThatDiesMidShiftLeavesEcsToRollBackByItself() throws Exception {
    Controller first = start("c1");
    first.api.apply("blue-green.yaml", world.spec);
    Watch w = new Watch(first);
    w.until(
        "at 10% on the new revision, analysing",
        s -> w.seen.contains("green 10%") && "ANALYSING".equals(w.verdict));

    first.process.kill();
    Instant lastWord = w.verdictAt();
    w.withoutController();
    w.until("rolled back by ECS", s -> w.seen.contains("deployment ROLLBACK_SUCCESSFUL"));

    Duration quiet = Duration.between(lastWord, Instant.now());
    assertThat(quiet).as("ECS rolled back once the silence had passed").isGreaterThan(SILENCE);
    ServiceDeployment d = world.deployment(w.deployment);
    assertThat(d.statusReason()).as(w.story()).contains(MotoServer.SHIPPED_HOOK, "FAILED");
    assertThat(w.verdict).as("nobody said FAILED: the hook's silence did").isEqualTo("ANALYSING");
    assertThat(world.logOf(w.deployment)).contains("the controller has been silent for");
    assertThat(shares()).containsEntry(world.blueGroup, 100).containsEntry(world.greenGroup, 0);
    String blue = w.revision("first-steps");
    assertThat(world.service().orElseThrow().taskDefinition()).isEqualTo(blue);
    assertThat(world.runningTaskDefinitions())
        .hasSize(2)
        .allSatisfy(td -> assertThat(td).isEqualTo(blue));

    // A controller started again on the same table sees what ECS did and holds the rollout there.
    Controller second = start("c2");
    Watch after = new Watch(second);
    RolloutStatus end = after.until("Degraded", s -> s.phase() == StatusPhase.Degraded);
    assertThat(end.currentPhase().name()).as(after.story()).isEqualTo("first-steps");
    assertThat(second.trail(EventType.DeploymentFailed))
        .anySatisfy(e -> assertThat(e.message()).contains("ECS rolled the deployment back"));
    assertThat(second.trail(EventType.RollbackCompleted)).hasSize(1);
    assertThat(world.service().orElseThrow().taskDefinition()).isEqualTo(blue);
    assertThat(second.process.terminate()).as(second.process.output()).isZero();
  }

  /** A controller process on the world's table, and a client of its API. */
  private record Controller(ControllerProcess process, ApiClient api) {
    List<TrailEvent> trail(EventType type) {
      return api.trail(BlueGreenWorld.ROLLOUT, 0, 1000).stream()
          .filter(e -> e.type() == type)
          .toList();
    }
  }

  /** {@code snailtrail controller --provider aws --endpoint MOTO --store dynamodb:snailtrail}. */
  private Controller start(String replica) throws Exception {
    Map<String, String> env = new HashMap<>();
    env.put("AWS_ENDPOINT_URL", null); // --endpoint says where
    env.put("AWS_REGION", MotoServer.REGION);
    env.put("AWS_ACCESS_KEY_ID", "testing");
    env.put("AWS_SECRET_ACCESS_KEY", "testing");
    // No profile of this machine's may lend the controller credentials or a region.
    env.put("AWS_CONFIG_FILE", dir.resolve("no-aws-config").toString());
    env.put("AWS_SHARED_CREDENTIALS_FILE", dir.resolve("no-aws-credentials").toString());
    env.put("AWS_PROFILE", null);
    env.put("AWS_EC2_METADATA_DISABLED", "true");
    List<String> args =
        List.of(
            "--provider",
            "aws",
            "--endpoint",
            moto.endpoint().toString(),
            "--store",
            "dynamodb:" + MotoServer.HOOK_TABLE,
            "--store-dir",
            dir.resolve(replica).toString(),
            "--replica",
            replica,
            "--lease-ttl",
            "6s");
    // The logs outlive the test, for a failure's diagnosis (CI keeps target/).
    Path logs =
        Files.createDirectories(
            Path.of(System.getProperty("snailtrail.root"), "controller/target/ecs-blue-green-it"));
    Path log = logs.resolve(replica + ".log");
    Files.deleteIfExists(log);
    ControllerProcess p = ControllerProcess.launch(args, log, TOKEN, null, env);
    assertThat(p.awaitStarted(90)).as("controller %s started:%n%s", replica, p.output()).isTrue();
    return new Controller(p, new ApiClient(new ClientConfig(URI.create(p.apiUrl()), TOKEN)));
  }

  /** The production rule's weights by target group. */
  private Map<String, Integer> shares() {
    Map<String, Integer> shares = new LinkedHashMap<>();
    for (TargetGroupTuple t : world.forwardedTo()) {
      shares.put(t.targetGroupArn(), t.weight() == null ? 0 : t.weight());
    }
    return shares;
  }

  private static int firstOf(List<String> seen, String... any) {
    return seen.stream()
        .filter(s -> List.of(any).contains(s))
        .findFirst()
        .map(seen::indexOf)
        .orElse(Integer.MAX_VALUE);
  }

  /**
   * What the test saw as the rollout went, each change once and in order ("green 10%", "verdict
   * ANALYSING", "stage PRODUCTION_TRAFFIC_SHIFT", "deployment SUCCESSFUL", "rollout Progressing
   * Shifting"): the production rule, the verdict on the rollout's row and the service deployment it
   * names, read from moto every 100 ms; the rollout's status from the controller's API while one
   * runs.
   */
  private final class Watch {
    final List<String> seen = new ArrayList<>();
    private final Map<String, String> last = new HashMap<>();
    private Controller controller;
    private RolloutStatus status;
    String deployment;
    String verdict;
    private Map<String, AttributeValue> row = Map.of();

    Watch(Controller controller) {
      this.controller = controller;
    }

    void withoutController() {
      controller = null;
    }

    /** Looks until {@code done} holds (on the rollout's last status, null before there is one). */
    RolloutStatus until(String what, Predicate<RolloutStatus> done) throws InterruptedException {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(75);
      while (true) {
        look();
        if (done.test(status)) {
          return status;
        }
        assertThat(System.nanoTime()).as("%s within 75 s; %s", what, story()).isLessThan(deadline);
        Thread.sleep(100);
      }
    }

    private void look() {
      note("green", world.greenWeight() + "%");
      row = world.verdictRow();
      if (row.containsKey("hookVerdict")) {
        verdict = row.get("hookVerdict").s();
        note("verdict", verdict);
        if (row.containsKey("hookDeployment")) {
          deployment = row.get("hookDeployment").s();
        }
      }
      if (deployment != null) {
        ServiceDeployment d = world.deployment(deployment);
        if (d.lifecycleStage() != null) {
          note("stage", d.lifecycleStageAsString());
        }
        note("deployment", d.statusAsString());
      }
      if (controller != null) {
        status = controller.api.get(BlueGreenWorld.ROLLOUT).status();
        note("rollout", status.phase() + " " + status.step());
      }
    }

    /** When the controller last confirmed its verdict, by the row as it is now. */
    Instant verdictAt() {
      row = world.verdictRow();
      return Instant.ofEpochSecond(Long.parseLong(row.get("hookVerdictAt").n()));
    }

    /** A phase's task definition, by the rollout's last status. */
    String revision(String phase) {
      return status.revisions().get(phase);
    }

    private void note(String kind, String value) {
      if (!value.equals(last.put(kind, value))) {
        seen.add(kind + " " + value);
      }
    }

    String story() {
      return "seen "
          + seen
          + (status == null ? "" : "; the rollout: " + status.message())
          + (controller == null ? "" : "\ncontroller output:\n" + controller.process.output())
          + (deployment == null ? "" : "\nmoto on the deployment:\n" + world.logOf(deployment));
    }
  }
}
