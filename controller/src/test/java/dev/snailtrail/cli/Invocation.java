package dev.snailtrail.cli;

import dev.snailtrail.json.Json;
import dev.snailtrail.trail.TrailEvent;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine;

/**
 * One command line run in this JVM as a person would run it, with what it printed: both what goes
 * through picocli's writers and what goes straight to {@code System.out} and {@code System.err}.
 */
record Invocation(int exit, String out, String err) {

  /** Runs {@code command} (a picocli command object, set up by the test) with {@code args}. */
  static Invocation of(Object command, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream originalOut = System.out;
    PrintStream originalErr = System.err;
    int exit;
    try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
      System.setOut(o);
      System.setErr(e);
      CommandLine cli = new CommandLine(command).setCaseInsensitiveEnumValuesAllowed(true);
      cli.setOut(new PrintWriter(o, true));
      cli.setErr(new PrintWriter(e, true));
      exit = cli.execute(args);
    } finally {
      System.setOut(originalOut);
      System.setErr(originalErr);
    }
    return new Invocation(
        exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  /** The trail a run wrote with {@code --trail-file}, or none when it wrote no file. */
  static List<TrailEvent> trail(Path jsonl) throws IOException {
    if (!Files.exists(jsonl)) {
      return List.of();
    }
    return Files.readAllLines(jsonl).stream()
        .map(l -> Json.mapper().readValue(l, TrailEvent.class))
        .toList();
  }

  /** Everything printed, for a failure message. */
  String printed() {
    return "exit " + exit + "\n--- out:\n" + out + "--- err:\n" + err;
  }
}
