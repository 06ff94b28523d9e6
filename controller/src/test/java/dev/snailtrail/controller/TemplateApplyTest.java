package dev.snailtrail.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.snailtrail.metrics.Metrics;
import dev.snailtrail.spec.AnalysisTemplate;
import dev.snailtrail.spec.Gate;
import dev.snailtrail.spec.Phase;
import dev.snailtrail.spec.load.Problem;
import dev.snailtrail.spec.load.SpecException;
import dev.snailtrail.store.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** AnalysisTemplates applied to the controller, and rollouts applied later that use them. */
class TemplateApplyTest {
  @TempDir Path dir;

  private static String example(String name) throws Exception {
    return SimController.example("templates/" + name);
  }

  private FileStore store(SimController sim) {
    return new FileStore(dir.resolve("store"), sim.clock);
  }

  @Test
  void aStoredTemplateIsUsedByARolloutAppliedLaterAndOutlivesARestart() throws Exception {
    try (SimController sim = new SimController()) {
      sim.start(store(sim), Metrics.NOOP);
      assertThat(sim.plane().apply("ml-ready.yaml", example("ml-ready.yaml")))
          .containsExactly(new ControlPlane.Applied("ml-ready", 1, true, AnalysisTemplate.KIND));
      assertThat(sim.plane().apply("error-rate.yaml", example("error-rate.yaml")))
          .extracting(ControlPlane.Applied::kind)
          .containsExactly(AnalysisTemplate.KIND);
      assertThat(sim.plane().apply("ml-ready.yaml", example("ml-ready.yaml")))
          .containsExactly(new ControlPlane.Applied("ml-ready", 1, false, AnalysisTemplate.KIND));
    }
    assertThat(dir.resolve("store/.templates/ml-ready.json")).exists();

    try (SimController sim = new SimController()) {
      sim.start(store(sim), Metrics.NOOP);
      assertThat(sim.plane().templates())
          .extracting(t -> t.template().name())
          .containsExactly("error-rate", "ml-ready");
      assertThat(sim.plane().apply("ml-gateway.yaml", example("ml-gateway.yaml")))
          .containsExactly(new ControlPlane.Applied("shine-ml-gateway", 1, true));
      Phase full = sim.plane().get("shine-ml-gateway").orElseThrow().spec().spec().phases().get(1);
      assertThat(full.gateName(4)).isEqualTo("error-rate/prometheus/0");
      assertThat(((Gate.Prometheus) full.gates().get(4)).query())
          .contains("job=\"shine-ml-gateway\"");
    }
  }

  @Test
  void aRolloutUsingATemplateNobodyAppliedIsRefusedWithWhereAndWhatToDo() throws Exception {
    try (SimController sim = new SimController()) {
      sim.start(store(sim), Metrics.NOOP);
      assertThatThrownBy(() -> sim.plane().apply("ml-gateway.yaml", example("ml-gateway.yaml")))
          .isInstanceOfSatisfying(
              SpecException.class,
              e ->
                  assertThat(e.problems())
                      .extracting(Problem::format)
                      .first()
                      .asString()
                      .startsWith("ml-gateway.yaml:38:21: spec.phases[0].gates[1].template:")
                      .contains(
                          "no AnalysisTemplate named 'ml-ready' in this request or the"
                              + " controller's store")
                      .contains("apply the AnalysisTemplate first, or in the same request"));
      assertThat(sim.plane().list()).isEmpty();
    }
  }

  @Test
  void nothingIsStoredWhenAnyDocumentOfTheTextHasAProblem() throws Exception {
    String text =
        example("ml-ready.yaml")
            + "---\n"
            + example("ml-gateway.yaml").replace("args: {service: shine-ml-gateway}", "args: {}");
    try (SimController sim = new SimController()) {
      sim.start(store(sim), Metrics.NOOP);
      assertThatThrownBy(() -> sim.plane().apply("both.yaml", text))
          .isInstanceOfSatisfying(
              SpecException.class,
              e ->
                  assertThat(e.problems())
                      .extracting(Problem::format)
                      .anySatisfy(p -> assertThat(p).contains("missing argument 'service'")));
      assertThat(sim.plane().templates()).isEmpty();
      assertThat(sim.plane().list()).isEmpty();
    }
    assertThat(Files.exists(dir.resolve("store/.templates"))).isFalse();
  }

  @Test
  void aTemplateAndTheRolloutsThatUseItApplyTogetherAndDeletingItLeavesTheirGates()
      throws Exception {
    String text =
        example("ml-ready.yaml")
            + "---\n"
            + example("error-rate.yaml")
            + "---\n"
            + example("ml-gateway.yaml");
    try (SimController sim = new SimController()) {
      sim.start(store(sim), Metrics.NOOP);
      assertThat(sim.plane().apply("all.yaml", text))
          .extracting(ControlPlane.Applied::name)
          .containsExactly("ml-ready", "error-rate", "shine-ml-gateway");
      assertThat(sim.plane().deleteTemplate("ml-ready")).isTrue();
      assertThat(sim.plane().template("ml-ready")).isEmpty();
      assertThat(sim.plane().get("shine-ml-gateway").orElseThrow().spec().spec().phases())
          .allSatisfy(p -> assertThat(p.gates()).hasSizeGreaterThanOrEqualTo(4));
    }
  }
}
