package dev.snailtrail.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.snailtrail.json.Json;
import dev.snailtrail.rollout.StatusPhase;
import dev.snailtrail.rollout.Step;
import dev.snailtrail.trail.TrailEvent;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import picocli.CommandLine;
import tools.jackson.databind.JsonNode;

/**
 * The operators' verbs of the CLI against a real controller (the simulator, sped up) over its API
 * on loopback: what a person types, what they read, and the exit codes scripts rely on.
 */
@Timeout(120)
class OperatorCommandsIT {
  private static final String ROLLOUT = "shine-api-gateway";
  private static final Duration LIMIT = Duration.ofSeconds(60);

  @TempDir Path store;
  private LiveController controller;

  /** One command's exit code and what it printed. */
  record Run(int exit, String out, String err) {}

  @AfterEach
  void stop() {
    if (controller != null) {
      controller.close();
    }
  }

  private LiveController start(double speed) throws Exception {
    controller = LiveController.start(store, speed, false);
    return controller;
  }

  /** Runs a command with the controller's address and token, as a person's shell would. */
  Run cli(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.add("--server=" + controller.url());
    all.add("--token=" + LiveController.TOKEN);
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = Main.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int exit = cli.execute(all.toArray(String[]::new));
    return new Run(exit, out.toString(), err.toString());
  }

  private List<String> trailMessages() {
    return controller.plane().trail(ROLLOUT, 0, 10_000).stream().map(TrailEvent::message).toList();
  }

  @Test
  void promoteFullSendsTheRolloutStraightToItsLastPhase() throws Exception {
    start(300).applyExample("snail-trail.yaml");
    controller.await(
        ROLLOUT,
        "in its second phase",
        s -> s.observedGeneration() > 0 && s.currentPhase().index() == 1,
        LIMIT);

    Run promoted = cli("promote", ROLLOUT, "--full", "--by", "frank");
    assertThat(promoted.exit()).as(promoted.err()).isZero();
    assertThat(promoted.out())
        .startsWith(
            "rollout/"
                + ROLLOUT
                + " promoted in full: Progressing (Deploying), phase"
                + " victory-lap");
    controller.await(ROLLOUT, "Healthy", s -> s.phase() == StatusPhase.Healthy, LIMIT);
    assertThat(trailMessages())
        .anyMatch(m -> m.startsWith("Rollout promoted in full by frank: ") && m.contains("skipped"))
        .noneMatch(m -> m.contains("needs approval"));

    Run again = cli("promote", ROLLOUT, "--full");
    assertThat(again.exit()).isEqualTo(1);
    assertThat(again.err())
        .isEqualTo(
            "Error from server (Conflict): promote --full applies to a rollout moving forward:"
                + " the rollout is Healthy: its last phase is done\n");
  }

  @Test
  void listAndEveryReadCommandPrintTheFormsScriptsAskFor() throws Exception {
    start(300).applyExample("snail-trail.yaml");
    controller.applyExample("minimal.yaml"); // its service does not exist: it pauses at once
    controller.await(ROLLOUT, "awaiting approval", s -> s.step() == Step.AwaitingApproval, LIMIT);
    controller.await("hello-web", "paused", s -> s.phase() == StatusPhase.Paused, LIMIT);

    Run list = cli("list");
    assertThat(list.exit()).as(list.err()).isZero();
    assertThat(list.out().lines().toList())
        .hasSize(3)
        .satisfies(
            l -> assertThat(l.get(0)).matches("NAME +PHASE +STEP +CURRENT +PROGRESS +GENERATION"))
        .satisfies(l -> assertThat(l.get(1)).matches("hello-web +Paused +Deploying +v2 +0% +1"))
        .satisfies(
            l ->
                assertThat(l.get(2))
                    .matches(ROLLOUT + " +Progressing +AwaitingApproval +victory-lap +\\d+% +1"));
    assertThat(cli("ls", "-o", "name").out())
        .isEqualTo("rollout/hello-web\nrollout/" + ROLLOUT + "\n");
    assertThat(Json.mapper().readTree(cli("list", "-o", "json").out()).get("items").size())
        .isEqualTo(2);
    String yaml = cli("list", "-o", "yaml").out();
    assertThat(new Load(LoadSettings.builder().build()).loadAllFromString(yaml)).hasSize(2);
    assertThat(cli("list", "-o", "wide").out().lines().toList().get(1))
        .contains("service hello-web not found");
    assertThat(cli("get", ROLLOUT, "-o", "name").out()).isEqualTo("rollout/" + ROLLOUT + "\n");
    assertThat(cli("list", "-o", "xml").exit()).isEqualTo(2);

    JsonNode status = Json.mapper().readTree(cli("status", ROLLOUT, "-o", "json").out());
    assertThat(status.get("rollout").get("status").get("step").asString())
        .isEqualTo("AwaitingApproval");
    JsonNode last = status.get("events").get(status.get("events").size() - 1);
    assertThat(last.get("type").asString()).isEqualTo("ApprovalRequired");
    @SuppressWarnings("unchecked")
    Map<String, Object> statusYaml =
        (Map<String, Object>)
            new Load(LoadSettings.builder().build())
                .loadFromString(cli("status", ROLLOUT, "-o", "yaml").out());
    assertThat(statusYaml).containsKeys("rollout", "events");
    assertThat(cli("status", ROLLOUT, "-o", "name").out()).isEqualTo("rollout/" + ROLLOUT + "\n");
    String wide = cli("status", ROLLOUT, "-o", "wide").out();
    String text = cli("status", ROLLOUT).out();
    assertThat(wide.substring(wide.indexOf("Last events")).lines().count())
        .isGreaterThan(text.substring(text.indexOf("Last events")).lines().count());

    int events = controller.plane().trail(ROLLOUT, 0, 10_000).size();
    List<String> trailWide = cli("trail", ROLLOUT, "-o", "wide").out().lines().toList();
    assertThat(trailWide.get(0)).matches("ID +TIME +SEVERITY +TYPE +REASON +MESSAGE");
    assertThat(trailWide).hasSize(events + 1);
    assertThat(trailWide.get(events))
        .matches(
            ROLLOUT
                + "/1/"
                + events
                + " +\\S+Z +Normal +ApprovalRequired +ApprovalRequired +Phase victory-lap needs approval.*");
    assertThat(cli("trail", ROLLOUT, "-o", "name").out().lines())
        .hasSize(events)
        .allMatch(l -> l.startsWith("event/" + ROLLOUT + "/1/"));
    assertThat(
            (List<?>)
                new Load(LoadSettings.builder().build())
                    .loadFromString(cli("trail", ROLLOUT, "-o", "yaml").out()))
        .hasSize(events);
    assertThat(cli("trail", ROLLOUT, "--format", "json").out().lines()).hasSize(events);
  }

