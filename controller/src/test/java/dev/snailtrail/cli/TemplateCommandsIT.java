package dev.snailtrail.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * {@code snailtrail get analysistemplates [NAME]} and {@code snailtrail delete analysistemplate
 * NAME} against a real controller (the simulator) over its API on loopback: the templates that
 * {@code apply -f} stored, the rollouts that use them, and what a person reads when a name is wrong
 * or the controller is not there.
 */
@Timeout(120)
class TemplateCommandsIT {
  private static final Path EXAMPLES =
      Path.of(System.getProperty("snailtrail.root", ".."), "spec-examples", "templates");
  private static final String UPDATED = "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ";

  @TempDir Path dir;
  private LiveController controller;

  /** One command's exit code and what it printed. */
  record Run(int exit, String out, String err) {}

  @AfterEach
  void stop() {
    if (controller != null) {
      controller.close();
    }
  }

  private void start(boolean openReads) throws Exception {
    controller = LiveController.start(dir.resolve("store"), 1, openReads);
  }

  /** Runs a command with the controller's address and the token, as a person's shell would. */
  private Run cli(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.add("--server=" + controller.url());
    all.add("--token=" + LiveController.TOKEN);
    return raw(all.toArray(String[]::new));
  }

  private static Run raw(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = Main.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int exit = cli.execute(args);
    return new Run(exit, out.toString(), err.toString());
  }

  private static String example(String name) {
    return EXAMPLES.resolve(name).toString();
  }

  /** The two example templates and the rollout that uses both, applied as the docs show. */
  private void applyExamples() {
    Run templates = cli("apply", "-f", example("ml-ready.yaml"), "-f", example("error-rate.yaml"));
    assertThat(templates.exit()).as(templates.err()).isZero();
    Run rollout = cli("apply", "-f", example("ml-gateway.yaml"));
    assertThat(rollout.exit()).as(rollout.err()).isZero();
  }

  @Test
  void getListsTheStoredTemplatesWithTheRolloutsThatUseThem() throws Exception {
    start(false);
    applyExamples();

    Run table = cli("get", "analysistemplates");
    assertThat(table.exit()).as(table.err()).isZero();
    assertThat(table.err()).isEmpty();
    assertThat(table.out().lines().toList())
        .hasSize(3)
        .satisfies(l -> assertThat(l.get(0)).matches("NAME +GENERATION +USED BY +UPDATED"))
        .satisfies(l -> assertThat(l.get(1)).matches("error-rate +1 +shine-ml-gateway +" + UPDATED))
        .satisfies(l -> assertThat(l.get(2)).matches("ml-ready +1 +shine-ml-gateway +" + UPDATED));

    assertThat(cli("list", "analysistemplates", "-o", "name").out())
        .isEqualTo("analysistemplate/error-rate\nanalysistemplate/ml-ready\n");

    // One of them as it was applied: the YAML a person wrote, placeholders and all.
    Run yaml = cli("get", "analysistemplate", "ml-ready", "-o", "yaml");
    assertThat(yaml.exit()).as(yaml.err()).isZero();
    assertThat(yaml.out()).contains("{{args.service}}").doesNotContain("---");
    @SuppressWarnings("unchecked")
    Map<String, Object> doc =
        (Map<String, Object>) new Load(LoadSettings.builder().build()).loadFromString(yaml.out());
    assertThat(doc).containsEntry("kind", "AnalysisTemplate");
    assertThat(doc.get("metadata")).isEqualTo(Map.of("name", "ml-ready"));

    Run json = cli("get", "analysistemplate", "ml-ready", "-o", "json");
    assertThat(json.exit()).as(json.err()).isZero();
    JsonNode item = dev.snailtrail.json.Json.mapper().readTree(json.out());
    assertThat(item.get("name").asString()).isEqualTo("ml-ready");
    assertThat(item.get("generation").asLong()).isEqualTo(1);
    assertThat(item.get("usedBy").get(0).asString()).isEqualTo("shine-ml-gateway");
    assertThat(item.get("gates").toString()).isEqualTo("[\"http\",\"logs\",\"cloudwatchAlarm\"]");
  }

