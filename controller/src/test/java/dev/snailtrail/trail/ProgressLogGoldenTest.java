package dev.snailtrail.trail;

import static org.assertj.core.api.Assertions.assertThat;

import dev.snailtrail.gate.GateEvaluator;
import dev.snailtrail.provider.ProviderException;
import dev.snailtrail.reconcile.Commands;
import dev.snailtrail.reconcile.ReconcileResult;
import dev.snailtrail.reconcile.Reconciler;
import dev.snailtrail.rollout.RolloutStatus;
import dev.snailtrail.rollout.StatusPhase;
import dev.snailtrail.rollout.Step;
import dev.snailtrail.sim.Seed;
import dev.snailtrail.sim.Simulator;
import dev.snailtrail.spec.Rollout;
import dev.snailtrail.spec.load.SpecLoader;
import dev.snailtrail.time.MutableClock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The progress log of the ml-down drill, run on the simulator under a manual clock with people's
 * notes and a retry, against the checked-in {@code golden/ml-down-progress.md}. Regenerate it after
 * an intended change with {@code ./mvnw -Dtest=ProgressLogGoldenTest -Dgolden.update=true test}
 * (then copy it to docs/progress-log-example.md).
 */
class ProgressLogGoldenTest {
  private static final Instant START = Instant.parse("2026-11-23T10:00:00Z");
  private static final Path ROOT = Path.of(System.getProperty("snailtrail.root"));
  private static final Path GOLDEN =
      ROOT.resolve("controller/src/test/resources/golden/ml-down-progress.md");

  /**
   * Drives a rollout until it settles, as the people of the drill do: the lead notes a decision and
   * approves the phase that waits; after the first rollback on-call notes the challenge and
   * retries, and after the second notes the lesson.
   */
  private record Drill(RolloutStatus status, List<TrailEvent> trail) {
    static Drill run(Rollout rollout) throws Exception {
      MutableClock clock = new MutableClock(START);
      try (Simulator sim = new Simulator(clock)) {
        sim.seed(rollout, Seed.defaults());
        Reconciler reconciler =
            new Reconciler(sim.providers(), GateEvaluator.withDefaults(), clock);
        Commands commands = new Commands(clock);
        RolloutStatus status = RolloutStatus.initial();
        List<TrailEvent> trail = new ArrayList<>();
        int rollbacks = 0;
        for (int passes = 0; passes < 10_000; passes++) {
          ReconcileResult r;
          try {
            r = reconciler.reconcile(rollout, 1, status);
          } catch (ProviderException e) {
            clock.advance(Duration.ofSeconds(1));
            continue;
          }
          trail.addAll(r.events());
          status = r.status();
          if (r.requeueAfter() != null) {
            clock.advance(r.requeueAfter());
            continue;
          }
          List<ReconcileResult> people = new ArrayList<>();
          if (status.step() == Step.AwaitingApproval) {
            people.add(note(commands, rollout, status, NoteKind.decision, DECISION, "lead"));
            people.add(commands.approve(rollout, 1, people.get(0).status(), "drill"));
          } else if (status.phase() == StatusPhase.Degraded && rollbacks++ == 0) {
            clock.advance(Duration.ofMinutes(3));
            people.add(note(commands, rollout, status, NoteKind.challenge, CHALLENGE, "oncall"));
            clock.advance(Duration.ofMinutes(2));
            people.add(commands.retry(rollout, 1, people.get(0).status(), "oncall"));
          } else if (status.phase() == StatusPhase.Degraded) {
            clock.advance(Duration.ofMinutes(4));
            people.add(note(commands, rollout, status, NoteKind.lesson, LESSON, "oncall"));
            trail.addAll(people.get(0).events());
            return new Drill(people.get(0).status(), trail);
          } else {
            return new Drill(status, trail);
          }
          for (ReconcileResult p : people) {
            trail.addAll(p.events());
            status = p.status();
          }
        }
        throw new AssertionError("the drill did not settle: " + status);
      }
    }

    private static ReconcileResult note(
        Commands commands, Rollout r, RolloutStatus s, NoteKind kind, String text, String by) {
      return commands.note(r, 1, s, kind, text, by);
    }
  }

  private static final String DECISION =
      "Go on to victory-lap now: the ML team says the full model is ready";
  private static final String CHALLENGE =
      "The ML dependency is down in this region too, not only in staging";
  private static final String LESSON =
      "Check /ml/status of a new image in staging before approving its phase";

  @Test
  void theMlDownDrillRendersAsTheGoldenProgressLog() throws Exception {
    Rollout rollout =
        new SpecLoader().load(ROOT.resolve("spec-examples/drills/ml-down.yaml")).get(0);
    Drill drill = Drill.run(rollout);
    assertThat(drill.status().phase()).isEqualTo(StatusPhase.Degraded);

    String md = TrailRenderer.render(TrailFormat.md, rollout, drill.status(), drill.trail(), false);
    if (Boolean.getBoolean("golden.update")) {
      Files.writeString(GOLDEN, md, StandardCharsets.UTF_8);
    }
    assertThat(md).isEqualTo(Files.readString(GOLDEN, StandardCharsets.UTF_8));
  }

  @Test
  void theSameTrailRendersTheSameWithoutEmojiWhenPlain() throws Exception {
    Rollout rollout =
        new SpecLoader().load(ROOT.resolve("spec-examples/drills/ml-down.yaml")).get(0);
    Drill drill = Drill.run(rollout);
    String plain = ProgressLog.render(rollout, drill.status(), drill.trail(), true);

    assertThat(plain)
        .contains("[x] Phase 3/4 foundation", "[!] Phase 4/4 victory-lap — failed")
        .contains("**Resolution:** rolled back from victory-lap to foundation")
        .doesNotContain("🐌", "✅", "❌");
    List<TrailEvent> shuffled = new ArrayList<>(drill.trail());
    java.util.Collections.reverse(shuffled);
    assertThat(ProgressLog.render(rollout, drill.status(), shuffled, true)).isEqualTo(plain);
  }
}
