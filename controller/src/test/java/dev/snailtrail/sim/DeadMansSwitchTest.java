package dev.snailtrail.sim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.snailtrail.json.Json;
import dev.snailtrail.provider.DeploymentStrategy.Stage;
import dev.snailtrail.rollout.TrafficStatus.EcsShift;
import dev.snailtrail.rollout.TrafficStatus.HookVerdict;
import dev.snailtrail.sim.LifecycleHookTarget.HookAnswer;
import dev.snailtrail.sim.LifecycleHookTarget.HookInvocation;
import dev.snailtrail.sim.LifecycleHookTarget.HookStatus;
import dev.snailtrail.time.MutableClock;
import java.io.InputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import tools.jackson.databind.JsonNode;

/**
 * The dead-man's switch against the table of cases it shares with the Lambda function in {@code
 * deploy/lambda/} ({@code src/test/resources/hook-cases.json}): each case is an invocation at
 * {@code now} (epoch seconds) with the controller's verdict (null: none), and the answer it must
 * get. {@code expect.callBackDelay} is checked for IN_PROGRESS; {@code expect.firstSeen} is the
 * epoch second the answer's {@code hookDetails.firstSeen} (a string) must hold, and the answer
 * carries none where the case expects none (as {@code HookLambdaContractTest} holds the Lambda).
 */
class DeadMansSwitchTest {
  private static final String RESOURCE = "/hook-cases.json";

  private static JsonNode cases() throws Exception {
    try (InputStream in = DeadMansSwitchTest.class.getResourceAsStream(RESOURCE)) {
      assertThat(in).as(RESOURCE + " on the test classpath").isNotNull();
      return Json.mapper().readTree(in);
    }
  }

  @TestFactory
  Stream<DynamicTest> everySharedCaseGetsItsAnswer() throws Exception {
    List<DynamicTest> tests = new ArrayList<>();
    for (JsonNode c : cases()) {
      tests.add(DynamicTest.dynamicTest(c.get("name").asString(), () -> check(c)));
    }
    return tests.stream();
  }

  private static void check(JsonNode c) {
    HookAnswer answer = answer(c);
    JsonNode expect = c.get("expect");
    HookStatus status = HookStatus.valueOf(expect.get("hookStatus").asString());
    assertThat(answer.hookStatus())
        .as("hookStatus (reason: %s)", answer.reason())
        .isEqualTo(status);
    if (status == HookStatus.IN_PROGRESS) {
      assertThat(answer.callBackDelay())
          .as("callBackDelay")
          .isEqualTo(expect.get("callBackDelay").asInt());
      assertThat(answer.hookDetails())
          .as("hookDetails carried to the next invocation")
          .containsEntry("rollout", strings(c.get("hookDetails")).get("rollout"))
          .containsEntry(
              "silenceSeconds",
              Long.toString(DeadMansSwitch.silenceSeconds(strings(c.get("hookDetails")))));
    }
    String firstSeen = answer.hookDetails().get("firstSeen");
    if (expect.has("firstSeen")) {
      assertThat(firstSeen)
          .as("hookDetails.firstSeen")
          .isEqualTo(expect.get("firstSeen").asString());
    } else {
      assertThat(firstSeen).as("hookDetails.firstSeen, set only where expected").isNull();
    }
    if (status == HookStatus.FAILED) {
      assertThat(answer.reason()).as("a rollback says why").isNotBlank();
    }
  }

  private static HookAnswer answer(JsonNode c) {
    MutableClock clock = new MutableClock(Instant.ofEpochSecond(c.get("now").asLong()));
    JsonNode v = c.get("verdict");
    Optional<EcsShift> verdict =
        v == null || v.isNull()
            ? Optional.empty()
            : Optional.of(
                new EcsShift(
                    v.get("deployment").isNull() ? null : v.get("deployment").asString(),
                    HookVerdict.valueOf(v.get("verdict").asString()),
                    Instant.ofEpochSecond(v.get("verdictAt").asLong())));
    Map<String, String> details = strings(c.get("hookDetails"));
    String rollout = details.get("rollout");
    DeadMansSwitch hook =
        new DeadMansSwitch(name -> name.equals(rollout) ? verdict : Optional.empty(), clock);
    return hook.invoke(
        invocation(
            Stage.valueOf(c.get("stage").asString()), c.get("resourceArn").asString(), details));
  }

  private static HookInvocation invocation(
      Stage stage, String resourceArn, Map<String, String> details) {
    return new HookInvocation(
        "exec-1",
        stage,
        resourceArn,
        "arn:aws:ecs:us-east-1:123456789012:service/shine-ml-cluster/shine-api-gateway",
        "arn:aws:ecs:us-east-1:123456789012:service-revision/shine-ml-cluster/shine-api-gateway/2",
        Map.of(),
        Map.of(),
        details);
  }

  private static Map<String, String> strings(JsonNode node) {
    Map<String, String> out = new java.util.LinkedHashMap<>();
    node.properties().forEach(e -> out.put(e.getKey(), e.getValue().asString()));
    return out;
  }

  @Test
  void theTableCoversEveryBranchOfTheDecision() throws Exception {
    Set<String> seen = new java.util.TreeSet<>();
    Set<HookStatus> statuses = EnumSet.noneOf(HookStatus.class);
    int count = 0;
    for (JsonNode c : cases()) {
      count++;
      statuses.add(HookStatus.valueOf(c.get("expect").get("hookStatus").asString()));
      JsonNode v = c.get("verdict");
      String branch;
      if (v.isNull() || !c.get("resourceArn").equals(v.get("deployment"))) {
        branch = "no word yet";
      } else {
        branch = v.get("verdict").asString();
      }
      seen.add(branch + " -> " + c.get("expect").get("hookStatus").asString());
    }
    assertThat(count).isGreaterThanOrEqualTo(10);
    assertThat(statuses).containsExactlyInAnyOrder(HookStatus.values());
    assertThat(seen)
        .contains(
            "no word yet -> IN_PROGRESS",
            "no word yet -> FAILED",
            "FAILED -> FAILED",
            "ANALYSING -> FAILED",
            "SUCCEEDED -> FAILED",
            "SUCCEEDED -> SUCCEEDED",
            "ANALYSING -> IN_PROGRESS",
            "ANALYSING -> SUCCEEDED");
  }

  @Test
  void aMissingRolloutNameIsNoVerdict() {
    MutableClock clock = new MutableClock(Instant.ofEpochSecond(1_795_428_000L));
    DeadMansSwitch hook =
        new DeadMansSwitch(
            name -> {
              throw new AssertionError("no rollout to look up, asked for " + name);
            },
            clock);
    HookAnswer answer =
        hook.invoke(invocation(Stage.POST_PRODUCTION_TRAFFIC_SHIFT, "arn:d", Map.of()));
    assertThat(answer.hookStatus()).isEqualTo(HookStatus.IN_PROGRESS);
    assertThat(answer.hookDetails()).containsEntry("firstSeen", "1795428000");
  }
}
