package dev.snailtrail.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.snailtrail.moto.MotoServer;
import dev.snailtrail.trail.EventType;
import dev.snailtrail.trail.TrailEvent;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.ecs.model.Service;

/**
 * {@code snailtrail run --provider aws} over the wire against moto never approves a phase by
 * itself: the second phase of {@link MotoWorld}'s rollout ({@code approval: manual}) is not
 * deployed without a person or {@code --auto-approve}.
 */
// Each run rolls one or two phases through moto in real time, about ten seconds a phase.
@Timeout(value = 3, unit = TimeUnit.MINUTES)
@ExtendWith(MotoServer.Extension.class)
class RunApprovalIT {
  private static final String USER = System.getProperty("user.name");

  @TempDir Path dir;
  private MotoWorld world;

  @BeforeEach
  void world(MotoServer moto) throws Exception {
    world = MotoWorld.create(moto, dir);
  }

  private record Ran(Invocation printed, List<TrailEvent> trail) {
    List<String> messages(EventType type) {
      return trail.stream().filter(e -> e.type() == type).map(TrailEvent::message).toList();
    }
  }

  private Ran run(Prompt terminal, String... args) throws Exception {
    Path trail = dir.resolve("trail-" + System.nanoTime() + ".jsonl");
    List<String> all = new ArrayList<>(List.of(world.spec.toString(), "--plain"));
    all.addAll(world.aws());
    all.addAll(List.of("--trail-file", trail.toString()));
    all.addAll(List.of(args));
    RunCommand command = new RunCommand();
    command.prompt = terminal;
    return new Ran(Invocation.of(command, all.toArray(String[]::new)), Invocation.trail(trail));
  }

  @Test
  void withoutATerminalOrTheFlagTheServiceStaysOnThePhaseBeforeTheManualOne() throws Exception {
    Ran r = run(FakeTerminal.none());

    assertThat(r.printed().exit()).as(r.printed().printed()).isEqualTo(3);
    assertThat(r.messages(EventType.Promoted)).isEmpty();
    assertThat(r.printed().out())
        .contains(
            "phase exploration awaits approval (no terminal to ask on, and no --auto-approve);"
                + " the service stays on phase first-steps.");
    Service service = world.service();
    assertThat(service.taskDefinition()).endsWith("task-definition/snail-api:1");
    assertThat(service.desiredCount()).isEqualTo(1);
    assertThat(
            world.ecs().listTaskDefinitions(b -> b.familyPrefix("snail-api")).taskDefinitionArns())
        .as("exploration's task definition is not even registered")
        .hasSize(1);
  }

  @Test
  void autoApproveDeploysTheManualPhaseAndTheTrailSaysItWasApprovedAutomatically()
      throws Exception {
    Ran r = run(FakeTerminal.none(), "--auto-approve");

    assertThat(r.printed().exit()).as(r.printed().printed()).isZero();
    assertThat(r.messages(EventType.Promoted))
        .containsExactly("Phase exploration approved automatically");
    Service service = world.service();
    assertThat(service.taskDefinition()).endsWith("task-definition/snail-api:2");
    assertThat(service.desiredCount()).isEqualTo(2);
  }

  @Test
  void aPersonAnsweringYesAtTheTerminalDeploysItAndTheTrailNamesThem() throws Exception {
    FakeTerminal terminal = FakeTerminal.answering("y");

    Ran r = run(terminal);

    assertThat(terminal.asked)
        .containsExactly("Approve phase exploration of snail-api as " + USER + "? [y/N] ");
    assertThat(r.printed().exit()).as(r.printed().printed()).isZero();
    assertThat(r.messages(EventType.Promoted))
        .containsExactly("Phase exploration approved by " + USER);
    assertThat(world.service().taskDefinition()).endsWith("task-definition/snail-api:2");
  }
}
