package dev.snailtrail.api;

import static dev.snailtrail.api.ApiFixtures.TOKEN;
import static dev.snailtrail.api.ApiFixtures.spec;
import static org.assertj.core.api.Assertions.assertThat;

import dev.snailtrail.json.Json;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Every error is the API's JSON shape, whether the routes refuse a request or the server cannot
 * read it at all, and input repeated in a message is cut short.
 */
class ApiErrorsIT {
  private final FakeControlPlane plane = new FakeControlPlane();
  private ApiServer server;

  @BeforeEach
  void start() {
    server =
        new ApiServer(
                plane,
                new ApiServer.Settings(
                    new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), TOKEN))
            .start();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private RawHttp.Answer send(String requestLine, String... headers) throws Exception {
    StringBuilder r = new StringBuilder(requestLine).append("\r\nHost: localhost\r\n");
    r.append("Authorization: Bearer ").append(TOKEN).append("\r\nConnection: close\r\n");
    for (String h : headers) {
      r.append(h).append("\r\n");
    }
    return RawHttp.exchange(server.port(), r.append("\r\n").toString());
  }

  /** The answer is the JSON error shape: a sentence and a list of problems, nothing else. */
  private static JsonNode jsonError(RawHttp.Answer a, int status) {
    assertThat(a.status()).as(a.body()).isEqualTo(status);
    assertThat(a.header("Content-Type")).startsWith("application/json");
    assertThat(a.body()).doesNotContainIgnoringCase("<html").doesNotContainIgnoringCase("<h1>");
    JsonNode body = Json.mapper().readTree(a.body());
    assertThat(body.get("error").isString()).as(a.body()).isTrue();
    assertThat(body.get("problems").isArray()).as(a.body()).isTrue();
    return body;
  }

  @Test
  void malformedUrisAreJsonErrors() throws Exception {
    for (String line :
        new String[] {
          "GET /api/v1/rollouts/%zz HTTP/1.1",
          "GET /api/v1/rollouts/a%%20b HTTP/1.1",
          "GET /api/v1/rollouts/a|b{c} HTTP/1.1",
          "GET /api/v1/rollouts/%2e%2e/%2e%2e/etc HTTP/1.1",
          "GET http://[::1/healthz HTTP/1.1",
        }) {
      RawHttp.Answer a = send(line);
      assertThat(a.status()).as(line).isBetween(400, 499);
      jsonError(a, a.status());
    }
  }

  @Test
  void requestsTheServerCannotParseAreJsonErrors() throws Exception {
    jsonError(send("G<T /healthz HTTP/1.1"), 400);
    jsonError(send("GET /healthz"), 505);
    jsonError(send("GET /healthz HTTP/7.0"), 505);
    jsonError(send("GET /healthz HTTP/1.1", "Bad Header: x"), 400);
    JsonNode tooBig = jsonError(send("GET /healthz HTTP/1.1", "X-Big: " + "x".repeat(20_000)), 431);
    assertThat(tooBig.get("error").asString()).contains("headers are larger");
  }

  @Test
  void unknownMethodsAre405WithTheAllowedOnes() throws Exception {
    RawHttp.Answer a = send("BREW /api/v1/rollouts HTTP/1.1");
    JsonNode body = jsonError(a, 405);
    assertThat(a.header("Allow")).isEqualTo("GET, POST");
    assertThat(body.get("error").asString()).contains("'BREW'").contains("GET, POST");
    jsonError(send("PROPFIND /healthz HTTP/1.1"), 405);
  }

  @Test
  void aMillionCharacterNameIsNotEchoed() throws Exception {
    String name = "a".repeat(1_000_000);
    RawHttp.Answer huge = send("GET /api/v1/rollouts/" + name + " HTTP/1.1");
    assertThat(huge.status()).isBetween(400, 499);
    jsonError(huge, huge.status());
    assertThat(huge.body().length()).isLessThan(1_000);

    // A name the server does read is repeated cut short, with an ellipsis.
    String longName = "b".repeat(5_000);
    JsonNode notFound = jsonError(send("GET /api/v1/rollouts/" + longName + " HTTP/1.1"), 404);
    assertThat(notFound.get("error").asString())
        .isEqualTo("no rollout named '" + "b".repeat(100) + "…'");
  }

  @Test
  void echoedFieldsAreCutShortInEveryMessage() throws Exception {
    plane.apply("test.yaml", spec("shine"));
    String junk = "x".repeat(3_000);
    JsonNode verb = jsonError(send("POST /api/v1/rollouts/shine/" + junk + " HTTP/1.1"), 404);
    assertThat(verb.get("error").asString())
        .contains("'" + "x".repeat(100) + "…'")
        .hasSizeLessThan(300);
    JsonNode format =
        jsonError(send("GET /api/v1/rollouts/shine/trail?format=" + junk + " HTTP/1.1"), 400);
    assertThat(format.get("error").asString()).hasSizeLessThan(300);
    JsonNode limit =
        jsonError(send("GET /api/v1/rollouts/shine/trail?limit=" + junk + " HTTP/1.1"), 400);
    assertThat(limit.get("error").asString()).hasSizeLessThan(300);
  }

  @Test
  void aSpecProblemRepeatsTheInputCutShort() throws Exception {
    String longName = "n".repeat(100_000);
    String body = spec("shine").replace("name: shine\n", "name: " + longName + "\n");
    RawHttp.Answer a =
        send(
            "POST /api/v1/rollouts HTTP/1.1",
            "Content-Type: application/yaml\r\nContent-Length: "
                + body.length()
                + "\r\n\r\n"
                + body);
    JsonNode problems = jsonError(a, 400).get("problems");
    assertThat(problems.size()).isPositive();
    for (JsonNode p : problems) {
      assertThat(p.get("message").asString()).hasSizeLessThan(1_100);
      assertThat(p.get("path").asString()).hasSizeLessThan(1_100);
    }
    assertThat(a.body()).hasSizeLessThan(20_000);
  }

  @Test
  void aBodyAnsweredWithoutBeingReadClosesTheConnection() throws Exception {
    // No token: refused before the body is read, half of which has not even been sent.
    RawHttp.Answer a =
        RawHttp.exchange(
            server.port(),
            "POST /api/v1/rollouts HTTP/1.1\r\nHost: localhost\r\nContent-Length: 10\r\n\r\nkind:");
    jsonError(a, 401);
    assertThat(a.header("Connection")).isEqualTo("close");
    assertThat(plane.list()).isEmpty();
  }
}
