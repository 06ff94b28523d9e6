package dev.snailtrail.controller;

import dev.snailtrail.spec.load.Problem;
import dev.snailtrail.spec.load.SpecException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Applies the rollout files of a directory: every {@code *.yaml} and {@code *.yml} file is applied
 * when first seen and whenever its content changes (by SHA-256). A file with problems is reported
 * with each problem's file, line and column and is not applied; it is looked at again when it
 * changes. Removing a file does not delete its rollout (use {@code delete}): a directory emptied by
 * mistake must not tear rollouts down.
 *
 * <p>Polls, because file-system events are unreliable on network and container file systems.
 */
public final class SpecDirWatcher implements AutoCloseable {
  /** How often the directory is read by default. */
  public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(2);

  /** Applies one file's text. */
  @FunctionalInterface
  public interface Applier {
    List<ControlPlane.Applied> apply(String sourceName, String yaml, Path baseDir)
        throws SpecException;
  }

  private final Path dir;
  private final Applier applier;
  private final PrintStream out;
  private final Map<Path, String> seen = new HashMap<>();

  /** Files refused because their rollout's stored files are damaged, with what was said. */
  private final Map<Path, String> damaged = new HashMap<>();

  private volatile ScheduledExecutorService executor;

  /**
   * @param out where applied files and problems are reported
   */
  public SpecDirWatcher(Path dir, Applier applier, PrintStream out) {
    this.dir = dir.toAbsolutePath().normalize();
    this.applier = applier;
    this.out = out;
  }

  /** A watcher applying to a controller's control plane. */
  public static SpecDirWatcher of(Path dir, ControlPlaneService controlPlane, PrintStream out) {
    return new SpecDirWatcher(dir, controlPlane::apply, out);
  }

  /** Scans now, then every {@code interval} on a thread of its own. */
  public void start(Duration interval) {
    scan();
    executor =
        Executors.newSingleThreadScheduledExecutor(
            r -> Thread.ofPlatform().name("snailtrail-watch").daemon(true).unstarted(r));
    long ms = Math.max(1, interval.toMillis());
    executor.scheduleWithFixedDelay(this::scanQuietly, ms, ms, TimeUnit.MILLISECONDS);
  }

  private void scanQuietly() {
    try {
      scan();
    } catch (RuntimeException e) {
      out.println("snailtrail controller: watching " + dir + " failed: " + e);
    }
  }

  /**
   * Reads the directory once and applies new or changed files.
   *
   * @return how many files were applied
   */
  public synchronized int scan() {
    List<Path> files;
    try (Stream<Path> list = Files.list(dir)) {
      files =
          list.filter(Files::isRegularFile)
              .filter(
                  p -> {
                    String n = p.getFileName().toString();
                    return !n.startsWith(".") && (n.endsWith(".yaml") || n.endsWith(".yml"));
                  })
              .sorted()
              .toList();
    } catch (IOException e) {
      out.println("snailtrail controller: cannot read watch directory " + dir + ": " + e);
      return 0;
    }
    seen.keySet().retainAll(files);
    damaged.keySet().retainAll(files);
    int applied = 0;
    for (Path file : files) {
      byte[] bytes;
      try {
        bytes = Files.readAllBytes(file);
      } catch (IOException e) {
        continue; // removed or being replaced; the next scan sees it settled
      }
      String hash = sha256(bytes);
      if (hash.equals(seen.get(file))) {
        continue;
      }
      seen.put(file, hash);
      String text = new String(bytes, StandardCharsets.UTF_8);
      try {
        for (ControlPlane.Applied a : applier.apply(file.toString(), text, dir)) {
          out.println(
              "snailtrail controller: applied "
                  + file.getFileName()
                  + ": rollout "
                  + a.name()
                  + " generation "
                  + a.generation()
                  + (a.changed() ? "" : " (unchanged)"));
        }
        applied++;
        damaged.remove(file);
      } catch (SpecException e) {
        out.println("snailtrail controller: not applied, " + file.getFileName() + " has problems:");
        for (Problem p : e.problems()) {
          out.println("  " + p.format());
        }
      } catch (ControlPlane.Damaged | ControlPlane.Conflict e) {
        // Tried again each scan, for a person may repair the store (or delete the rollout that
        // holds
        // the service); said again only if it changes.
        seen.remove(file);
        if (!e.getMessage().equals(damaged.put(file, e.getMessage()))) {
          out.println(
              "snailtrail controller: not applied, " + file.getFileName() + ": " + e.getMessage());
        }
      } catch (RuntimeException e) {
        // Forgotten, so the next scan tries again: a store failure may pass.
        seen.remove(file);
        out.println("snailtrail controller: could not apply " + file.getFileName() + ": " + e);
      }
    }
    return applied;
  }

  @Override
  public void close() {
    if (executor != null) {
      executor.shutdownNow();
      try {
        executor.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }
}
