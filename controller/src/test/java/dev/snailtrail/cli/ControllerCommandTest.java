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
}
