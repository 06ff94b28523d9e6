package dev.snailtrail.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.snailtrail.spec.load.SpecLoader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ValidateCommandTest {
  @TempDir Path dir;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    CommandLine cli = Main.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    return cli.execute(args);
  }

  private static Path example(String name) {
    return Path.of(System.getProperty("snailtrail.root"), "spec-examples", name);
  }

  @Test
  void validFilesExitZeroAndSaySo() {
    Path story = example("snail-trail.yaml");
    Path minimal = example("minimal.yaml");
    assertThat(run("validate", story.toString(), minimal.toString())).isZero();
    assertThat(out.toString())
        .contains(story + ": valid (1 rollout)")
        .contains(minimal + ": valid (1 rollout)");
    assertThat(err.toString()).isEmpty();
  }

  @Test
  void invalidFileExitsOneWithEachProblemOnItsOwnLine() throws Exception {
    Path bad = dir.resolve("bad.yaml");
    Files.writeString(
        bad,
        Files.readString(example("minimal.yaml"))
            .replace("port: 8080", "port: 80800")
            .replace("- ecsTasks ", "- ecsTask "));
    assertThat(run("validate", bad.toString())).isEqualTo(1);
    assertThat(err.toString().lines())
        .anySatisfy(
            l -> assertThat(l).startsWith(bad + ":").contains("spec.template.port: port 80800"))
        .anySatisfy(l -> assertThat(l).contains("did you mean 'ecsTasks'?"));
    assertThat(out.toString()).doesNotContain("valid");
  }

  @Test
  void missingFileIsALocatedProblemAndExitOne() {
    Path missing = dir.resolve("nope.yaml");
    assertThat(run("validate", missing.toString())).isEqualTo(1);
    assertThat(err.toString().strip()).isEqualTo(missing + ":1:1: no such file");
  }

  @Test
  void oneBadFileAmongGoodOnesStillFailsButReportsTheGoodOnes() {
    Path missing = dir.resolve("nope.yaml");
    assertThat(run("validate", example("minimal.yaml").toString(), missing.toString()))
        .isEqualTo(1);
    assertThat(out.toString()).contains("minimal.yaml: valid");
  }

  @Test
  void showDefaultsPrintsTheTaskDefinitionOfAFileInlineSoTheOutputNeedsNoFile() throws Exception {
    Path spec = dir.resolve("hello.yaml");
    Files.writeString(
        spec,
        Files.readString(example("minimal.yaml"))
            .replace(
                "    family: hello-web\n    container: web\n    port: 8080\n",
                "    fromFile: td.json\n"));
    Files.writeString(
        dir.resolve("td.json"),
        "{\"family\": \"hello-web\", \"volumes\": [],"
            + " \"containerDefinitions\": [{\"name\": \"web\", \"image\": \"nginx:1\","
            + " \"portMappings\": [{\"containerPort\": 8080}]}]}");
    assertThat(run("validate", "--show-defaults", spec.toString())).as(err.toString()).isZero();
    String shown = out.toString();
    assertThat(shown).doesNotContain("fromFile").contains("taskDefinition:", "volumes: []");

    Files.delete(dir.resolve("td.json"));
    Path written = Files.writeString(dir.resolve("effective.yaml"), shown);
    assertThat(new SpecLoader().load(written)).isNotEmpty();
  }

  @Test
  void usageErrorsExitTwo() {
    assertThat(run("validate")).isEqualTo(2);
    assertThat(err.toString()).contains("FILE");
    assertThat(run("validate", "--no-such-option", "x.yaml")).isEqualTo(2);
  }

  @Test
  void helpShowsExamples() {
    assertThat(run("validate", "--help")).isZero();
    assertThat(out.toString()).contains("--show-defaults").contains("Examples:");
  }

  @Test
  void showDefaultsPrintsTheEffectiveSpecThatLoadsBack() throws Exception {
    assertThat(run("validate", "--show-defaults", example("minimal.yaml").toString())).isZero();
    String yaml = out.toString();
    assertThat(yaml)
        .contains("launchType: FARGATE")
        .contains("networkMode: awsvpc")
        .contains("cpu: 256")
        .contains("memory: 512")
        .contains("progressDeadline: 15m")
        .doesNotContain("desiredCount") // the phase keeps the service's count
        .doesNotContain("valid (");
    assertThat(err.toString()).contains("valid (1 rollout)");
    assertThat(new SpecLoader().parse(yaml, "shown.yaml", dir))
        .isEqualTo(new SpecLoader().load(example("minimal.yaml")));
  }

  @Test
  void aRolloutIsCheckedWithTheTemplatesOfTheFilesGivenWithIt() {
    Path rollout = example("templates/ml-gateway.yaml");
    Path ready = example("templates/ml-ready.yaml");
    Path errors = example("templates/error-rate.yaml");
    assertThat(run("validate", rollout.toString(), ready.toString(), errors.toString())).isZero();
    assertThat(out.toString().lines())
        .containsExactly(
            rollout + ": valid (1 rollout)",
            ready + ": valid (1 AnalysisTemplate)",
            errors + ": valid (1 AnalysisTemplate)");
    assertThat(err.toString()).isEmpty();
  }

  @Test
  void aRolloutWithoutTheFileOfItsTemplateIsInvalidAtTheUseAndSaysWhatToGive() {
    Path rollout = example("templates/ml-gateway.yaml");
    assertThat(run("validate", rollout.toString(), example("templates/ml-ready.yaml").toString()))
        .isEqualTo(1);
    assertThat(err.toString().strip())
        .isEqualTo(
            rollout
                + ":47:21: spec.phases[1].gates[2].template: no AnalysisTemplate named"
                + " 'error-rate' in the files given; the AnalysisTemplates there: ml-ready (or give"
                + " the file that defines it too: snailtrail validate ROLLOUT.yaml"
                + " TEMPLATES.yaml)");
    assertThat(out.toString()).doesNotContain("ml-gateway.yaml: valid");
  }

  @Test
  void showDefaultsPrintsTheGatesEachUseGave() {
    assertThat(
            run(
                "validate",
                "--show-defaults",
                example("templates/ml-gateway.yaml").toString(),
                example("templates/ml-ready.yaml").toString(),
                example("templates/error-rate.yaml").toString()))
        .isZero();
    assertThat(out.toString())
        .contains("- template: error-rate")
        .contains("query: sum(rate(http_requests_total{job=\"shine-ml-gateway\",code=~\"5..\"}")
        .contains("kind: AnalysisTemplate");
  }
}
