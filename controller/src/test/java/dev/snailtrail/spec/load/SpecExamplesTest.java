package dev.snailtrail.spec.load;

import static org.assertj.core.api.Assertions.assertThat;

import dev.snailtrail.spec.Gate;
import dev.snailtrail.spec.Phase;
import dev.snailtrail.spec.Rollout;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class SpecExamplesTest {
  private final SpecLoader loader = new SpecLoader();

  static Path root() {
    String root = System.getProperty("snailtrail.root");
    if (root == null) {
      throw new IllegalStateException(
          "system property snailtrail.root is not set; run the tests through Maven (surefire sets"
              + " it)");
    }
    return Path.of(root).toAbsolutePath().normalize();
  }

  static Stream<Path> examples() throws IOException {
    try (Stream<Path> files = Files.walk(root().resolve("spec-examples"))) {
      List<Path> yaml = files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
      assertThat(yaml).hasSizeGreaterThanOrEqualTo(4);
      return yaml.stream();
    }
  }

  /**
   * An example's documents, read with the AnalysisTemplates of spec-examples/templates, as {@code
   * snailtrail validate spec-examples/templates/*.yaml} reads them.
   */
  static Documents.Part load(Path file) throws IOException {
    List<Path> files = new ArrayList<>(List.of(file));
    try (Stream<Path> templates = Files.list(root().resolve("spec-examples/templates"))) {
      templates.filter(p -> !p.equals(file)).sorted().forEach(files::add);
    }
    Documents d = new SpecLoader().loadAll(files, TemplateCatalog.none("", ""));
    assertThat(d.problems()).isEmpty();
    return d.parts().get(0);
  }

  @ParameterizedTest
  @MethodSource("examples")
  void everyExampleIsValidAndSurvivesTheWriter(Path file) throws Exception {
    Documents.Part part = load(file);
    List<Rollout> rollouts = part.rollouts();
    assertThat(rollouts.size() + part.templates().size()).isPositive();
    for (Rollout r : rollouts) {
      String yaml = SpecWriter.toYaml(r);
      List<Rollout> again = loader.parse(yaml, file + " (written)", file.getParent());
      assertThat(again).containsExactly(r);
      assertThat(SpecWriter.toYaml(again.get(0))).isEqualTo(yaml);
    }
  }

  @Test
  void theSnailTrailTellsTheFourPhaseStory() throws Exception {
    Rollout r = loader.load(root().resolve("spec-examples/snail-trail.yaml")).get(0);
    assertThat(r.name()).isEqualTo("shine-api-gateway");
    assertThat(r.spec().phases())
        .extracting(Phase::name)
        .containsExactly("first-steps", "exploration", "foundation", "victory-lap");
    assertThat(r.spec().phases())
        .extracting(p -> p.image().tag())
        .containsExactly("simple", "hybrid", "optimized", "full");
    // the first phase sets the count, the others keep it; analysis gets two unwritten defaults
    assertThat(r.spec().phases())
        .extracting(Phase::desiredCount)
        .containsExactly(2, null, null, null);
    assertThat(r.spec().analysis().inconclusiveLimit()).isEqualTo(3);
    assertThat(r.spec().analysis().consecutiveErrorLimit()).isEqualTo(5);
    assertThat(r.spec().template().healthCheck().timeoutSeconds()).isEqualTo(5);
    Phase last = r.spec().phases().get(3);
    assertThat(last.approval()).isEqualTo(Phase.Approval.MANUAL);
    assertThat(last.rollbackTo()).isEqualTo("foundation");
    assertThat(last.gates().get(1))
        .isInstanceOfSatisfying(
            Gate.CloudWatchMetric.class,
            g -> {
              assertThat(g.window()).isEqualTo(Duration.ofMinutes(5));
              assertThat(g.query().period()).isEqualTo(Duration.ofSeconds(60));
            });
    Gate.Logs quiet = (Gate.Logs) r.spec().phases().get(2).gates().get(0);
    assertThat(quiet.absentFor()).isEqualTo(Duration.ofMinutes(1));
    Gate.Logs loaded = (Gate.Logs) r.spec().phases().get(2).gates().get(1);
    assertThat(loaded.present()).isTrue();
    assertThat(loaded.pattern()).isEqualTo("\"model loaded\"");
  }

  @Test
  void theExistingServiceIsRolledFromItsLiveTaskDefinitionAndKeepsItsCount() throws Exception {
    Rollout r = loader.load(root().resolve("spec-examples/existing-service.yaml")).get(0);
    assertThat(r.spec().template().startsFromLiveService()).isTrue();
    assertThat(r.spec().template().container()).isEqualTo("app");
    assertThat(r.spec().target().createIfMissing()).isFalse();
    List<Phase> phases = r.spec().phases();
    assertThat(phases).extracting(Phase::desiredCount).containsOnlyNulls();
    assertThat(phases).extracting(p -> p.image().tag()).containsExactly("3.8.0", "3.8.0", "3.9.0");
    assertThat(phases).extracting(Phase::cpu).containsOnly(0);
    assertThat(phases.get(0).secrets()).isEmpty();
    assertThat(phases.get(1).secrets()).containsOnlyKeys("PAYMENTS_API_KEY");
    assertThat(phases.get(1).env()).containsOnlyKeys("PAYMENTS_MODE");
    assertThat(SpecWriter.toYaml(r))
        .doesNotContain("family", "port:", "cpu:", "launchType", "desiredCount");
  }

  @Test
  void theDrillDiffersOnlyInNameAndTheLastImage() throws Exception {
    Rollout story = loader.load(root().resolve("spec-examples/snail-trail.yaml")).get(0);
    Rollout drill = loader.load(root().resolve("spec-examples/drills/ml-down.yaml")).get(0);
    assertThat(drill.name()).isEqualTo("shine-api-gateway-drill");
    assertThat(drill.spec().phases().get(3).image().tag()).isEqualTo("full-ml-down");
    assertThat(drill.spec().phases().subList(0, 3)).isEqualTo(story.spec().phases().subList(0, 3));
  }
}
