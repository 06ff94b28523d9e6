package dev.snailtrail.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.snailtrail.json.Json;
import dev.snailtrail.rollout.RolloutStatus;
import dev.snailtrail.rollout.StatusPhase;
import dev.snailtrail.trail.TrailEvent;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunCommandTest {
  private static final Path ROOT = Path.of(System.getProperty("snailtrail.root", ".."));

  @Test
  void theDrillRollsBackToFoundationPrintsTheTrailAndWritesItAsJsonLines(@TempDir Path dir)
      throws Exception {
    Path trail = dir.resolve("trail.jsonl");
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    PrintStream original = System.out;
    int exit;
    try {
      System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
      exit =
          Main.run(
              "run",
              ROOT.resolve("spec-examples/drills/ml-down.yaml").toString(),
              "--speed",
              "600",
              "--plain",
              "--auto-approve",
              "--trail-file",
              trail.toString());
    } finally {
      System.setOut(original);
    }
    String out = captured.toString(StandardCharsets.UTF_8);
    assertThat(exit).isEqualTo(1);
    assertThat(out.lines().findFirst().orElseThrow()).startsWith("snailtrail run: provider sim");
    assertThat(out).contains("Rolling back from victory-lap to foundation").contains("Degraded");
    List<TrailEvent> events =
        Files.readAllLines(trail).stream()
            .map(l -> Json.mapper().readValue(l, TrailEvent.class))
            .toList();
    assertThat(events).extracting(TrailEvent::id).doesNotHaveDuplicates();
    assertThat(events.getLast().type().name()).isEqualTo("RollbackCompleted");
    assertThat(events).filteredOn(e -> e.type().name().equals("PhaseCompleted")).hasSize(3);
  }

  @Test
  void aRunStoppedByABugExitsWithItsOwnCodeWhateverThePhase() {
    RolloutStatus healthy = RolloutStatus.initial().toBuilder().phase(StatusPhase.Healthy).build();
    Instant now = Instant.parse("2026-11-23T10:00:00Z");

    assertThat(RunCommand.exitCode(healthy)).isZero();
    assertThat(RunCommand.exitCode(healthy.withInternalError("NullPointerException", now)))
        .isEqualTo(RunCommand.INTERNAL_ERROR)
        .isEqualTo(4);
    assertThat(RunCommand.exitCode(RolloutStatus.initial())).isEqualTo(1);
  }

  @Test
  void anInvalidSpecIsAUsageErrorWithLocatedProblems(@TempDir Path dir) throws Exception {
    Path bad = dir.resolve("bad.yaml");
    Files.writeString(
        bad, "apiVersion: snailtrail.dev/v1\nkind: Rollout\nmetadata: {name: x}\nspec: {}\n");
    PrintStream original = System.err;
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit;
    try {
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      exit = Main.run("run", bad.toString());
    } finally {
      System.setErr(original);
    }
    assertThat(exit).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains(bad + ":4:");
  }

  @Test
  void withTheSimulatorsEventsTheRolloutRunsToTheSameEnd() {
    int exit =
        Main.run(
            "run",
            ROOT.resolve("spec-examples/minimal.yaml").toString(),
            "--existing-service",
            "1.26",
            "--speed",
            "600",
            "--plain",
            "--events",
            "sim");
    assertThat(exit).isZero();
  }

  @Test
  void eventsOfAQueueOnTheSimulatorAreAUsageError() {
    PrintStream original = System.err;
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit;
    try {
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      exit =
          Main.run(
              "run",
              ROOT.resolve("spec-examples/minimal.yaml").toString(),
              "--events",
              "https://sqs.eu-west-1.amazonaws.com/123456789012/snailtrail-events");
    } finally {
      System.setErr(original);
    }
    assertThat(exit).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("--events on the simulator takes");
  }
}