  @Test
  void getWatchPrintsTheRolloutAgainEachTimeItChanges() throws Exception {
    start(150).applyExample("snail-trail.yaml");
    StringWriter out = new StringWriter();
    CommandLine cli = Main.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(new StringWriter(), true));
    Thread watching =
        Thread.ofPlatform()
            .start(
                () ->
                    cli.execute(
                        "get",
                        ROLLOUT,
                        "--watch",
                        "--interval",
                        "100ms",
                        "--server=" + controller.url(),
                        "--token=" + LiveController.TOKEN));
    try {
      controller.await(ROLLOUT, "awaiting approval", s -> s.step() == Step.AwaitingApproval, LIMIT);
      long deadline = System.nanoTime() + LIMIT.toNanos();
      while (!out.toString().contains("AwaitingApproval") && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
    } finally {
      watching.interrupt();
      watching.join(10_000);
    }
    List<String> lines = out.toString().lines().toList();
    assertThat(lines.get(0)).matches("NAME +PHASE +STEP +CURRENT +PROGRESS +GENERATION");
    assertThat(lines.stream().filter(l -> l.startsWith("NAME"))).hasSize(1);
    assertThat(lines.subList(1, lines.size()))
        .as(out.toString())
        .allMatch(l -> l.startsWith(ROLLOUT + " "))
        .anyMatch(l -> l.contains(" exploration "))
        .anyMatch(l -> l.contains(" Baking "))
        .anyMatch(l -> l.contains("AwaitingApproval"))
        .doesNotHaveDuplicates();
  }

  @Test
  void waitEndsWhenTheStateIsReachedWhenItTimesOutAndWhenTheRolloutSettlesElsewhere()
      throws Exception {
    start(300).applyExample("snail-trail.yaml");
    controller.applyExample("minimal.yaml"); // its service does not exist: it pauses at once

    Run approval = cli("wait", ROLLOUT, "--for", "awaitingapproval", "--interval", "50ms");
    assertThat(approval.exit()).as(approval.err()).isZero();
    assertThat(approval.out()).isEqualTo("rollout/" + ROLLOUT + " is AwaitingApproval\n");
    assertThat(controller.status(ROLLOUT).step()).isEqualTo(Step.AwaitingApproval);

    // Paused waits for a person, so a wait for Healthy goes on until its time is up.
    Run paused = cli("wait", "hello-web", "--for", "Healthy", "--timeout", "1s");
    assertThat(paused.exit()).as(paused.err()).isEqualTo(5);
    assertThat(paused.err())
        .startsWith(
            "timed out after 1s waiting for rollout/hello-web to be Healthy: it is Paused"
                + " (Deploying) at phase v2: service hello-web not found");
    assertThat(cli("wait", "hello-web", "--for", "Paused").exit()).isZero();

    assertThat(cli("approve", ROLLOUT, "--by", "ops").exit()).isZero();
    Run degraded = cli("wait", ROLLOUT, "--for", "Degraded", "--interval", "50ms");
    assertThat(degraded.exit()).as(degraded.err()).isEqualTo(6);
    assertThat(degraded.err())
        .startsWith(
            "rollout/" + ROLLOUT + " settled Healthy (Done) at phase victory-lap, not Degraded: ");
    assertThat(cli("wait", ROLLOUT, "--for", "Healthy").exit()).isZero();

    // A new spec: the Healthy of the generation before does not answer the wait.
    String story =
        Files.readString(
            Path.of(
                System.getProperty("snailtrail.root", ".."), "spec-examples", "snail-trail.yaml"));
    String changed = story.replaceFirst("(name: exploration[\\s\\S]*?)bake: 2m", "$1bake: 1m");
    assertThat(changed).isNotEqualTo(story);
    assertThat(controller.plane().apply("changed.yaml", changed).get(0).generation()).isEqualTo(2);
    Run again = cli("wait", ROLLOUT, "--for", "Healthy", "--interval", "50ms");
    assertThat(again.exit()).as(again.err()).isZero();
    assertThat(trailMessages().stream().filter(m -> m.startsWith("Rollout complete"))).hasSize(2);
    assertThat(controller.status(ROLLOUT).observedGeneration()).isEqualTo(2);

    Run unknown = cli("wait", ROLLOUT, "--for", "Sideways");
    assertThat(unknown.exit()).isEqualTo(2);
    assertThat(unknown.err())
        .contains("--for 'Sideways' is not a state; use one of Progressing, Paused, Healthy");
    assertThat(cli("wait", "nope", "--for", "Healthy").exit()).isEqualTo(1);
  }
}
