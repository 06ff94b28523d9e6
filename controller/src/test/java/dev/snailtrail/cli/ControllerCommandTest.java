package dev.snailtrail.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ControllerCommandTest {
  @TempDir Path tmp;
  final ByteArrayOutputStream err = new ByteArrayOutputStream();
  PrintStream savedErr;

  @BeforeEach
  void captureErr() {
    savedErr = System.err;
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  @AfterEach
  void restoreErr() {
    System.setErr(savedErr);
  }

  @Test
  void refusesAnUnknownProvider() {
    int code =
        Main.run("controller", "--provider", "gcp", "--store-dir", tmp.resolve("s").toString());
    assertThat(code).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("unknown provider 'gcp'");
  }

  @Test
  void refusesAWatchDirectoryThatIsNotThere() {
    int code =
        Main.run(
            "controller",
            "--store-dir",
            tmp.resolve("s").toString(),
            "--watch-dir",
            tmp.resolve("missing").toString());
    assertThat(code).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("is not a directory");
  }

  @Test
  void refusesAResyncThatIsNotADuration() {
    int code = Main.run("controller", "--resync", "soon");
    assertThat(code).isEqualTo(2);
  }

  @Test
  void refusesAWebhookHeaderValueGivenOnTheCommandLineWithoutPrintingIt() {
    int code =
        Main.run(
            "controller",
            "--store-dir",
            tmp.resolve("s").toString(),
            "--webhook",
            "http://127.0.0.1:9/hook",
            "--webhook-header",
            "Authorization=Bearer literal-s3cret");
    assertThat(code).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("--webhook-header Authorization: give env:NAME or file:PATH")
        .doesNotContain("s3cret");
  }

  @Test
  void refusesWebhookSecretsThatCannotBeReadNamingWhereTheyWereLookedFor() throws Exception {
    String unset = "SNAILTRAIL_TEST_UNSET_" + System.nanoTime();
    assertThat(
            Main.run(
                "controller",
                "--webhook",
                "http://127.0.0.1:9/hook",
                "--webhook-header",
                "X-Key=env:" + unset))
        .isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("--webhook-header X-Key: the environment variable " + unset + " is not set");
    assertThat(Main.run("controller", "--webhook", "env:" + unset)).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("--webhook: the environment variable");
    Path url = tmp.resolve("url");
    java.nio.file.Files.writeString(url, "https://hooker:pa55word@hooks.example.com/T1/B2\n");
    assertThat(Main.run("controller", "--webhook", "file:" + url)).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("a URL carries no user or password")
        .doesNotContain("pa55word", "T1/B2");
  }

  @Test
  void refusesAWebhookTemplateWithAPlaceholderThereIsNot() throws Exception {
    Path template = tmp.resolve("slack.json");
    java.nio.file.Files.writeString(template, "{\"text\": \"{{rollout}} {{colour}}\"}");
    int code =
        Main.run(
            "controller",
            "--webhook",
            "http://127.0.0.1:9/hook",
            "--webhook-template",
            template.toString());
    assertThat(code).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("no placeholder {{colour}}; there are {{id}}");
  }

  @Test
  void refusesWebhookFiltersOfNoTypeOrWithoutAWebhook() {
    assertThat(
            Main.run("controller", "--webhook", "http://127.0.0.1:9/h", "--webhook-events", "Nope"))
        .isEqualTo(2);
    assertThat(Main.run("controller", "--webhook-min-severity", "Warning")).isEqualTo(2);
  }
}
