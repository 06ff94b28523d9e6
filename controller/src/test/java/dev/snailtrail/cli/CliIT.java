package dev.snailtrail.cli;

import static dev.snailtrail.api.ApiFixtures.TOKEN;
import static dev.snailtrail.api.ApiFixtures.event;
import static dev.snailtrail.api.ApiFixtures.spec;
import static org.assertj.core.api.Assertions.assertThat;

import dev.snailtrail.api.ApiServer;
import dev.snailtrail.api.FakeControlPlane;
import dev.snailtrail.json.Json;
import dev.snailtrail.rollout.PhaseRef;
import dev.snailtrail.rollout.StatusPhase;
import dev.snailtrail.rollout.Step;
import dev.snailtrail.trail.EventType;
import dev.snailtrail.trail.TrailEvent;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import tools.jackson.databind.JsonNode;

/** The CLI's commands against a real API server on loopback. */
class CliIT {
  @TempDir Path dir;

  private final FakeControlPlane plane = new FakeControlPlane();
  private ApiServer server;
  private StringWriter out;
  private StringWriter err;

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

  private int run(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.add("--server=http://127.0.0.1:" + server.port());
    if (all.stream().noneMatch(a -> a.startsWith("--token"))) {
      all.add("--token=" + TOKEN);
    }
    return runRaw(all.toArray(String[]::new));
  }

  private int runRaw(String... args) {
    out = new StringWriter();
    err = new StringWriter();
    CommandLine cli = Main.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    return cli.execute(args);
  }

  private Path file(String name, String text) throws Exception {
    Path p = dir.resolve(name);
    Files.writeString(p, text);
    return p;
  }

  private void applied(String name) throws Exception {
    plane.apply("test.yaml", spec(name));
  }

  @Test
  void applySaysConfiguredThenUnchanged() throws Exception {
    Path f = file("shine.yaml", spec("shine"));
    assertThat(run("apply", "-f", f.toString())).isZero();
    assertThat(out.toString()).isEqualTo("rollout/shine configured (generation 1)\n");
    assertThat(run("apply", "-f", f.toString())).isZero();
    assertThat(out.toString()).isEqualTo("rollout/shine unchanged (generation 1)\n");
    Files.writeString(f, spec("shine", "hybrid-v2", 2));
    assertThat(run("apply", "-f", f.toString())).isZero();
    assertThat(out.toString()).isEqualTo("rollout/shine configured (generation 2)\n");
  }

  @Test
  void applyValidatesLocallyAndSendsNothingWhenAFileIsInvalid() throws Exception {
    Path good = file("good.yaml", spec("good"));
    Path bad = file("bad.yaml", spec("bad").replace("port: 5000", "port: 500000"));
    assertThat(run("apply", "-f", good.toString(), "-f", bad.toString())).isEqualTo(1);
    assertThat(err.toString()).contains(bad + ":13:").contains("spec.template.port");
    assertThat(out.toString()).isEmpty();
    assertThat(plane.list()).isEmpty();
  }

  @Test
  void applyReadsFromFileWhereTheSpecIsAndSendsTheTaskDefinitionInline() throws Exception {
    // The API refuses a fromFile (the fake plane, like the controller, reads no files), so a
    // spec that arrives must carry its task definition.
    Path specs = Files.createDirectories(dir.resolve("elsewhere/specs"));
    Path taskDef = specs.resolve("td/task-def.json");
    Files.createDirectories(taskDef.getParent());
    Files.copy(Path.of("src/test/resources/good/task-def.json"), taskDef);
    Path f =
        file(
            "elsewhere/specs/shine.yaml",
            spec("shine")
                .replace(
                    "    family: shine\n    container: api\n    port: 5000\n",
                    "    fromFile: td/task-def.json\n"));
    assertThat(f).content().contains("fromFile");

    assertThat(run("apply", "-f", f.toString())).as(err.toString()).isZero();
    assertThat(out.toString()).isEqualTo("rollout/shine configured (generation 1)\n");
    assertThat(plane.get("shine").orElseThrow().spec().spec().template().fromFile().json())
        .contains("\"family\":\"shine-api-gateway\"", "\"revision\":8");

    // The file is gone: the applied rollout is not affected, and a new apply says where it was.
    Files.delete(taskDef);
    assertThat(run("apply", "-f", f.toString())).isEqualTo(1);
    assertThat(err.toString())
        .contains(f + ":11:15: spec.template.fromFile: ")
        .contains(taskDef.toAbsolutePath() + ": no such file");
    assertThat(plane.get("shine").orElseThrow().generation()).isEqualTo(1);
    assertThat(plane.get("shine").orElseThrow().spec().spec().template().fromFile()).isNotNull();
  }