  @Test
  void aTemplateManyRolloutsUseNamesTheFirstThreeInTheTableAndAllInJson() throws Exception {
    start(false);
    applyExamples();
    String gateway = Files.readString(EXAMPLES.resolve("ml-gateway.yaml"));
    for (int i = 1; i <= 4; i++) {
      Path copy = dir.resolve("ml-" + i + ".yaml");
      Files.writeString(copy, gateway.replace("shine-ml-gateway", "ml-" + i));
      Run applied = cli("apply", "-f", copy.toString());
      assertThat(applied.exit()).as(applied.err()).isZero();
    }

    assertThat(cli("get", "analysistemplates").out().lines())
        .anySatisfy(
            l ->
                assertThat(l)
                    .matches("ml-ready +1 +ml-1,ml-2,ml-3 \\+ 2 more\\.\\.\\. +" + UPDATED));
    JsonNode list =
        dev.snailtrail.json.Json.mapper()
            .readTree(cli("get", "analysistemplates", "-o", "json").out());
    assertThat(list.get("items").get(1).get("usedBy").toString())
        .isEqualTo("[\"ml-1\",\"ml-2\",\"ml-3\",\"ml-4\",\"shine-ml-gateway\"]");
  }

  @Test
  void deleteWarnsThatTheRolloutsUsingItKeepItsGatesAndWhatApplyingThemAgainNeeds()
      throws Exception {
    start(false);
    applyExamples();

    Run deleted = cli("delete", "analysistemplate", "error-rate");
    assertThat(deleted.exit()).as(deleted.err()).isZero();
    assertThat(deleted.out()).isEqualTo("analysistemplate/error-rate deleted\n");
    assertThat(deleted.err())
        .isEqualTo(
            "Warning: rollout shine-ml-gateway keeps the gates error-rate gave it until applied"
                + " again. Applying a file that still uses '- template: error-rate' needs the"
                + " template: apply its file with theirs (snailtrail apply -f TEMPLATE.yaml -f"
                + " ROLLOUT.yaml), or take the use out of the file to drop those gates.\n");
    assertThat(cli("get", "analysistemplates", "-o", "name").out())
        .isEqualTo("analysistemplate/ml-ready\n");
    // The rollout still runs the deleted template's gate...
    assertThat(controller.plane().get("shine-ml-gateway").orElseThrow().spec().spec().phases())
        .last()
        .satisfies(full -> assertThat(full.gateName(4)).isEqualTo("error-rate/prometheus/0"));
    // ...and its file is applied again only with the template's, as the warning said.
    Run alone = cli("apply", "-f", example("ml-gateway.yaml"));
    assertThat(alone.exit()).isEqualTo(1);
    assertThat(alone.err()).contains("no AnalysisTemplate named 'error-rate'");
    Run together = cli("apply", "-f", example("error-rate.yaml"), "-f", example("ml-gateway.yaml"));
    assertThat(together.exit()).as(together.err()).isZero();

    // A template no stored rollout uses goes without a warning.
    assertThat(cli("delete", "shine-ml-gateway").exit()).isZero();
    Run unused = cli("delete", "analysistemplates", "ml-ready");
    assertThat(unused.exit()).as(unused.err()).isZero();
    assertThat(unused.out()).isEqualTo("analysistemplate/ml-ready deleted\n");
    assertThat(unused.err()).isEmpty();
  }

