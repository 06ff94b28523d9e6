package dev.snailtrail.controller;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.snailtrail.json.Json;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * A controller process with two webhooks, each with its own filter, headers from the environment
 * and a file, and a template, sending the ml-down drill to a real loopback receiver: each receiver
 * path gets what its filter lets through, with its headers and body, and the header values appear
 * nowhere in what the controller prints.
 */
class ControllerWebhookIT {
  private static final String AUTH = "Bearer hook-s3cret-7f3a";
  private static final String KEY = "file-k3y-91c2";

  @TempDir Path dir;
  private HttpServer receiver;

  /** What arrived, as path, Authorization, X-Hook-Key and body. */
  private record Seen(String path, String auth, String key, JsonNode body) {}

  private final List<Seen> seen = new CopyOnWriteArrayList<>();

  @AfterEach
  void cleanUp() throws InterruptedException {
    ControllerProcess.killAll();
    if (receiver != null) {
      receiver.stop(0);
    }
  }

  @Test
  @Timeout(180)
  void eachWebhookGetsWhatItsFilterPassesWithItsHeadersAndNoSecretIsPrinted() throws Exception {
    receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
    receiver.createContext(
        "/",
        ex -> {
          try (ex) {
            JsonNode body = Json.mapper().readTree(ex.getRequestBody().readAllBytes());
            seen.add(
                new Seen(
                    ex.getRequestURI().getPath(),
                    ex.getRequestHeaders().getFirst("Authorization"),
                    ex.getRequestHeaders().getFirst("X-Hook-Key"),
                    body));
            ex.sendResponseHeaders(204, -1);
          }
        });
    receiver.start();
    String base = "http://127.0.0.1:" + receiver.getAddress().getPort();
    Path key = Files.writeString(dir.resolve("hook.key"), KEY + "\n");
    Path template =
        Files.writeString(
            dir.resolve("chat.json"), "{\"text\": \"{{type}} of {{rollout}}: {{message}}\"}");
    Path watch = Files.createDirectories(dir.resolve("watch"));
    Path root = Path.of(System.getProperty("snailtrail.root"));
    Files.writeString(
        watch.resolve("drill.yaml"),
        Files.readString(root.resolve("spec-examples/drills/ml-down.yaml"))
            .replace("      approval: manual\n", ""));

    ControllerProcess controller =
        ControllerProcess.start(
            dir.resolve("store"),
            watch,
            600,
            null,
            null,
            List.of(
                "--webhook", base + "/chat",
                "--webhook-events", "RollbackStarted,PhaseCompleted",
                "--webhook-header", "Authorization=env:HOOK_AUTH",
                "--webhook-template", template.toString(),
                "--webhook", "env:PAGER_URL",
                "--webhook-min-severity", "Warning",
                "--webhook-header", "X-Hook-Key=file:" + key),
            Map.of("HOOK_AUTH", AUTH, "PAGER_URL", base + "/pager"));
    assertThat(controller.awaitStarted(60)).as(controller.output()).isTrue();

    long deadline = System.nanoTime() + 120_000_000_000L;
    while (seen.stream()
            .noneMatch(s -> s.body().path("type").asString().equals("RollbackCompleted"))
        && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    assertThat(controller.terminate()).isZero();

    List<Seen> chat = seen.stream().filter(s -> s.path().equals("/chat")).toList();
    assertThat(chat)
        .extracting(s -> s.body().path("text").asString())
        .containsExactly(
            "PhaseCompleted of shine-api-gateway-drill: Snail has reached the starting line -"
                + " Basic system operational!",
            "PhaseCompleted of shine-api-gateway-drill: Snail has explored the ML landscape -"
                + " Hybrid service operational!",
            "PhaseCompleted of shine-api-gateway-drill: Snail has laid a solid foundation -"
                + " Optimized build operational!",
            "RollbackStarted of shine-api-gateway-drill: Rolling back from victory-lap to"
                + " foundation: "
                + chat.get(3).body().path("text").asString().split("foundation: ", 2)[1]);
    assertThat(chat).allSatisfy(s -> assertThat(s.auth()).isEqualTo(AUTH));
    assertThat(chat).allSatisfy(s -> assertThat(s.key()).isNull());

    List<Seen> pager = seen.stream().filter(s -> s.path().equals("/pager")).toList();
    assertThat(pager)
        .extracting(s -> s.body().path("type").asString())
        .containsExactly("GateFailed", "RollbackStarted", "ServiceUpdated", "RollbackCompleted");
    assertThat(pager).allSatisfy(s -> assertThat(s.key()).isEqualTo(KEY));
    assertThat(pager).allSatisfy(s -> assertThat(s.auth()).isNull());
    assertThat(pager.get(0).body().path("text").asString())
        .startsWith("❌ *shine-api-gateway-drill* · victory-lap — Gate http/0 failed");

    String out = controller.output();
    assertThat(out)
        .contains("trail webhook to 127.0.0.1, PhaseCompleted, RollbackStarted")
        .contains("headers [Authorization] (values hidden)")
        .contains("trail webhook to 127.0.0.1, Warning and above, headers [X-Hook-Key]")
        .doesNotContain(AUTH, "s3cret", KEY, "k3y");
    assertThat(
            Files.readString(
                dir.resolve("store/shine-api-gateway-drill/trail.jsonl"), StandardCharsets.UTF_8))
        .doesNotContain("s3cret", "k3y");
  }
}
