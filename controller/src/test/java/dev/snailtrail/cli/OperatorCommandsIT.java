package dev.snailtrail.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.snailtrail.rollout.StatusPhase;
import dev.snailtrail.trail.TrailEvent;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

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
}