  @Test
  void getPrintsATableWideAndJson() throws Exception {
    applied("shine");
    applied("hello");
    plane.status(
        "shine",
        s ->
            s.toBuilder()
                .step(Step.Analyzing)
                .currentPhase(new PhaseRef(1, "exploration"))
                .stablePhase(new PhaseRef(0, "first-steps"))
                .progress(62)
                .message("waiting for ecsTasks/0")
                .build());
    assertThat(run("get")).isZero();
    List<String> lines = out.toString().lines().toList();
    assertThat(lines.get(0)).matches("NAME +PHASE +STEP +CURRENT +PROGRESS +GENERATION");
    assertThat(lines.get(1)).matches("shine +Progressing +Analyzing +exploration +62% +1");
    assertThat(lines.get(2)).matches("hello +Progressing +Deploying +- +0% +1");

    assertThat(run("get", "shine", "-o", "wide")).isZero();
    assertThat(out.toString().lines().toList().get(0)).matches(".* +STABLE +MESSAGE");
    assertThat(out.toString().lines().toList().get(1))
        .matches("shine .* +first-steps +waiting for ecsTasks/0");

    assertThat(run("get", "-o", "json")).isZero();
    JsonNode list = Json.mapper().readTree(out.toString());
    assertThat(list.get("items").size()).isEqualTo(2);
    assertThat(list.get("items").get(0).get("progress").asInt()).isEqualTo(62);

    assertThat(run("get", "shine", "-o", "json")).isZero();
    JsonNode one = Json.mapper().readTree(out.toString());
    assertThat(one.get("name").asString()).isEqualTo("shine");
    assertThat(one.get("status").get("currentPhase").get("name").asString())
        .isEqualTo("exploration");

    assertThat(run("get", "shine", "-o", "yaml")).isZero();
    assertThat(out.toString())
        .startsWith("apiVersion: snailtrail.dev/v1")
        .contains("\nstatus:\n")
        .contains("  progress: 62");
  }

  @Test
  void getOfAnUnknownRolloutExitsOne() {
    assertThat(run("get", "nope")).isEqualTo(1);
    assertThat(err.toString()).contains("NotFound").contains("no rollout named 'nope'");
  }

  @Test
  void statusDrawsTheTrailOfPhases() throws Exception {
    applied("shine");
    plane.status(
        "shine",
        s ->
            s.toBuilder()
                .step(Step.Analyzing)
                .currentPhase(new PhaseRef(1, "exploration"))
                .stablePhase(new PhaseRef(0, "first-steps"))
                .progress(50)
                .build());
    plane.record("shine", event("shine", 1, EventType.GatePassed, "Gate ecsTasks/0 passed"));
    assertThat(run("status", "shine")).isZero();
    assertThat(out.toString())
        .contains("rollout/shine   Progressing · Analyzing")
        .contains("✓ first-steps")
        .contains("▶ exploration   Analyzing")
        .contains("[" + "█".repeat(15) + "░".repeat(15) + "] 50%")
        .contains("Gate ecsTasks/0 passed");
  }

  @Test
  void statusExitOnTerminalExitsZeroWhenHealthyAndOneWhenDegraded() throws Exception {
    applied("shine");
    plane.status(
        "shine",
        s ->
            s.toBuilder()
                .phase(StatusPhase.Healthy)
                .step(Step.Done)
                .currentPhase(new PhaseRef(1, "exploration"))
                .progress(100)
                .build());
    assertThat(run("status", "shine", "--exit-on-terminal")).isZero();
    assertThat(out.toString()).contains("✓ exploration").contains("100%");

    plane.status(
        "shine",
        s ->
            s.toBuilder()
                .phase(StatusPhase.Degraded)
                .step(Step.Done)
                .failedPhase(new PhaseRef(1, "exploration"))
                .stablePhase(new PhaseRef(0, "first-steps"))
                .build());
    assertThat(run("status", "shine", "--exit-on-terminal")).isEqualTo(1);
    assertThat(out.toString()).contains("✗ exploration").contains("✓ first-steps");
  }

  @Test
  void statusWatchPrintsANewBlockWhenSomethingChangesAndStopsWhenSettled() throws Exception {
    applied("shine");
    AtomicInteger looks = new AtomicInteger();
    plane.afterGet(
        () -> {
          int n = looks.incrementAndGet();
          if (n == 2) {
            plane.status("shine", s -> s.toBuilder().progress(40).build());
          } else if (n == 4) {
            plane.status("shine", s -> s.toBuilder().phase(StatusPhase.Healthy).build());
          }
        });
    assertThat(run("status", "shine", "--exit-on-terminal", "--interval", "1ms")).isZero();
    // looks 1..5: progress 0, 40, 40 (unchanged, not printed), Healthy
    assertThat(out.toString().split("rollout/shine ", -1)).hasSize(4);
  }

