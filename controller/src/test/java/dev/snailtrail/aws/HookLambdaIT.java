package dev.snailtrail.aws;

import static org.assertj.core.api.Assertions.assertThat;

import dev.snailtrail.moto.MotoServer;
import dev.snailtrail.rollout.RolloutStatus;
import dev.snailtrail.rollout.TrafficStatus;
import dev.snailtrail.rollout.TrafficStatus.EcsShift;
import dev.snailtrail.rollout.TrafficStatus.HookVerdict;
import dev.snailtrail.store.StoreContract;
import dev.snailtrail.store.TableStore;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The lifecycle hook of deploy/lambda/snailtrail-hook, run by Python as Lambda would run it, on
 * ECS-shaped events, reading verdicts the controller's own store wrote to moto's DynamoDB: it holds
 * ECS while the controller analyses, lets it finish on SUCCEEDED, rolls it back when the controller
 * went silent, waits for word on a deployment the controller has not named, and takes a store it
 * cannot reach for silence rather than a verdict.
 */
@ExtendWith(MotoServer.Extension.class)
class HookLambdaIT {
  private static final String TABLE = "snailtrail-hook-test";
  private static final String ROLLOUT = "hello-web";
  private static final String DEPLOYMENT =
      "arn:aws:ecs:us-east-1:123456789012:service-deployment/apps/hello-web/d1";
  private static final String HOLD = "POST_PRODUCTION_TRAFFIC_SHIFT";
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private static AwsProviders aws;
  private TableStore store;
  private long version;

  @BeforeAll
  static void open() {
    aws = AwsProviders.open(MotoServer.get().settings());
  }

  @AfterAll
  static void close() {
    aws.close();
  }

  @BeforeEach
  void rollout() throws Exception {
    assertThat(aws.createStoreTable(MotoServer.REGION, TABLE)).as("created").isTrue();
    store =
        new TableStore(
            aws.storeTable(MotoServer.REGION, TABLE), "dynamodb:" + TABLE, Clock.systemUTC());
    version = store.apply(StoreContract.parse(StoreContract.minimalText())).resourceVersion();
  }

  @Test
  void whileTheControllerAnalysesEcsGoesOnToTheHoldPointAndWaitsThere() {
    say(DEPLOYMENT, HookVerdict.ANALYSING, Instant.now());

    Answer atTest = invoke("POST_TEST_TRAFFIC_SHIFT", DEPLOYMENT, Map.of(), moto());
    Answer atHold = invoke(HOLD, DEPLOYMENT, Map.of(), moto());

    assertThat(atTest.status()).isEqualTo("SUCCEEDED");
    assertThat(atHold.status()).isEqualTo("IN_PROGRESS");
    assertThat(atHold.answer().get("callBackDelay").asInt()).isEqualTo(30);
    assertThat(atHold.answer().get("hookDetails").has("firstSeen")).isFalse();
    assertThat(atHold.answer().get("hookDetails").get("rollout").asString()).isEqualTo(ROLLOUT);
    assertThat(atHold.log().get("reason").asString()).contains("analysing");
    assertThat(atHold.log().get("deployment").asString()).isEqualTo(DEPLOYMENT);
    assertThat(atHold.log().get("stage").asString()).isEqualTo(HOLD);
    assertThat(atHold.log().get("answer")).isEqualTo(atHold.answer());
  }

  @Test
  void onceTheGatesHeldEcsFinishes() {
    say(DEPLOYMENT, HookVerdict.SUCCEEDED, Instant.now());

    assertThat(invoke(HOLD, DEPLOYMENT, Map.of(), moto()).status()).isEqualTo("SUCCEEDED");
  }

  @Test
  void aControllerSilentPastTheLimitMakesEcsRollBack() {
    say(DEPLOYMENT, HookVerdict.ANALYSING, Instant.now().minus(Duration.ofMinutes(5)));

    Answer answer = invoke(HOLD, DEPLOYMENT, Map.of(), moto());

    assertThat(answer.status()).isEqualTo("FAILED");
    assertThat(answer.log().get("reason").asString()).matches(".*silent for 30[0-9] s.*");
  }

