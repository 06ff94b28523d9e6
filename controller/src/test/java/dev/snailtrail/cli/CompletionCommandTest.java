package dev.snailtrail.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The scripts of {@code snailtrail completion bash|zsh}, loaded into a real bash and a real zsh and
 * asked what Tab offers, the way each shell asks when a person presses it.
 */
class CompletionCommandTest {
  private static final List<String> STATES =
      List.of(
          "Progressing",
          "Paused",
          "Healthy",
          "RollingBack",
          "Degraded",
          "Failed",
          "AwaitingApproval",
          "Deploying",
          "Waiting",
          "Analyzing",
          "Baking",
          "Shifting");

  @TempDir Path dir;

  private Path script(String shell) throws Exception {
    StringWriter out = new StringWriter();
    CommandLine cli = Main.commandLine();
    cli.setOut(new PrintWriter(out, true));
    assertThat(cli.execute("completion", shell)).isZero();
    return Files.writeString(dir.resolve("snailtrail." + shell), out.toString());
  }

  /** What bash offers for the words typed, the last being the one completed. */
  private List<String> bash(Path script, String... words) throws Exception {
    String harness =
        "source '"
            + script
            + "'\n"
            + "COMP_WORDS=("
            + quoted(words)
            + ")\nCOMP_CWORD="
            + (words.length - 1)
            + "\nCOMP_LINE=\"${COMP_WORDS[*]}\"\n"
            + "_complete_snailtrail 2>/dev/null\n"
            + "printf '%s\\n' \"${COMPREPLY[@]}\"\n";
    return run("bash", harness);
  }

  /**
   * What zsh offers: the registered completion (through zsh's bashcompinit) asked as zsh's {@code
   * _bash_complete} asks it, then matched against the word typed, as zsh's {@code compadd} does.
   */
  private List<String> zsh(Path script, String... words) throws Exception {
    String harness =
        "autoload -U compinit && compinit -u -D\n"
            + "source '"
            + script
            + "'\n"
            + "spec=${_comps[snailtrail]}\n"
            + "[[ $spec == _bash_complete* ]] || { print -u2 \"not registered: $spec\"; exit 3 }\n"
            + "words=("
            + quoted(words)
            + ")\nCURRENT=${#words}\n"
            + "typeset -a COMP_WORDS; COMP_WORDS=(\"${words[@]}\")\n"
            + "COMP_CWORD=$((CURRENT - 1)); COMP_LINE=\"$words\"\n"
            + "args=(${(z)spec}); shift args\n"
            + "for m in ${(f)\"$(compgen \"${args[@]}\" -- ${words[CURRENT]} 2>/dev/null)\"}; do\n"
            + "  if [[ $m == ${words[CURRENT]}* ]]; then print -r -- $m; fi\n"
            + "done\n";
    return run("zsh", harness);
  }

  private static String quoted(String... words) {
    StringBuilder b = new StringBuilder();
    for (String w : words) {
      b.append(" '").append(w).append('\'');
    }
    return b.toString().strip();
  }

  private List<String> run(String shell, String harness) throws Exception {
    Path file = Files.writeString(dir.resolve("harness." + shell), harness);
    Process p;
    try {
      p = new ProcessBuilder(shell, file.toString()).redirectErrorStream(false).start();
    } catch (java.io.IOException e) {
      throw new AssertionError(
          shell
              + " cannot be started ("
              + e.getMessage()
              + "): install it, e.g."
              + " scripts/ensure-zsh.sh",
          e);
    }
    p.getOutputStream().close();
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError(shell + " did not finish completing within 30 s");
    }
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.exitValue()).as(shell + " said: " + err).isZero();
    return out.lines().filter(l -> !l.isEmpty()).toList();
  }

  @Test
  void bashCompletesCommandsOptionsAndTheirValues() throws Exception {
    Path s = script("bash");
    assertThat(bash(s, "snailtrail", "wai")).containsExactly("wait");
    assertThat(bash(s, "snailtrail", "pro")).containsExactly("promote");
    assertThat(bash(s, "snailtrail", "wait", "shine", "--for", ""))
        .containsExactlyElementsOf(STATES);
    assertThat(bash(s, "snailtrail", "wait", "shine", "--for", "Deg")).containsExactly("Degraded");
    assertThat(bash(s, "snailtrail", "get", "-o", ""))
        .containsExactly("table", "wide", "json", "yaml", "name");
    assertThat(bash(s, "snailtrail", "trail", "shine", "--output", ""))
        .containsExactly("text", "md", "json", "yaml", "wide", "name");
    assertThat(bash(s, "snailtrail", "promote", "shine", "--fu")).containsExactly("--full");
    assertThat(bash(s, "snailtrail", "completion", "")).containsExactly("bash", "zsh");
    assertThat(bash(s, "snailtrail", "get", "ana"))
        .containsExactlyInAnyOrder("analysistemplates", "analysistemplate");
    assertThat(bash(s, "snailtrail", "delete", "analysist"))
        .containsExactlyInAnyOrder("analysistemplate", "analysistemplates");
    assertThat(bash(s, "snailtrail", "get", "analysistemplates", "-o", ""))
        .containsExactly("table", "json", "yaml", "name");
  }

  @Test
  void zshCompletesTheSameThroughItsBashCompletion() throws Exception {
    Path s = script("zsh");
    assertThat(zsh(s, "snailtrail", "wai")).containsExactly("wait");
    assertThat(zsh(s, "snailtrail", "wait", "shine", "--for", ""))
        .containsExactlyElementsOf(STATES);
    assertThat(zsh(s, "snailtrail", "get", "-o", "y")).containsExactly("yaml");
    assertThat(zsh(s, "snailtrail", "promote", "shine", "--fu")).containsExactly("--full");
    assertThat(zsh(s, "snailtrail", "list", "analysistemplates", "-o", "j"))
        .containsExactly("json");
  }

  @Test
  void anotherShellIsAUsageError() {
    StringWriter err = new StringWriter();
    CommandLine cli = Main.commandLine();
    cli.setErr(new PrintWriter(err, true));
    assertThat(cli.execute("completion", "fish")).isEqualTo(2);
    assertThat(err.toString()).contains("fish").contains("bash, zsh");
  }
}
