package dev.snailtrail.api;

import static dev.snailtrail.api.ApiFixtures.TOKEN;
import static dev.snailtrail.api.ApiFixtures.event;
import static dev.snailtrail.api.ApiFixtures.spec;
import static org.assertj.core.api.Assertions.assertThat;

import dev.snailtrail.controller.ControlPlane;
import dev.snailtrail.json.Json;
import dev.snailtrail.rollout.StatusPhase;
import dev.snailtrail.trail.EventType;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class ApiServerIT {
  private final FakeControlPlane plane = new FakeControlPlane();
  private final HttpClient http = HttpClient.newHttpClient();
  private ApiServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  private void start(ApiServer.Settings settings) {
    server = new ApiServer(plane, settings).start();
  }

  private static ApiServer.Settings settings(String token) {
    return new ApiServer.Settings(
        new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), token);
  }

  private HttpResponse<String> call(String method, String path, String body, String token)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    if (body != null) {
      b.header(
          "Content-Type",
          path.startsWith("/api/v1/rollouts/") ? "application/json" : "application/yaml");
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static JsonNode json(HttpResponse<String> r) {
    return Json.mapper().readTree(r.body());
  }

  private void applied(String name) throws Exception {
    plane.apply("test.yaml", spec(name));
  }

  @Test
  void everyMutationNeedsTheRightToken() throws Exception {
    start(settings(TOKEN).withOpenReads(true));
    applied("shine");
    List<String[]> mutations =
        List.of(
            new String[] {"POST", "/api/v1/rollouts", spec("other")},
            new String[] {"DELETE", "/api/v1/rollouts/shine", null},
            new String[] {"POST", "/api/v1/rollouts/shine/pause", null},
            new String[] {"POST", "/api/v1/rollouts/shine/approve", null},
            new String[] {"POST", "/api/v1/rollouts/shine/undo", "{\"by\":\"mallory\"}"},
            new String[] {"POST", "/api/v1/rollouts/shine/notes", "{\"text\":\"all fine\"}"});
    for (String[] m : mutations) {
      for (String token : new String[] {null, "wrong", TOKEN + "x", ""}) {
        HttpResponse<String> r = call(m[0], m[1], m[2], token);
        assertThat(r.statusCode()).as(m[0] + " " + m[1] + " with " + token).isEqualTo(401);
        assertThat(r.headers().firstValue("WWW-Authenticate"))
            .get()
            .asString()
            .startsWith("Bearer");
        assertThat(r.body()).doesNotContain(TOKEN);
      }
    }
    assertThat(plane.list()).extracting(ControlPlane.RolloutView::name).containsExactly("shine");
    assertThat(plane.get("shine").orElseThrow().status().phase())
        .isEqualTo(StatusPhase.Progressing);
    assertThat(call("POST", "/api/v1/rollouts/shine/pause", null, TOKEN).statusCode())
        .isEqualTo(200);
  }

  @Test
  void readsAreOpenOnlyWhenConfiguredSo() throws Exception {
    start(settings(TOKEN).withOpenReads(true));
    applied("shine");
    assertThat(call("GET", "/api/v1/rollouts", null, null).statusCode()).isEqualTo(200);
    assertThat(call("GET", "/api/v1/rollouts/shine", null, null).statusCode()).isEqualTo(200);
    assertThat(call("GET", "/api/v1/rollouts/shine/trail", null, null).statusCode()).isEqualTo(200);
    server.close();

    start(settings(TOKEN));
    assertThat(call("GET", "/api/v1/rollouts", null, null).statusCode()).isEqualTo(401);
    assertThat(call("GET", "/api/v1/rollouts/shine", null, "wrong").statusCode()).isEqualTo(401);
    assertThat(call("GET", "/api/v1/rollouts/shine", null, TOKEN).statusCode()).isEqualTo(200);
    assertThat(call("GET", "/healthz", null, null).statusCode()).isEqualTo(200);
  }

  @Test
  void withoutAConfiguredTokenMutationsAreRefusedSayingSo() throws Exception {
    start(settings(null).withOpenReads(true));
    HttpResponse<String> r = call("POST", "/api/v1/rollouts", spec("shine"), "anything");
    assertThat(r.statusCode()).isEqualTo(401);
    assertThat(json(r).get("error").asString()).contains("no API token is configured");
    assertThat(plane.list()).isEmpty();
  }

  @Test
  void aBodyOverTheLimitIs413AndNothingIsStored() throws Exception {
    start(settings(TOKEN).withMaxBodyBytes(2048));
    String big = spec("shine") + "#" + "x".repeat(4096) + "\n";
    HttpResponse<String> r = call("POST", "/api/v1/rollouts", big, TOKEN);
    assertThat(r.statusCode()).isEqualTo(413);
    assertThat(json(r).get("error").asString()).contains("2048 bytes");
    assertThat(plane.list()).isEmpty();
    assertThat(call("POST", "/api/v1/rollouts", spec("shine"), TOKEN).statusCode()).isEqualTo(200);
  }

  @Test
  void anInvalidSpecIs400WithLocatedProblemsAndNothingStored() throws Exception {
    start(settings(TOKEN));
    String bad =
        spec("shine")
            .replace("port: 5000", "port: 500000")
            .replace("    - name: exploration", "    - name: first-steps");
    HttpResponse<String> r = call("POST", "/api/v1/rollouts?source=shine.yaml", bad, TOKEN);
    assertThat(r.statusCode()).isEqualTo(400);
    JsonNode problems = json(r).get("problems");
    assertThat(problems.size()).isGreaterThanOrEqualTo(2);
    JsonNode port = problems.get(0);
    assertThat(port.get("source").asString()).isEqualTo("shine.yaml");
    assertThat(port.get("line").asInt()).isEqualTo(13);
    assertThat(port.get("column").asInt()).isPositive();
    assertThat(port.get("path").asString()).isEqualTo("spec.template.port");
    assertThat(port.get("message").asString()).contains("500000");

    HttpResponse<String> syntax = call("POST", "/api/v1/rollouts", "kind: [Rollout\n", TOKEN);
    assertThat(syntax.statusCode()).isEqualTo(400);
    assertThat(json(syntax).get("problems").get(0).get("source").asString()).isEqualTo("request");
    assertThat(plane.list()).isEmpty();
  }

  @Test
  void jsonBodiesApplyToo() throws Exception {
    start(settings(TOKEN));
    Object tree =
        new org.snakeyaml.engine.v2.api.Load(
                org.snakeyaml.engine.v2.api.LoadSettings.builder().build())
            .loadFromString(spec("shine"));
    HttpResponse<String> r =
        call("POST", "/api/v1/rollouts", Json.mapper().writeValueAsString(tree), TOKEN);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(plane.get("shine")).isPresent();
  }

  @Test
  void applyingTheSameSpecTwiceChangesNothing() throws Exception {
    start(settings(TOKEN));
    JsonNode first =
        json(call("POST", "/api/v1/rollouts", spec("shine"), TOKEN)).get("applied").get(0);
    assertThat(first.get("name").asString()).isEqualTo("shine");
    assertThat(first.get("generation").asLong()).isEqualTo(1);
    assertThat(first.get("changed").asBoolean()).isTrue();
    JsonNode again =
        json(call("POST", "/api/v1/rollouts", spec("shine"), TOKEN)).get("applied").get(0);
    assertThat(again.get("generation").asLong()).isEqualTo(1);
    assertThat(again.get("changed").asBoolean()).isFalse();
    JsonNode changed =
        json(call("POST", "/api/v1/rollouts", spec("shine", "hybrid-v2", 2), TOKEN))
            .get("applied")
            .get(0);
    assertThat(changed.get("generation").asLong()).isEqualTo(2);
    assertThat(changed.get("changed").asBoolean()).isTrue();
  }

  @Test
  void listAndGetShowSpecStatusAndVersions() throws Exception {
    start(settings(TOKEN));
    applied("shine");
    applied("hello");
    JsonNode items = json(call("GET", "/api/v1/rollouts", null, TOKEN)).get("items");
    assertThat(items.size()).isEqualTo(2);
    assertThat(items.get(0).get("name").asString()).isEqualTo("shine");
    assertThat(items.get(0).get("phase").asString()).isEqualTo("Progressing");
    assertThat(items.get(0).get("step").asString()).isEqualTo("Deploying");
    assertThat(items.get(0).get("generation").asLong()).isEqualTo(1);
    assertThat(items.get(0).has("progress")).isTrue();
    assertThat(items.get(0).get("currentPhase").has("index")).isTrue();

    JsonNode one = json(call("GET", "/api/v1/rollouts/shine", null, TOKEN));
    assertThat(one.get("spec").asString()).contains("name: shine").contains("desiredCount: 2");
    assertThat(one.get("status").get("phase").asString()).isEqualTo("Progressing");
    assertThat(one.get("resourceVersion").asLong()).isEqualTo(1);
    assertThat(one.get("phases").toString()).isEqualTo("[\"first-steps\",\"exploration\"]");
    // the client reads back exactly what the server wrote
    Resources.Detail typed =
        new ApiClient(new ClientConfig(URI.create("http://127.0.0.1:" + server.port()), TOKEN))
            .get("shine");
    assertThat(typed.status()).isEqualTo(plane.get("shine").orElseThrow().status());
  }

  @Test
  void unknownRolloutsAre404Everywhere() throws Exception {
    start(settings(TOKEN));
    assertThat(call("GET", "/api/v1/rollouts/nope", null, TOKEN).statusCode()).isEqualTo(404);
    assertThat(call("GET", "/api/v1/rollouts/nope/trail", null, TOKEN).statusCode()).isEqualTo(404);
    assertThat(call("GET", "/api/v1/rollouts/nope/trail?format=md", null, TOKEN).statusCode())
        .isEqualTo(404);
    assertThat(call("DELETE", "/api/v1/rollouts/nope", null, TOKEN).statusCode()).isEqualTo(404);
    for (ControlPlane.Verb v : RolloutRoutes.pathVerbs()) {
      HttpResponse<String> r = call("POST", "/api/v1/rollouts/nope/" + v, null, TOKEN);
      assertThat(r.statusCode()).as(v.name()).isEqualTo(404);
      assertThat(json(r).get("error").asString()).isEqualTo("no rollout named 'nope'");
    }
    applied("shine");
    HttpResponse<String> verb = call("POST", "/api/v1/rollouts/shine/explode", null, TOKEN);
    assertThat(verb.statusCode()).isEqualTo(404);
    assertThat(json(verb).get("error").asString()).contains("approve, promote, pause");
    assertThat(call("GET", "/api/v2/things", null, TOKEN).statusCode()).isEqualTo(404);
  }

  @Test
  void deleteRemovesTheRollout() throws Exception {
    start(settings(TOKEN));
    applied("shine");
    assertThat(call("DELETE", "/api/v1/rollouts/shine", null, TOKEN).statusCode()).isEqualTo(200);
    assertThat(plane.get("shine")).isEmpty();
  }

  @Test
  void aRefusedVerbIs409WithTheReason() throws Exception {
    start(settings(TOKEN));
    applied("shine");
    HttpResponse<String> r = call("POST", "/api/v1/rollouts/shine/approve", null, TOKEN);
    assertThat(r.statusCode()).isEqualTo(409);
    assertThat(json(r).get("error").asString()).startsWith("nothing awaits approval");
  }

  @Test
  void aNoteIsRecordedInTheTrailByWhoWroteItAndChangesNothingElse() throws Exception {
    start(settings(TOKEN));
    applied("shine");
    HttpResponse<String> r =
        call(
            "POST",
            "/api/v1/rollouts/shine/notes",
            "{\"text\": \"Roll phase 4 in the quiet hour\", \"kind\": \"decision\","
                + " \"by\": \"alice\"}",
            TOKEN);
    assertThat(r.statusCode()).isEqualTo(201);
    assertThat(json(r).get("type").asString()).isEqualTo("Note");
    assertThat(json(r).get("message").asString())
        .isEqualTo("Decision by alice: Roll phase 4 in the quiet hour");
    HttpResponse<String> plain =
        call("POST", "/api/v1/rollouts/shine/notes", "{\"text\": \"looked fine\"}", TOKEN);
    assertThat(json(plain).get("data").get("kind").asString()).isEqualTo("note");
    assertThat(json(plain).get("data").get("by").asString()).isEqualTo("api");
    assertThat(plane.trail("shine", 0, 10))
        .extracting(e -> e.type() + " " + e.data().get("kind") + " " + e.data().get("text"))
        .containsExactly("Note decision Roll phase 4 in the quiet hour", "Note note looked fine");
    assertThat(plane.get("shine").orElseThrow().status().phase())
        .isEqualTo(StatusPhase.Progressing);
  }

  @Test
  void aNoteWithoutTextOrOfAnUnknownKindIsRefusedAndNothingIsRecorded() throws Exception {
    start(settings(TOKEN));
    applied("shine");
    String[][] bad = {
      {"", "the body of a note is JSON like"},
      {"{}", "a note needs 'text'"},
      {"{\"text\": \"  \"}", "a note needs 'text'"},
      {"{\"text\": \"one\\ntwo\"}", "on one line"},
      {"{\"text\": \"" + "x".repeat(1001) + "\"}", "at most 1000 characters"},
      {"{\"text\": \"ok\", \"kind\": \"rant\"}", "note, decision, lesson, challenge"},
      {"[\"text\"]", "the body of a note is JSON like"},
    };
    for (String[] b : bad) {
      HttpResponse<String> r = call("POST", "/api/v1/rollouts/shine/notes", b[0], TOKEN);
      assertThat(r.statusCode()).as(b[0]).isEqualTo(400);
      assertThat(json(r).get("error").asString()).as(b[0]).contains(b[1]);
    }
    assertThat(plane.trail("shine", 0, 10)).isEmpty();
    HttpResponse<String> missing =
        call("POST", "/api/v1/rollouts/nope/notes", "{\"text\": \"hello\"}", TOKEN);
    assertThat(missing.statusCode()).isEqualTo(404);
    assertThat(call("GET", "/api/v1/rollouts/shine/notes", null, TOKEN).statusCode())
        .isEqualTo(405);
  }

  @Test
  void aVerbRecordsWhoAskedAndAnswersWithTheRollout() throws Exception {
    start(settings(TOKEN));
    applied("shine");
    HttpResponse<String> r =
        call("POST", "/api/v1/rollouts/shine/pause", "{\"by\": \"alice\"}", TOKEN);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(json(r).get("status").get("phase").asString()).isEqualTo("Paused");
    HttpResponse<String> resumed = call("POST", "/api/v1/rollouts/shine/resume", null, TOKEN);
    assertThat(json(resumed).get("status").get("message").asString()).isEqualTo("resumed by api");
    assertThat(plane.trail("shine", 0, 10))
        .extracting(e -> e.message())
        .containsExactly("Paused by alice", "Resumed by api");
    assertThat(call("POST", "/api/v1/rollouts/shine/pause", "{by: alice", TOKEN).statusCode())
        .isEqualTo(400);
  }

  @Test
  void theTrailComesAsJsonTextOrMarkdownAndPages() throws Exception {
    start(settings(TOKEN));
    applied("shine");
    plane.record(
        "shine",
        event("shine", 1, EventType.RolloutStarted, "Rollout started"),
        event("shine", 2, EventType.PhaseStarted, "Phase first-steps started"),
        event(
            "shine", 3, EventType.TaskDefinitionRegistered, "Task definition shine:12 registered"));
    JsonNode all = json(call("GET", "/api/v1/rollouts/shine/trail", null, TOKEN));
    assertThat(all.size()).isEqualTo(3);
    assertThat(all.get(0).get("id").asString()).isEqualTo("shine/1/1");
    JsonNode page = json(call("GET", "/api/v1/rollouts/shine/trail?after=1&limit=1", null, TOKEN));
    assertThat(page.size()).isEqualTo(1);
    assertThat(page.get(0).get("id").asString()).isEqualTo("shine/1/3");

    HttpResponse<String> text =
        call("GET", "/api/v1/rollouts/shine/trail?format=text&plain=true", null, TOKEN);
    assertThat(text.headers().firstValue("Content-Type")).get().asString().startsWith("text/plain");
    assertThat(text.body().lines())
        .hasSize(3)
        .last()
        .asString()
        .contains("[NOV 23]")
        .contains("Task definition shine:12 registered")
        .doesNotContain("🐌");

    HttpResponse<String> md = call("GET", "/api/v1/rollouts/shine/trail?format=md", null, TOKEN);
    assertThat(md.headers().firstValue("Content-Type"))
        .get()
        .asString()
        .startsWith("text/markdown");
    assertThat(md.body())
        .startsWith("# 🐌 shine — progress log")
        .contains("**Status:** 🔄 Progressing")
        .contains("## Phase completion");

    assertThat(call("GET", "/api/v1/rollouts/shine/trail?format=xml", null, TOKEN).statusCode())
        .isEqualTo(400);
    assertThat(call("GET", "/api/v1/rollouts/shine/trail?limit=0", null, TOKEN).statusCode())
        .isEqualTo(400);
    assertThat(call("GET", "/api/v1/rollouts/shine/trail?after=x", null, TOKEN).statusCode())
        .isEqualTo(400);
  }

  @Test
  void wrongMethodsAre405() throws Exception {
    start(settings(TOKEN));
    HttpResponse<String> r = call("PUT", "/api/v1/rollouts", "x", TOKEN);
    assertThat(r.statusCode()).isEqualTo(405);
    assertThat(r.headers().firstValue("Allow")).contains("GET, POST");
    assertThat(call("GET", "/api/v1/rollouts/shine/pause", null, TOKEN).statusCode())
        .isEqualTo(405);
    assertThat(call("POST", "/healthz", null, null).statusCode()).isEqualTo(405);
  }

  @Test
  void probesAnswerWithoutAToken() throws Exception {
    start(settings(TOKEN));
    assertThat(call("GET", "/healthz", null, null).statusCode()).isEqualTo(200);
    assertThat(call("GET", "/readyz", null, null).statusCode()).isEqualTo(200);
    plane.health(new ControlPlane.Health(true, false, "ECS does not answer: throttled"));
    HttpResponse<String> r = call("GET", "/readyz", null, null);
    assertThat(r.statusCode()).isEqualTo(503);
    assertThat(r.body()).contains("ECS does not answer: throttled");
    assertThat(call("GET", "/healthz", null, null).statusCode()).isEqualTo(200);
  }

  @Test
  void metricsComeFromTheSupplier() throws Exception {
    start(
        settings(TOKEN).withOpenReads(true).withMetrics(() -> "snailtrail_workqueue_depth 3.0\n"));
    HttpResponse<String> r = call("GET", "/metrics", null, null);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type"))
        .get()
        .asString()
        .startsWith("text/plain; version=0.0.4");
    assertThat(r.body()).isEqualTo("snailtrail_workqueue_depth 3.0\n");
    server.close();
    start(settings(TOKEN).withOpenReads(true));
    assertThat(call("GET", "/metrics", null, null).statusCode()).isEqualTo(404);
  }

  @Test
  void aFullPromotionIsPromoteWithFullTrue() throws Exception {
    start(settings(TOKEN));
    applied("shine");
    HttpResponse<String> full =
        call("POST", "/api/v1/rollouts/shine/promote", "{\"by\":\"frank\",\"full\":true}", TOKEN);
    assertThat(full.statusCode()).isEqualTo(409);
    assertThat(json(full).get("error").asString())
        .startsWith("promote --full applies to a rollout moving forward: the controller has not");
    HttpResponse<String> other =
        call("POST", "/api/v1/rollouts/shine/pause", "{\"full\":true}", TOKEN);
    assertThat(other.statusCode()).isEqualTo(400);
    assertThat(json(other).get("error").asString()).isEqualTo("'full' applies to promote only");
    HttpResponse<String> notBoolean =
        call("POST", "/api/v1/rollouts/shine/promote", "{\"full\":\"yes\"}", TOKEN);
    assertThat(notBoolean.statusCode()).isEqualTo(400);
    assertThat(call("POST", "/api/v1/rollouts/shine/promoteFull", null, TOKEN).statusCode())
        .isEqualTo(404);
  }

  @Test
  void theStatusPageIsAStaticPageThatRunsOnlyItsOwnScript() throws Exception {
    start(settings(TOKEN));
    applied("shine");
    // Reads are closed, yet the page is served: it has no data in it, only the code that asks.
    HttpResponse<String> r = call("GET", "/", null, null);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type")).get().asString().startsWith("text/html");
    assertThat(r.body()).startsWith("<!DOCTYPE html>").doesNotContain("shine");
    assertThat(r.body()).doesNotContain("http://").doesNotContain("https://");
    String policy = r.headers().firstValue("Content-Security-Policy").orElseThrow();
    assertThat(policy)
        .startsWith("default-src 'none'; script-src 'sha256-")
        .contains("connect-src 'self'")
        .contains("frame-ancestors 'none'")
        .doesNotContain("unsafe-inline");
    assertThat(r.headers().firstValue("X-Frame-Options")).contains("DENY");
    assertThat(call("GET", "/", null, null).body()).isEqualTo(r.body());
    assertThat(call("POST", "/", null, TOKEN).statusCode()).isEqualTo(405);
  }

  @Test
  void settingsNeverShowTheToken() {
    assertThat(settings(TOKEN).toString()).doesNotContain(TOKEN).contains("token=(set)");
  }
}
