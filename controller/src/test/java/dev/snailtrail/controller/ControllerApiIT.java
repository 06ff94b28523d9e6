package dev.snailtrail.controller;

import static org.assertj.core.api.Assertions.assertThat;

import dev.snailtrail.cli.Main;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole loop a newcomer follows in docs/operations.md: a controller process on the simulator,
 * the CLI applying the story over the HTTP API, approving the manual phase, watching it to Healthy,
 * reading the progress log and the metrics, then SIGTERM. And a spec whose task definition file the
 * controller cannot see, applied from elsewhere, outliving the file and a restart.
 */
class ControllerApiIT {
  private static final String TOKEN = "it-secret-token";
  private static final Path ROOT = Path.of(System.getProperty("snailtrail.root", ".."));

  @TempDir Path dir;
  private String server;

  @AfterEach
  void cleanUp() throws InterruptedException {
    ControllerProcess.killAll();
  }

  @Test
  void theCliDrivesTheStoryThroughTheApiToHealthy() throws Exception {
    Path watch = Files.createDirectories(dir.resolve("watch"));
    ControllerProcess controller = ControllerProcess.start(dir.resolve("store"), watch, 300, TOKEN);
    assertThat(controller.awaitStarted(60)).as(controller.output()).isTrue();
    server = controller.apiUrl();

    Cli apply = cli("apply", "-f", ROOT.resolve("spec-examples/snail-trail.yaml").toString());
    assertThat(apply.exit).as(apply.err).isZero();
    assertThat(apply.out).contains("shine-api-gateway").contains("generation 1");
    assertThat(cli("apply", "-f", ROOT.resolve("spec-examples/snail-trail.yaml").toString()).out)
        .contains("unchanged");

    // Phase 4 waits for a person.
    long deadline = System.nanoTime() + 90_000_000_000L;
    Cli get;
    do {
      Thread.sleep(200);
      get = cli("get", "shine-api-gateway", "-o", "json");
    } while (!get.out.contains("\"AwaitingApproval\"") && System.nanoTime() < deadline);
    assertThat(get.out).as(controller.output()).contains("\"AwaitingApproval\"");

    Cli refused = new Cli(server, null, "approve", "shine-api-gateway");
    assertThat(refused.exit).isEqualTo(1);
    assertThat(refused.err).contains("Unauthorized");

    assertThat(cli("approve", "shine-api-gateway", "--by", "newcomer").exit).isZero();
    Cli status = cli("status", "shine-api-gateway", "--exit-on-terminal", "--interval", "200ms");
    assertThat(status.exit).as(status.out + status.err + controller.output()).isZero();

    Cli trail = cli("trail", "shine-api-gateway", "--format", "md");
    assertThat(trail.out)
        .contains("Snail has reached the starting line")
        .contains("Snail has finished its victory lap")
        .contains("newcomer");

    HttpResponse<String> metrics =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(server + "/metrics"))
                    .header("Authorization", "Bearer " + TOKEN)
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(metrics.statusCode()).isEqualTo(200);
    assertThat(metrics.body())
        .contains("snailtrail_rollout_phase_index{rollout=\"shine-api-gateway\"} 3.0");
    assertThat(controller.output()).doesNotContain(TOKEN);

    assertThat(controller.terminate()).isZero();
  }

  @Test
  void aSpecWhoseFromFileTheControllerCannotSeeIsAppliedInlineAndOutlivesTheFile()
      throws Exception {
    // The controller works in a directory of its own; the spec and its task definition live in
    // another, and the CLI runs in a third (this JVM's).
    Path home = Files.createDirectories(dir.resolve("controller-home"));
    Path watch = Files.createDirectories(dir.resolve("watch"));
    Path specs = Files.createDirectories(dir.resolve("team/specs"));
    Path taskDef = specs.resolve("task-def.json");
    Files.copy(Path.of("src/test/resources/good/task-def.json"), taskDef);
    Path spec = Files.writeString(specs.resolve("shine.yaml"), ControllerTest.FROM_FILE);
    ControllerProcess controller =
        ControllerProcess.start(dir.resolve("store"), watch, 300, TOKEN, home);
    assertThat(controller.awaitStarted(60)).as(controller.output()).isTrue();
    server = controller.apiUrl();

    // Posted as it is, the spec names a file the controller cannot read: a located 400.
    HttpResponse<String> raw =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(server + "/api/v1/rollouts?source=shine.yaml"))
                    .header("Authorization", "Bearer " + TOKEN)
                    .header("Content-Type", "application/yaml")
                    .POST(HttpRequest.BodyPublishers.ofString(ControllerTest.FROM_FILE))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(raw.statusCode()).isEqualTo(400);
    assertThat(raw.body())
        .contains("\"path\":\"spec.template.fromFile\"", "\"line\":8", "template.taskDefinition");

    Cli apply = cli("apply", "-f", spec.toString());
    assertThat(apply.exit).as(apply.err).isZero();
    assertThat(apply.out).isEqualTo("rollout/shine configured (generation 1)\n");
    Files.delete(taskDef);
    Cli status = cli("status", "shine", "--exit-on-terminal", "--interval", "200ms");
    assertThat(status.exit).as(status.out + status.err + controller.output()).isZero();
    assertThat(controller.terminate()).isZero();

    // A new controller has only its store; the file is still gone.
    controller = ControllerProcess.start(dir.resolve("store"), watch, 300, TOKEN, home);
    assertThat(controller.awaitStarted(60)).as(controller.output()).isTrue();
    server = controller.apiUrl();
    Cli get = cli("get", "shine", "-o", "json");
    assertThat(get.out).as(get.err + controller.output()).contains("\"Healthy\"");
    Files.copy(Path.of("src/test/resources/good/task-def.json"), taskDef);
    assertThat(cli("apply", "-f", spec.toString()).out)
        .isEqualTo("rollout/shine unchanged (generation 1)\n");
    assertThat(controller.output()).doesNotContain("failed (retry");
    assertThat(controller.terminate()).isZero();
  }

  private Cli cli(String... args) {
    return new Cli(server, TOKEN, args);
  }

  /** One CLI command run in this JVM, its exit code and output. */
  private static final class Cli {
    final int exit;
    final String out;
    final String err;

    Cli(String server, String token, String... args) {
      String[] full = new String[args.length + (token == null ? 2 : 4)];
      System.arraycopy(args, 0, full, 0, args.length);
      full[args.length] = "--server";
      full[args.length + 1] = server;
      if (token != null) {
        full[args.length + 2] = "--token";
        full[args.length + 3] = token;
      }
      ByteArrayOutputStream o = new ByteArrayOutputStream();
      ByteArrayOutputStream e = new ByteArrayOutputStream();
      PrintStream oldOut = System.out;
      PrintStream oldErr = System.err;
      int code;
      synchronized (Cli.class) {
        try {
          System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
          System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
          code = Main.run(full);
        } finally {
          System.setOut(oldOut);
          System.setErr(oldErr);
        }
      }
      this.exit = code;
      this.out = o.toString(StandardCharsets.UTF_8);
      this.err = e.toString(StandardCharsets.UTF_8);
    }
  }
}