  @Test
  void theYamlOfAllOfThemIsAppliedBackAsItWas() throws Exception {
    start(false);
    applyExamples();
    Run all = cli("get", "analysistemplates", "-o", "yaml");
    assertThat(all.exit()).as(all.err()).isZero();
    Path saved = Files.writeString(dir.resolve("templates.yaml"), all.out());

    assertThat(cli("delete", "analysistemplate", "error-rate").exit()).isZero();
    assertThat(cli("delete", "analysistemplate", "ml-ready").exit()).isZero();
    Run empty = cli("get", "analysistemplates");
    assertThat(empty.out()).isEqualTo("NAME   GENERATION   USED BY   UPDATED\n");
    assertThat(empty.err()).contains("No AnalysisTemplates are stored").contains("apply -f");

    Run restored = cli("apply", "-f", saved.toString());
    assertThat(restored.exit()).as(restored.err()).isZero();
    assertThat(restored.out())
        .isEqualTo(
            "analysistemplate/error-rate configured (generation 1)\n"
                + "analysistemplate/ml-ready configured (generation 1)\n");
    Run rollout = cli("apply", "-f", example("ml-gateway.yaml"));
    assertThat(rollout.out()).isEqualTo("rollout/shine-ml-gateway unchanged (generation 1)\n");
  }

  @Test
  void anUnknownNameIsNamedWithHowToListThem() throws Exception {
    start(false);
    applyExamples();
    String expected =
        "Error from server (NotFound): no AnalysisTemplate named 'ml-redy'\n"
            + "List the stored ones with: snailtrail get analysistemplates\n";

    Run get = cli("get", "analysistemplate", "ml-redy");
    assertThat(get.exit()).isEqualTo(1);
    assertThat(get.out()).isEmpty();
    assertThat(get.err()).isEqualTo(expected);

    Run delete = cli("delete", "analysistemplate", "ml-redy");
    assertThat(delete.exit()).isEqualTo(1);
    assertThat(delete.err()).isEqualTo(expected);
  }

  @Test
  void readingTemplatesAsksForTheTokenEvenWhereRolloutsAreReadWithoutIt() throws Exception {
    start(true);
    applyExamples();
    assertThat(raw("get", "--server=" + controller.url(), "--token=not-it").exit()).isZero();

    Run refused = raw("get", "analysistemplates", "--server=" + controller.url(), "--token=not-it");
    assertThat(refused.exit()).isEqualTo(1);
    assertThat(refused.err())
        .startsWith(
            "Error from server (Unauthorized): AnalysisTemplates are read with the API token")
        .endsWith(
            "Give the API token with $SNAILTRAIL_TOKEN, tokenFile: in"
                + " ~/.config/snailtrail/config.yaml or --token.\n")
        .doesNotContain(LiveController.TOKEN);
  }

  @Test
  void anUnreachableControllerIsSaidAsForEveryOtherCommand() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    String server = "--server=http://127.0.0.1:" + port;
    for (String[] args :
        List.of(
            new String[] {"get", "analysistemplates", server},
            new String[] {"delete", "analysistemplate", "ml-ready", server},
            new String[] {"get", server})) {
      Run r = raw(args);
      assertThat(r.exit()).as(String.join(" ", args)).isEqualTo(3);
      assertThat(r.err())
          .startsWith("cannot reach the controller at http://127.0.0.1:" + port + ":")
          .contains("is `snailtrail controller` running?");
    }
  }

  @Test
  void optionsBeforeTheKindAreAUsageErrorThatSaysWhereTheyGo() throws Exception {
    start(false);
    applyExamples();

    Run before = cli("get", "-o", "yaml", "analysistemplate", "ml-ready");
    assertThat(before.exit()).isEqualTo(2);
    assertThat(before.out()).isEmpty();
    assertThat(before.err())
        .startsWith(
            "'--output' must come after 'analysistemplate' (before it, it is for rollouts):"
                + " snailtrail get analysistemplates [NAME] [OPTIONS]\n");

    Run noName = cli("delete");
    assertThat(noName.exit()).isEqualTo(2);
    assertThat(noName.err())
        .startsWith(
            "Missing the rollout's name: snailtrail delete NAME (an AnalysisTemplate's:"
                + " snailtrail delete analysistemplate NAME)");

    // After --, the word is a rollout's name again.
    Run rollout =
        raw(
            "get",
            "--server=" + controller.url(),
            "--token=" + LiveController.TOKEN,
            "--",
            "analysistemplates");
    assertThat(rollout.exit()).isEqualTo(1);
    assertThat(rollout.err())
        .isEqualTo("Error from server (NotFound): no rollout named 'analysistemplates'\n");
  }
}