  @Test
  void aVerdictAboutAnotherDeploymentIsNoWordYet() {
    say(DEPLOYMENT, HookVerdict.SUCCEEDED, Instant.now());
    long before = Instant.now().getEpochSecond();

    Answer answer = invoke(HOLD, DEPLOYMENT.replace("/d1", "/d2"), Map.of(), moto());

    assertThat(answer.status()).isEqualTo("IN_PROGRESS");
    long firstSeen = Long.parseLong(answer.answer().get("hookDetails").get("firstSeen").asString());
    assertThat(firstSeen).isBetween(before, Instant.now().getEpochSecond());
  }

  @Test
  void aStoreThatCannotBeReachedIsSilenceNotAVerdict() throws IOException {
    say(DEPLOYMENT, HookVerdict.FAILED, Instant.now());
    String nowhere = "http://127.0.0.1:" + closedPort();
    long before = Instant.now().getEpochSecond();

    Answer within = invoke(HOLD, DEPLOYMENT, Map.of(), nowhere);
    Map<String, String> longAgo =
        Map.of("firstSeen", Long.toString(before - 600), "silenceSeconds", "120");
    Answer past = invoke(HOLD, DEPLOYMENT, longAgo, nowhere);

    assertThat(within.status()).as("within the silence limit").isEqualTo("IN_PROGRESS");
    assertThat(Long.parseLong(within.answer().get("hookDetails").get("firstSeen").asString()))
        .isGreaterThanOrEqualTo(before);
    assertThat(within.log().get("reason").asString()).contains("the store could not be read");
    assertThat(past.status()).as("past it").isEqualTo("FAILED");
  }

  /** The controller's word on a deployment, written as every pass writes it. */
  private void say(String deployment, HookVerdict verdict, Instant at) {
    RolloutStatus status =
        RolloutStatus.initial().toBuilder()
            .traffic(TrafficStatus.start(at).withEcs(new EcsShift(deployment, verdict, at)))
            .build();
    version = store.writeStatus(ROLLOUT, version, status);
  }

  /** What ECS got back, and the line the function logged. */
  record Answer(JsonNode answer, JsonNode log) {
    String status() {
      return answer.get("hookStatus").asString();
    }
  }

  /** The function run as ECS would call it, against {@code endpoint}'s DynamoDB. */
  private static Answer invoke(
      String stage, String deployment, Map<String, String> carried, String endpoint) {
    Map<String, String> details =
        new HashMap<>(Map.of("rollout", ROLLOUT, "silenceSeconds", "120"));
    details.putAll(carried);
    Map<String, Object> event =
        Map.of(
            "executionId", "b7d8e3c1-0f5e-4a57-9a3c-3f4f6a1e2d90",
            "lifecycleStage", stage,
            "resourceArn", deployment,
            "executionDetails",
                Map.of(
                    "serviceArn",
                    "arn:aws:ecs:us-east-1:123456789012:service/apps/hello-web",
                    "targetServiceRevisionArn",
                    "arn:aws:ecs:us-east-1:123456789012:service-revision/apps/hello-web/2",
                    "testTrafficWeights",
                    Map.of(),
                    "productionTrafficWeights",
                    Map.of()),
            "hookDetails", details);
    Map<String, String> env =
        Map.of(
            "SNAILTRAIL_TABLE",
            TABLE,
            "SNAILTRAIL_DYNAMODB_ENDPOINT",
            endpoint,
            "AWS_REGION",
            MotoServer.REGION,
            "AWS_DEFAULT_REGION",
            MotoServer.REGION,
            "AWS_ACCESS_KEY_ID",
            "testing",
            "AWS_SECRET_ACCESS_KEY",
            "testing");
    HookLambda.Run run =
        HookLambda.invoke(MotoServer.get().python(), JSON.writeValueAsString(event), env);
    List<String> lines = run.stdout().strip().lines().toList();
    assertThat(lines).as("the function's output").hasSize(2);
    assertThat(lines.get(1)).startsWith("ANSWER ");
    return new Answer(
        JSON.readTree(lines.get(1).substring("ANSWER ".length())), JSON.readTree(lines.get(0)));
  }

  private static String moto() {
    return MotoServer.get().endpoint().toString();
  }

  /** A loopback port nothing listens on. */
  private static int closedPort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
