package dev.snailtrail.aws;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The lifecycle hook of deploy/lambda/snailtrail-hook answers every case of {@code
 * hook-cases.json}, the table the simulator's stand-in answers too: its {@code decide} run by
 * Python on each case's stage, deployment, hookDetails, verdict and time gives the expected
 * hookStatus, callBackDelay (while IN_PROGRESS) and firstSeen (where the answer sets it, and only
 * there).
 */
class HookLambdaContractTest {
  private static final JsonMapper JSON = JsonMapper.builder().build();

  @Test
  void theLambdaAnswersEveryCaseOfTheHookContract() throws IOException {
    JsonNode cases = JSON.readTree(Files.readString(HookLambda.CASES));
    JsonNode answers = JSON.readTree(HookLambda.decideAll(HookLambda.python(), HookLambda.CASES));
    Map<String, JsonNode> byName = new HashMap<>();
    answers.forEach(a -> byName.put(a.get("name").asString(), a.get("answer")));

    List<String> wrong = new ArrayList<>();
    for (JsonNode c : cases) {
      String name = c.get("name").asString();
      JsonNode answer = byName.get(name);
      String why = answer == null ? "no answer" : mismatch(c.get("expect"), answer);
      if (why != null) {
        wrong.add(name + ": " + why + " (answered " + answer + ")");
      }
    }

    assertThat(cases.size()).as("cases in %s", HookLambda.CASES).isGreaterThanOrEqualTo(10);
    assertThat(wrong).as("cases the Lambda answers otherwise than expected").isEmpty();
  }

  /** Null when the answer is what the case expects, else what differs. */
  private static String mismatch(JsonNode expect, JsonNode answer) {
    String status = expect.get("hookStatus").asString();
    if (!status.equals(text(answer.get("hookStatus")))) {
      return "hookStatus should be " + status;
    }
    JsonNode delay = answer.get("callBackDelay");
    if (status.equals("IN_PROGRESS")) {
      if (delay == null || delay.asLong() != expect.get("callBackDelay").asLong()) {
        return "callBackDelay should be " + expect.get("callBackDelay");
      }
    } else if (delay != null) {
      return "callBackDelay only goes with IN_PROGRESS";
    }
    JsonNode details = answer.get("hookDetails");
    JsonNode firstSeen = details == null ? null : details.get("firstSeen");
    JsonNode want = expect.get("firstSeen");
    if (want == null) {
      return firstSeen == null ? null : "firstSeen should not be set";
    }
    if (firstSeen == null || Long.parseLong(text(firstSeen)) != want.asLong()) {
      return "hookDetails.firstSeen should be " + want;
    }
    return null;
  }

  /** A value as text, whether JSON holds it as a string or a number. */
  private static String text(JsonNode node) {
    return node == null ? null : node.isString() ? node.asString() : node.toString();
  }
}
