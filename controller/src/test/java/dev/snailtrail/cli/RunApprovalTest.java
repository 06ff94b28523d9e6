package dev.snailtrail.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.snailtrail.trail.EventType;
import dev.snailtrail.trail.TrailEvent;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code snailtrail run} on the simulator never approves a phase by itself: the story's phase 4
 * (victory-lap, {@code approval: manual}) waits for a person at a terminal, for {@code
 * --auto-approve}, or the run stops there.
 */
@Timeout(60)
class RunApprovalTest {
  private static final Path STORY =
      Path.of(System.getProperty("snailtrail.root", ".."), "spec-examples/snail-trail.yaml");
  private static final String USER = System.getProperty("user.name");

  @TempDir Path dir;

  private record Ran(int exit, String out, String err, List<TrailEvent> trail) {
    List<TrailEvent> events(EventType type) {
      return trail.stream().filter(e -> e.type() == type).toList();
    }
  }

  /**
   * {@code snailtrail run STORY --speed 600 --plain ARGS} with {@code terminal} as the terminal.
   */
  private Ran run(Prompt terminal, String... args) throws IOException {
    Path trail = dir.resolve("trail-" + System.nanoTime() + ".jsonl");
    List<String> all = new ArrayList<>(List.of(STORY.toString(), "--speed", "600", "--plain"));
    all.addAll(List.of("--trail-file", trail.toString()));
    all.addAll(List.of(args));
    RunCommand command = new RunCommand();
    command.prompt = terminal;
    Invocation run = Invocation.of(command, all.toArray(String[]::new));
    return new Ran(run.exit(), run.out(), run.err(), Invocation.trail(trail));
  }

  @Test
  void withoutATerminalTheRunStopsAtTheManualPhaseAndSaysHowToGoOn() throws IOException {
    Ran r = run(FakeTerminal.none());

    assertThat(r.exit()).as(r.out()).isEqualTo(RunCommand.AWAITING_APPROVAL).isEqualTo(3);
    assertThat(r.events(EventType.ApprovalRequired)).singleElement();
    assertThat(r.events(EventType.Promoted)).isEmpty();
    assertThat(r.trail().getLast().type()).isEqualTo(EventType.ApprovalRequired);
    assertThat(r.out())
        .doesNotContain("approved automatically")
        .contains("Rollout shine-api-gateway: Progressing")
        .contains(
            "  phase victory-lap awaits approval (no terminal to ask on, and no --auto-approve);"
                + " the service stays on phase foundation.")
        .contains("or with --auto-approve to approve without asking")
        .contains("`snailtrail approve shine-api-gateway`");
  }

  @Test
  void autoApproveApprovesTheManualPhaseAndTheTrailSaysSo() throws IOException {
    Ran r = run(FakeTerminal.none(), "--auto-approve");

    assertThat(r.exit()).as(r.out()).isZero();
    assertThat(r.out()).contains("Rollout shine-api-gateway: Healthy");
    assertThat(r.events(EventType.Promoted))
        .singleElement()
        .satisfies(
            e -> assertThat(e.message()).isEqualTo("Phase victory-lap approved automatically"));
  }

  @Test
  void aPersonAnsweringYesApprovesAsTheirUserAndTheTrailNamesThem() throws IOException {
    FakeTerminal terminal = FakeTerminal.answering("y");

    Ran r = run(terminal);

    assertThat(terminal.asked)
        .containsExactly("Approve phase victory-lap of shine-api-gateway as " + USER + "? [y/N] ");
    assertThat(r.exit()).as(r.out()).isZero();
    assertThat(r.events(EventType.Promoted))
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.message()).isEqualTo("Phase victory-lap approved by " + USER);
              assertThat(e.reason().name()).isEqualTo("ManualApproval");
            });
  }

  @Test
  void aPersonAnsweringNoLeavesThePhaseAwaitingApproval() throws IOException {
    Ran r = run(FakeTerminal.answering("n"));

    assertThat(r.exit()).as(r.out()).isEqualTo(3);
    assertThat(r.events(EventType.Promoted)).isEmpty();
    assertThat(r.out())
        .contains("  phase victory-lap awaits approval (" + USER + " answered no);")
        .doesNotContain("approved by");
  }

  @Test
  void manualApprovalIsADeprecatedNoOpAndContradictsAutoApprove() throws IOException {
    Ran r = run(FakeTerminal.none(), "--manual-approval");
    assertThat(r.exit()).isEqualTo(3);
    assertThat(r.err()).contains("--manual-approval is deprecated and has no effect");

    Ran both = run(FakeTerminal.none(), "--manual-approval", "--auto-approve");
    assertThat(both.exit()).isEqualTo(2);
    assertThat(both.err()).contains("--manual-approval and --auto-approve contradict each other");
    assertThat(both.trail()).isEmpty();
  }
}
