package dev.snailtrail.controller;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code snailtrail controller} in a JVM of its own, on the test's classpath. Its output goes to a
 * file rather than a pipe: when a process ends, the JDK drains its pipe away from a thread still
 * reading it, and the last lines (the ones a shutdown prints) could be lost to the test.
 */
final class ControllerProcess {
  /** Every process started and not yet ended, so a failed test can end them. */
  private static final java.util.Set<Process> LIVE =
      java.util.concurrent.ConcurrentHashMap.newKeySet();

  final Process process;
  private final Path log;

  private ControllerProcess(Process process, Path log) {
    this.process = process;
    this.log = log;
  }

  static ControllerProcess start(Path storeDir, Path watchDir, double speed) throws IOException {
    return start(storeDir, watchDir, speed, null);
  }

  /** As {@link #start(Path, Path, double)}, with the API token in the environment when given. */
  static ControllerProcess start(Path storeDir, Path watchDir, double speed, String token)
      throws IOException {
    return start(storeDir, watchDir, speed, token, null);
  }

  /** As {@link #start(Path, Path, double, String)}, working in {@code workDir} when given. */
  static ControllerProcess start(
      Path storeDir, Path watchDir, double speed, String token, Path workDir) throws IOException {
    return start(storeDir, watchDir, speed, token, workDir, List.of(), java.util.Map.of());
  }

  /**
   * As {@link #start(Path, Path, double, String, Path)}, with more arguments and environment
   * variables.
   */
  static ControllerProcess start(
      Path storeDir,
      Path watchDir,
      double speed,
      String token,
      Path workDir,
      List<String> moreArgs,
      java.util.Map<String, String> moreEnv)
      throws IOException {
    List<String> args = new ArrayList<>();
    args.addAll(List.of("--provider", "sim", "--speed", Double.toString(speed)));
    args.addAll(List.of("--store-dir", storeDir.toString()));
    args.addAll(List.of("--watch-dir", watchDir.toString()));
    args.addAll(moreArgs);
    Path log = Files.createTempFile(watchDir.getParent(), "controller-", ".log");
    return launch(args, log, token, workDir, moreEnv);
  }

  /**
   * {@code snailtrail controller --plain --listen 127.0.0.1:0} and {@code args}, nothing else
   * chosen for it (the provider and the store included), its output in {@code log}, the API token
   * in the environment when given, and {@code env} added to the environment (a null value takes the
   * variable out).
   */
  static ControllerProcess launch(
      List<String> args, Path log, String token, Path workDir, java.util.Map<String, String> env)
      throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> cmd = new ArrayList<>();
    cmd.add(java);
    cmd.add("-XX:TieredStopAtLevel=1"); // starts faster; these runs are short
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add("dev.snailtrail.cli.Main");
    cmd.add("controller");
    cmd.add("--plain");
    cmd.add("--listen");
    cmd.add("127.0.0.1:0");
    cmd.addAll(args);
    ProcessBuilder pb =
        new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
    if (workDir != null) {
      pb.directory(workDir.toFile());
    }
    if (token != null) {
      pb.environment().put("SNAILTRAIL_TOKEN", token);
    } else {
      pb.environment().remove("SNAILTRAIL_TOKEN");
    }
    env.forEach(
        (name, value) -> {
          if (value == null) {
            pb.environment().remove(name);
          } else {
            pb.environment().put(name, value);
          }
        });
    Process process = pb.start();
    LIVE.add(process);
    process.onExit().thenAccept(LIVE::remove);
    return new ControllerProcess(process, log);
  }

  /** Kills every controller a test left running (one whose assertion failed mid-run). */
  static void killAll() throws InterruptedException {
    for (Process p : List.copyOf(LIVE)) {
      p.destroyForcibly();
      awaitGone(p);
    }
  }

  /** Waits for the "started" line; false when the process ended or the time ran out first. */
  boolean awaitStarted(long seconds) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (System.nanoTime() < deadline) {
      if (output().contains("snailtrail controller: started\n")) {
        return true;
      }
      if (!process.isAlive()) {
        return false;
      }
      Thread.sleep(5);
    }
    return false;
  }

  /** SIGKILL, and wait until it is gone. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    awaitGone(process);
  }

  /** A killed process is gone within moments; one that is not is a broken machine, not a wait. */
  private static void awaitGone(Process p) throws InterruptedException {
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      throw new AssertionError("process " + p.pid() + " still running 30 s after SIGKILL");
    }
  }

  /** SIGTERM; returns the exit code. */
  int terminate() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("the controller did not stop within 60 s of SIGTERM:\n" + output());
    }
    return process.exitValue();
  }

  /** The API's base URL, from the line the controller prints when it listens. */
  String apiUrl() {
    var m = java.util.regex.Pattern.compile("API at (http://[0-9.]+:[0-9]+)").matcher(output());
    if (!m.find()) {
      throw new AssertionError("the controller printed no API address:\n" + output());
    }
    return m.group(1);
  }

  String output() {
    try {
      return Files.readString(log, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(output unreadable: " + e + ")";
    }
  }
}