  @Test
  void verbsAnswerWithTheRolloutOrTheRefusal() throws Exception {
    applied("shine");
    assertThat(run("pause", "shine", "--by", "alice")).isZero();
    assertThat(out.toString()).startsWith("rollout/shine paused: Paused");
    assertThat(plane.trail("shine", 0, 10).get(0).message()).isEqualTo("Paused by alice");
    assertThat(run("approve", "shine")).isEqualTo(1);
    assertThat(err.toString()).startsWith("Error from server (Conflict): nothing awaits approval");
    assertThat(run("resume", "nope")).isEqualTo(1);
  }

  @Test
  void noteWritesAPersonsNoteOfItsKindIntoTheTrail() throws Exception {
    applied("shine");
    assertThat(
            run(
                "note",
                "shine",
                "Roll phase 4 in the quiet hour",
                "--kind",
                "decision",
                "--by",
                "alice"))
        .isZero();
    assertThat(out.toString()).isEqualTo("rollout/shine decision noted (shine/1/1)\n");
    assertThat(run("note", "shine", "nothing odd so far")).isZero();
    assertThat(plane.trail("shine", 0, 10))
        .extracting(TrailEvent::message)
        .containsExactly(
            "Decision by alice: Roll phase 4 in the quiet hour",
            "Note by " + System.getProperty("user.name") + ": nothing odd so far");
    assertThat(run("note", "shine", "x", "--kind", "rant")).isEqualTo(2);
    assertThat(run("note", "shine", " ")).isEqualTo(1);
    assertThat(err.toString()).startsWith("Error from server (BadRequest): a note needs 'text'");
    assertThat(run("note", "nope", "hello")).isEqualTo(1);
    assertThat(plane.trail("shine", 0, 10)).hasSize(2);
  }

  @Test
  void deleteRemovesAndSaysSo() throws Exception {
    applied("shine");
    assertThat(run("delete", "shine")).isZero();
    assertThat(out.toString()).isEqualTo("rollout/shine deleted\n");
    assertThat(run("delete", "shine")).isEqualTo(1);
  }

  @Test
  void trailAsMarkdownAndJsonLines() throws Exception {
    applied("shine");
    plane.record(
        "shine",
        event("shine", 1, EventType.RolloutStarted, "Rollout started"),
        event("shine", 2, EventType.PhaseCompleted, "Snail has reached the starting line"));
    assertThat(run("trail", "shine", "--format", "md")).isZero();
    assertThat(out.toString())
        .startsWith("# 🐌 shine — progress log")
        .contains("🐌 [NOV 23] - [10:19]: 🏁 Snail has reached the starting line")
        .contains("- ✅ Phase 1/2 first-steps — Snail has reached the starting line");
    assertThat(run("trail", "shine", "--format", "json", "--after", "1")).isZero();
    List<String> lines = out.toString().lines().toList();
    assertThat(lines).hasSize(1);
    assertThat(Json.mapper().readTree(lines.get(0)).get("type").asString())
        .isEqualTo("PhaseCompleted");
    assertThat(run("trail", "shine", "--plain")).isZero();
    assertThat(out.toString()).doesNotContain("🐌").contains("[DONE]");
  }

  @Test
  void aWrongTokenIsRefused() throws Exception {
    applied("shine");
    assertThat(run("pause", "shine", "--token=wrong")).isEqualTo(1);
    assertThat(err.toString()).contains("Unauthorized").doesNotContain(TOKEN);
  }

  @Test
  void exitThreeWhenNothingListens() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    assertThat(runRaw("get", "--server", "http://127.0.0.1:" + port, "--token", TOKEN))
        .isEqualTo(3);
    assertThat(err.toString())
        .startsWith("cannot reach the controller at http://127.0.0.1:" + port)
        .contains("is `snailtrail controller` running?");
  }

  @Test
  void usageErrorsExitTwo() {
    assertThat(run("status")).isEqualTo(2);
    assertThat(run("get", "-o", "xml")).isEqualTo(2);
    assertThat(run("status", "x", "--interval", "soon")).isEqualTo(2);
    assertThat(runRaw("get", "--server", "ftp://example.com")).isEqualTo(2);
  }

  @Test
  void everyCommandHasHelpWithExamples() {
    for (String c :
        List.of(
            "apply", "get", "list", "status", "trail", "wait", "diff", "delete", "approve",
            "promote", "pause", "resume", "abort", "retry", "undo", "note")) {
      assertThat(runRaw(c, "--help")).as(c).isZero();
      assertThat(out.toString()).as(c).contains("Examples:").contains("--server");
    }
    assertThat(runRaw("completion", "--help")).isZero();
    assertThat(out.toString()).contains("Examples:").contains("source <(snailtrail completion");
  }
}
