package dev.snailtrail.api;

import static dev.snailtrail.api.ApiFixtures.TOKEN;
import static dev.snailtrail.api.ApiFixtures.spec;
import static org.assertj.core.api.Assertions.assertThat;

import dev.snailtrail.json.Json;
import dev.snailtrail.rollout.StatusPhase;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What a page of another site can make a browser send to the controller, even a browser that holds
 * the token: every such change is refused before it reaches a rollout.
 */
class ApiCrossSiteIT {
  private final FakeControlPlane plane = new FakeControlPlane();
  private final HttpClient http = HttpClient.newHttpClient();
  private ApiServer server;

  @BeforeEach
  void start() throws Exception {
    server =
        new ApiServer(
                plane,
                new ApiServer.Settings(
                    new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), TOKEN))
            .start();
    plane.apply("test.yaml", spec("shine"));
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private HttpResponse<String> post(String path, String body, Map<String, String> headers)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
            .header("Authorization", "Bearer " + TOKEN)
            .POST(
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    headers.forEach(b::header);
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private String error(HttpResponse<String> r) {
    return Json.mapper().readTree(r.body()).get("error").asString();
  }

  private StatusPhase phase() {
    return plane.get("shine").orElseThrow().status().phase();
  }

  @Test
  void aVerbABrowserSendsForAnotherSiteIsRefusedWithTheTokenAndAll() throws Exception {
    for (String site : new String[] {"cross-site", "same-site"}) {
      HttpResponse<String> r =
          post(
              "/api/v1/rollouts/shine/pause",
              "{\"by\":\"mallory\"}",
              Map.of("Content-Type", "application/json", "Sec-Fetch-Site", site));
      assertThat(r.statusCode()).as(site).isEqualTo(403);
      assertThat(error(r)).contains("Sec-Fetch-Site: " + site);
    }
    // An older browser, without Sec-Fetch-Site: the Origin decides.
    HttpResponse<String> r =
        post("/api/v1/rollouts/shine/pause", null, Map.of("Origin", "https://attacker.example"));
    assertThat(r.statusCode()).isEqualTo(403);
    assertThat(error(r)).contains("another origin (https://attacker.example)");
    // A sandboxed frame or a file: page.
    assertThat(post("/api/v1/rollouts/shine/pause", null, Map.of("Origin", "null")).statusCode())
        .isEqualTo(403);
    assertThat(phase()).isEqualTo(StatusPhase.Progressing);
    assertThat(plane.trail("shine", 0, 10)).isEmpty();
  }

  @Test
  void theControllersOwnPageMayChangeARollout() throws Exception {
    String self = "http://127.0.0.1:" + server.port();
    HttpResponse<String> r =
        post(
            "/api/v1/rollouts/shine/pause",
            "{\"by\":\"alice\"}",
            Map.of(
                "Content-Type",
                "application/json",
                "Sec-Fetch-Site",
                "same-origin",
                "Origin",
                self));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(phase()).isEqualTo(StatusPhase.Paused);
    // Without Sec-Fetch-Site, an Origin naming the controller's own address passes too.
    HttpResponse<String> resumed =
        post("/api/v1/rollouts/shine/resume", null, Map.of("Origin", self));
    assertThat(resumed.statusCode()).as(resumed.body()).isEqualTo(200);
    assertThat(phase()).isEqualTo(StatusPhase.Progressing);
  }

  @Test
  void aBodyAFormOrASimpleRequestCouldSendIsRefused() throws Exception {
    for (String type :
        new String[] {
          "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "text/plain"
        }) {
      HttpResponse<String> r =
          post("/api/v1/rollouts/shine/pause", "by=mallory", Map.of("Content-Type", type));
      assertThat(r.statusCode()).as(type).isEqualTo(415);
      assertThat(error(r)).contains("send Content-Type: application/json");
    }
    HttpResponse<String> note =
        post(
            "/api/v1/rollouts/shine/notes",
            "{\"text\":\"from another site\"}",
            Map.of("Content-Type", "text/plain"));
    assertThat(note.statusCode()).isEqualTo(415);
    assertThat(plane.trail("shine", 0, 10)).isEmpty();
    HttpResponse<String> untyped = post("/api/v1/rollouts/shine/pause", "{}", Map.of());
    assertThat(untyped.statusCode()).isEqualTo(415);
    assertThat(error(untyped)).startsWith("a body without a Content-Type is refused here");
    HttpResponse<String> apply =
        post("/api/v1/rollouts", spec("other"), Map.of("Content-Type", "text/plain"));
    assertThat(apply.statusCode()).isEqualTo(415);
    assertThat(error(apply)).contains("application/yaml");
    assertThat(plane.get("other")).isEmpty();
    assertThat(phase()).isEqualTo(StatusPhase.Progressing);

    assertThat(
            post("/api/v1/rollouts", spec("other"), Map.of("Content-Type", "application/yaml"))
                .statusCode())
        .isEqualTo(200);
    assertThat(
            post(
                    "/api/v1/rollouts/shine/pause",
                    "{\"by\":\"alice\"}",
                    Map.of("Content-Type", "application/json; charset=utf-8"))
                .statusCode())
        .isEqualTo(200);
  }
}
