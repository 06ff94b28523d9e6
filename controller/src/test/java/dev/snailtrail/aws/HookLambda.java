package dev.snailtrail.aws;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The lifecycle hook of deploy/lambda/snailtrail-hook run by a Python interpreter, through the test
 * tree's {@code hook/hook_driver.py}: {@code decide} on a table of cases, or {@code handler} on one
 * event. Every run is bounded and says what it ran when it fails.
 */
final class HookLambda {
  static final Path HANDLER = Path.of("../deploy/lambda/snailtrail-hook/handler.py");
  static final Path DRIVER = Path.of("src/test/resources/hook/hook_driver.py");
  static final Path CASES = Path.of("src/test/resources/hook-cases.json");

  private static final Duration LIMIT = Duration.ofSeconds(60);

  private HookLambda() {}

  /** What a run printed, and how it ended. */
  record Run(int exit, String stdout, String stderr) {}

  /**
   * A Python 3 interpreter: {@code SNAILTRAIL_PYTHON}, else {@code python3} or {@code python} on
   * PATH.
   *
   * @throws IllegalStateException naming what was tried and what to install
   */
  static String python() {
    Set<String> candidates = new LinkedHashSet<>();
    String configured = System.getenv("SNAILTRAIL_PYTHON");
    if (configured != null && !configured.isBlank()) {
      candidates.add(configured);
    }
    candidates.add("python3");
    candidates.add("python");
    List<String> tried = new ArrayList<>();
    for (String candidate : candidates) {
      try {
        Run run =
            run(candidate, List.of("-c", "import sys; sys.exit(sys.version_info < (3, 9))"), "");
        if (run.exit() == 0) {
          return candidate;
        }
        tried.add(candidate + " (older than 3.9)");
      } catch (IllegalStateException e) {
        tried.add(candidate + " (" + e.getMessage() + ")");
      }
    }
    throw new IllegalStateException(
        "the lifecycle hook's tests run "
            + HANDLER
            + " with Python 3.9 or later, and none was found ("
            + String.join("; ", tried)
            + "): install python3 or set SNAILTRAIL_PYTHON to an interpreter");
  }

  /** {@code decide} on every case of {@code cases}: a JSON array of {name, answer}. */
  static String decideAll(String python, Path cases) {
    Run run =
        run(
            python,
            List.of(DRIVER.toString(), HANDLER.toString(), "cases", cases.toString()),
            "",
            Map.of());
    return succeeded(run, "decide on " + cases).stdout();
  }

  /** {@code handler} on one event, with this environment besides the JVM's. */
  static Run invoke(String python, String event, Map<String, String> env) {
    Run run = run(python, List.of(DRIVER.toString(), HANDLER.toString(), "invoke"), event, env);
    return succeeded(run, "handler on " + event);
  }

  static Run run(String python, List<String> args, String stdin) {
    return run(python, args, stdin, Map.of());
  }

  static Run run(String python, List<String> args, String stdin, Map<String, String> env) {
    List<String> command = new ArrayList<>();
    command.add(python);
    command.addAll(args);
    try {
      Path in = Files.createTempFile("snailtrail-hook-in", ".json");
      Path out = Files.createTempFile("snailtrail-hook-out", ".txt");
      Path err = Files.createTempFile("snailtrail-hook-err", ".txt");
      try {
        Files.writeString(in, stdin);
        ProcessBuilder pb =
            new ProcessBuilder(command)
                .redirectInput(in.toFile())
                .redirectOutput(out.toFile())
                .redirectError(err.toFile());
        pb.environment().putAll(env);
        Process p = pb.start();
        if (!p.waitFor(LIMIT.toSeconds(), TimeUnit.SECONDS)) {
          p.destroyForcibly();
          throw new IllegalStateException(
              String.join(" ", command) + " did not end within " + LIMIT.toSeconds() + " s");
        }
        return new Run(
            p.exitValue(),
            Files.readString(out, StandardCharsets.UTF_8),
            Files.readString(err, StandardCharsets.UTF_8));
      } finally {
        for (Path f : List.of(in, out, err)) {
          Files.deleteIfExists(f);
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot run " + command.get(0) + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running " + command.get(0), e);
    }
  }

  private static Run succeeded(Run run, String what) {
    if (run.exit() != 0) {
      throw new AssertionError(
          HANDLER
              + ": "
              + what
              + " exited with "
              + run.exit()
              + ":\n"
              + run.stderr()
              + run.stdout());
    }
    return run;
  }
}
