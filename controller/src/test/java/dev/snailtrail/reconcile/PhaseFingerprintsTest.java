package dev.snailtrail.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.snailtrail.gate.GateEvaluator;
import dev.snailtrail.rollout.RolloutStatus;
import dev.snailtrail.sim.Seed;
import dev.snailtrail.sim.Simulator;
import dev.snailtrail.spec.Rollout;
import dev.snailtrail.spec.load.SpecLoader;
import dev.snailtrail.spec.load.SpecWriter;
import dev.snailtrail.time.MutableClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Phase fingerprints live in stored status: a spec that did not change must keep them, across a
 * restart (the store loads the spec it wrote) and across versions of the controller.
 */
class PhaseFingerprintsTest {
  private static final String SPEC =
      """
      apiVersion: snailtrail.dev/v1
      kind: Rollout
      metadata: {name: shine}
      spec:
        target: {region: us-east-1, cluster: c, service: shine}
        template: {fromFile: task-def.json}
        phases:
          - name: one
            gates: [ecsTasks]
          - name: two
            image: 396608803476.dkr.ecr.us-east-1.amazonaws.com/shine-api-gateway:hybrid
      """;

  @TempDir Path dir;

  /** What the first pass records as the phase fingerprints. */
  static Map<String, String> fingerprints(Rollout r) {
    MutableClock clock = new MutableClock(Instant.parse("2026-11-23T10:00:00Z"));
    try (Simulator sim = new Simulator(clock)) {
      sim.seed(r, Seed.defaults());
      Reconciler reconciler = new Reconciler(sim.providers(), GateEvaluator.withDefaults(), clock);
      return reconciler.reconcile(r, 1, RolloutStatus.initial()).status().phaseFingerprints();
    }
  }

  /**
   * Pinned: a controller upgrade that changed them would make every stored rollout look changed on
   * its next spec, and restart it from its first phase. (Changed once, knowingly, when phases began
   * to start from the whole task definition and to leave counts they do not name alone:
   * fingerprints no longer fold in a content hash, which the spec's own fields already determine.)
   */
  @Test
  void fingerprintsOfTheExamplesStayPinnedAcrossVersions() {
    assertThat(fingerprints(Specs.snailTrail()))
        .containsOnly(
            Map.entry("first-steps", "dcea8d604332d2ac1477556f"),
            Map.entry("exploration", "5d30d76d8ae2763f86132e97"),
            Map.entry("foundation", "62181a2ded09d0aa8dfd15c0"),
            Map.entry("victory-lap", "be8791c0f050b3dc3dbd2293"));
    assertThat(fingerprints(Specs.example("spec-examples/minimal.yaml")))
        .containsOnly(Map.entry("v2", "437927e6cec2f75f5b55364e"));
  }

  @Test
  void theStoredSpecHasTheFingerprintsOfTheAppliedOneAndNeedsNoFile() throws Exception {
    Path taskDef = dir.resolve("task-def.json");
    Files.copy(Path.of("src/test/resources/good/task-def.json"), taskDef);
    Rollout applied = new SpecLoader().parse(SPEC, "shine.yaml", dir).get(0);
    Map<String, String> before = fingerprints(applied);
    String stored = SpecWriter.toYaml(applied);
    Files.delete(taskDef);

    Rollout restarted = new SpecLoader().parseSelfContained(stored, "spec.yaml").get(0);
    assertThat(restarted).isEqualTo(applied);
    assertThat(fingerprints(restarted)).isEqualTo(before);
  }

  @Test
  void whereTheFileWasReadFromIsNotPartOfTheFingerprintsButItsContentIs() throws Exception {
    String json = Files.readString(Path.of("src/test/resources/good/task-def.json"));
    Path here = Files.createDirectories(dir.resolve("here"));
    Path there = Files.createDirectories(dir.resolve("there"));
    Path changed = Files.createDirectories(dir.resolve("changed"));
    Files.writeString(here.resolve("task-def.json"), json);
    // The same content, laid out differently.
    Files.writeString(there.resolve("task-def.json"), json.replace("\n", "\n\n  "));
    Files.writeString(
        changed.resolve("task-def.json"),
        json.replace("\"value\": \"info\"", "\"value\": \"debug\""));
    SpecLoader loader = new SpecLoader();

    Map<String, String> fromHere = fingerprints(loader.parse(SPEC, "a.yaml", here).get(0));
    assertThat(fingerprints(loader.parse(SPEC, "b.yaml", there).get(0))).isEqualTo(fromHere);
    assertThat(fingerprints(loader.parse(SPEC, "c.yaml", changed).get(0)))
        .allSatisfy((phase, print) -> assertThat(print).isNotEqualTo(fromHere.get(phase)));
  }
}
