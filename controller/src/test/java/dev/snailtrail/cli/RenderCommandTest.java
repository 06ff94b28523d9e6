package dev.snailtrail.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.snailtrail.json.Json;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import tools.jackson.databind.JsonNode;

class RenderCommandTest {
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
  void aSpecWithoutTemplateRendersTheLiveTaskDefinitionWithOnlyThePhaseApplied() {
    assertThat(
            run(
                "render",
                "-f",
                example("existing-service.yaml").toString(),
                "--phase",
                "payments-key"))
        .as(err.toString())
        .isZero();

    JsonNode td = Json.mapper().readTree(out.toString());
    JsonNode app = td.get("containerDefinitions").get(0);
    assertThat(app.get("image").asString()).endsWith("orders-api:3.8.0");
    assertThat(app.get("secrets").findValuesAsString("name"))
        .containsExactly("DB_PASSWORD", "API_TOKEN", "PAYMENTS_API_KEY");
    assertThat(app.get("environment").findValuesAsString("name"))
        .containsExactly("LOG_LEVEL", "PAYMENTS_MODE");
    assertThat(app.get("mountPoints").get(0).get("sourceVolume").asString()).isEqualTo("models");
    assertThat(td.get("volumes").get(0).has("efsVolumeConfiguration")).isTrue();
    assertThat(td.get("containerDefinitions").get(1).get("name").asString())
        .isEqualTo("log-router");
    assertThat(td.get("cpu").asString()).isEqualTo("512");
    assertThat(td.get("tags").findValuesAsString("key"))
        .contains("team", "snailtrail.dev/rollout", "snailtrail.dev/content-hash");
  }

  @Test
  void anUnknownPhaseIsAUsageErrorNamingThePhases() {
    assertThat(run("render", "-f", example("snail-trail.yaml").toString(), "--phase", "nope"))
        .isEqualTo(2);
    assertThat(err.toString()).contains("no phase 'nope'").contains("first-steps");
  }

  @Test
  void aSecretNamedLikeALiveVariableExitsOneSayingWhich() throws Exception {
    // The live task definition has the variable LOG_LEVEL; ECS refuses a secret of that name too.
    Path file = dir.resolve("r.yaml");
    Files.writeString(
        file,
        Files.readString(example("existing-service.yaml"))
            .replace("PAYMENTS_API_KEY: arn", "LOG_LEVEL: arn"));
    assertThat(run("render", "-f", file.toString(), "--phase", "payments-key")).isEqualTo(1);
    assertThat(err.toString())
        .contains("LOG_LEVEL is both a variable and a secret of container app");
    assertThat(out.toString()).isEmpty();
  }
}
