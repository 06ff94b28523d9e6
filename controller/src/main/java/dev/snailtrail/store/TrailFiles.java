package dev.snailtrail.store;

import dev.snailtrail.files.AtomicFiles;
import dev.snailtrail.files.OwnerOnly;
import dev.snailtrail.json.Json;
import dev.snailtrail.trail.TrailEvent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import tools.jackson.core.JacksonException;

/**
 * The trail files of {@link FileStore}'s rollouts: one JSON event a line, appended and forced to
 * disk, with each file's highest sequence number kept in memory. Callers hold the rollout's lock.
 *
 * <p>A pass appends its events before it writes the status that counts them, so after a crash in
 * between the pass runs again and emits events under sequence numbers the trail already holds. An
 * event that says the same as one stored at or after the first of those numbers is the re-emitted
 * one and is dropped; an event that says something else (the pass decided differently, seeing the
 * world after its first attempt) is stored under the next free sequence number rather than lost.
 */
final class TrailFiles {
  private final Map<String, Long> lastSequence = new ConcurrentHashMap<>();

  /** A new rollout's trail file was created empty. */
  void created(String name) {
    lastSequence.put(name, 0L);
  }

  /** The rollout is gone: its trail is read from its file again if it comes back. */
  void forget(String name) {
    lastSequence.remove(name);
  }

  /** Appends what the trail does not hold yet, as above ({@link TrailDedup}). */
  Store.Appended append(String name, Path file, List<TrailEvent> events) {
    long last = lastSequence.computeIfAbsent(name, n -> loadLastSequence(file));
    TrailDedup.Fresh fresh = TrailDedup.of(events, last, from -> storedFrom(file, from));
    if (!fresh.fresh().isEmpty()) {
      write(name, file, fresh.fresh());
    }
    lastSequence.put(name, fresh.last());
    return new Store.Appended(fresh.fresh(), fresh.last());
  }

  private List<TrailEvent> storedFrom(Path file, long sequence) {
    List<TrailEvent> from = new ArrayList<>();
    for (TrailEvent e : read(file)) {
      if (e.sequence() >= sequence) {
        from.add(e);
      }
    }
    return from;
  }

  private void write(String name, Path file, List<TrailEvent> events) {
    StringBuilder lines = new StringBuilder();
    for (TrailEvent e : events) {
      lines.append(Json.mapper().writeValueAsString(e)).append('\n');
    }
    boolean created = !Files.exists(file);
    try (FileChannel ch =
        FileChannel.open(
            file,
            Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND),
            OwnerOnly.file(file))) {
      AtomicFiles.writeFully(ch, lines.toString().getBytes(StandardCharsets.UTF_8));
      ch.force(false);
    } catch (IOException e) {
      // What reached the file is unknown: read it again next time.
      lastSequence.remove(name);
      throw new UncheckedIOException("cannot append to the trail of " + name, e);
    }
    if (created) {
      AtomicFiles.forceDirectory(file.getParent());
    }
  }

  /**
   * Reads the highest sequence number in a trail file. A last line cut short by a crash mid-append
   * is cut off, so the next append starts on a line of its own.
   */
  private static long loadLastSequence(Path file) {
    if (!Files.exists(file)) {
      return 0;
    }
    try {
      byte[] bytes = Files.readAllBytes(file);
      int end = bytes.length;
      while (end > 0 && bytes[end - 1] != '\n') {
        end--;
      }
      if (end < bytes.length) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
          ch.truncate(end);
          ch.force(false);
        }
      }
      long last = 0;
      for (TrailEvent e : parse(new String(bytes, 0, end, StandardCharsets.UTF_8))) {
        last = Math.max(last, e.sequence());
      }
      return last;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read trail " + file, e);
    }
  }

  /** The events of a trail file, oldest first; none when there is no file. */
  List<TrailEvent> read(Path file) {
    try {
      return parse(Files.readString(file, StandardCharsets.UTF_8));
    } catch (NoSuchFileException e) {
      return List.of();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read trail " + file, e);
    }
  }

  private static List<TrailEvent> parse(String text) {
    List<TrailEvent> events = new ArrayList<>();
    for (String line : text.split("\n")) {
      if (line.isBlank()) {
        continue;
      }
      try {
        events.add(Json.mapper().readValue(line, TrailEvent.class));
      } catch (JacksonException e) {
        // Only a line cut short by a crash can be unreadable; it was never acknowledged.
      }
    }
    return events;
  }
}
