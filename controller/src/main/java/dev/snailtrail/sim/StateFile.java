package dev.snailtrail.sim;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.snailtrail.files.AtomicFiles;
import dev.snailtrail.files.OwnerOnly;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import tools.jackson.core.JacksonException;

/**
 * Where {@link PersistentSimulator} keeps the world: JSON lines, appended to as the world changes,
 * never rewritten whole on a save. The first line holds the seed and start; each later line one
 * change ({@link Op}), one rollout seeded, or the simulated instant saved at. A save appends what
 * is new and forces it to disk, so its cost follows what a pass changed, not the world's size (a
 * world of thousands of services is megabytes). A line a crash cut short, always the last, is
 * ignored: what it held was not yet saved. Once appended instants far outnumber the rest, the file
 * is compacted: rewritten atomically with the changes, the seeded rollouts and the last instant.
 *
 * <p>A file written whole by earlier versions (one JSON object with the snapshot in it) is read
 * too, and rewritten in lines on the first save.
 */
final class StateFile {
  /** One line of the file: exactly one of its groups is set. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record Line(Long seed, Instant start, Op change, String seeded, Instant now) {}

  /** A whole-file state of earlier versions. */
  record Whole(Instant now, List<String> seeded, String snapshot) {}

  /** What the file holds. */
  record Content(long seed, Instant start, List<Op> changes, Set<String> seeded, Instant now) {}

  private final Path path;
  private int instantsSinceCompaction;
  private boolean needsRewrite;

  StateFile(Path path) {
    this.path = path;
  }

  Path path() {
    return path;
  }

  /**
   * Reads the file.
   *
   * @throws UncheckedIOException when it cannot be read, or holds no world
   */
  static Content read(Path path) {
    String text;
    try {
      text = Files.readString(path, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read simulator state " + path, e);
    }
    String first = text.lines().findFirst().orElse("");
    if (first.contains("\"snapshot\"")) { // the header line of lines never holds one
      Whole whole = Journal.SNAPSHOTS.readValue(text, Whole.class);
      Journal.Snapshot s = Journal.read(whole.snapshot());
      return new Content(
          s.seed(), s.start(), s.ops(), new LinkedHashSet<>(whole.seeded()), whole.now());
    }
    return lines(path, text.split("\n", -1));
  }

  private static Content lines(Path path, String[] lines) {
    Long seed = null;
    Instant start = null;
    Instant now = null;
    List<Op> changes = new ArrayList<>();
    Set<String> seeded = new LinkedHashSet<>();
    for (int i = 0; i < lines.length; i++) {
      if (lines[i].isBlank()) {
        continue;
      }
      Line line;
      try {
        line = Journal.SNAPSHOTS.readValue(lines[i], Line.class);
      } catch (JacksonException e) {
        if (i >= lines.length - 2) {
          break; // the last line, cut short by a crash: not saved
        }
        throw new UncheckedIOException(
            new IOException("simulator state " + path + " line " + (i + 1) + ": " + e));
      }
      if (line.seed() != null) {
        seed = line.seed();
        start = line.start();
      } else if (line.change() != null) {
        changes.add(line.change());
        now = later(now, line.change().at());
      } else if (line.seeded() != null) {
        seeded.add(line.seeded());
      } else if (line.now() != null) {
        now = later(now, line.now());
      }
    }
    if (seed == null) {
      throw new UncheckedIOException(
          new IOException("simulator state " + path + " has no world (no seed line)"));
    }
    return new Content(seed, start, changes, seeded, now == null ? start : now);
  }

  private static Instant later(Instant a, Instant b) {
    return a == null || b.isAfter(a) ? b : a;
  }

  /** Starts the file afresh with a whole world (a new one, or one read from an older format). */
  void rewrite(Content c) {
    StringBuilder b = new StringBuilder();
    append(b, new Line(c.seed(), c.start(), null, null, null));
    c.changes().forEach(op -> append(b, new Line(null, null, op, null, null)));
    c.seeded().forEach(name -> append(b, new Line(null, null, null, name, null)));
    append(b, new Line(null, null, null, null, c.now()));
    AtomicFiles.write(path, b.toString().getBytes(StandardCharsets.UTF_8));
    instantsSinceCompaction = 0;
    needsRewrite = false;
  }

  /** Marks the file as one to rewrite whole at the next save (it is of an older format). */
  void rewriteOnNextSave() {
    needsRewrite = true;
  }

  boolean needsRewrite() {
    return needsRewrite;
  }

  /** Whether appended instants have come to outnumber the changes enough to compact. */
  boolean wantsCompaction(int changes) {
    return instantsSinceCompaction > Math.max(10_000, 2 * changes);
  }

  /** Appends these changes, seeded rollouts and the instant, and forces them to disk. */
  void append(List<Op> changes, List<String> seeded, Instant now) {
    StringBuilder b = new StringBuilder();
    changes.forEach(op -> append(b, new Line(null, null, op, null, null)));
    seeded.forEach(name -> append(b, new Line(null, null, null, name, null)));
    append(b, new Line(null, null, null, null, now));
    instantsSinceCompaction++;
    try (FileChannel ch =
        FileChannel.open(
            path,
            Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND),
            OwnerOnly.file(path))) {
      AtomicFiles.writeFully(ch, b.toString().getBytes(StandardCharsets.UTF_8));
      ch.force(false);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot append to simulator state " + path, e);
    }
  }

  private static void append(StringBuilder b, Line line) {
    b.append(Journal.SNAPSHOTS.writeValueAsString(line)).append('\n');
  }
}
