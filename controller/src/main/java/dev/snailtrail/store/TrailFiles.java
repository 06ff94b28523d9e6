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
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import tools.jackson.core.JacksonException;

/**
 * The trail files of {@link FileStore}'s rollouts: one JSON event a line, appended and forced to
 * disk, with the ids each file holds kept in memory so that an event re-emitted after a crash is
 * appended once. Callers hold the rollout's lock.
 */
final class TrailFiles {
  private final Map<String, Set<String>> ids = new ConcurrentHashMap<>();

  /** A new rollout's trail file was created empty. */
  void created(String name) {
    ids.put(name, new HashSet<>());
  }

  /** The rollout is gone: its ids are read from its file again if it comes back. */
  void forget(String name) {
    ids.remove(name);
  }

  /** Appends the events whose ids the rollout's trail does not hold yet; those it appended. */
  List<TrailEvent> append(String name, Path file, List<TrailEvent> events) {
    Set<String> known = ids.computeIfAbsent(name, n -> loadIds(file));
    Map<String, TrailEvent> fresh = new LinkedHashMap<>();
    for (TrailEvent e : events) {
      if (!known.contains(e.id())) {
        fresh.putIfAbsent(e.id(), e);
      }
    }
    if (fresh.isEmpty()) {
      return List.of();
    }
    write(name, file, fresh.values());
    known.addAll(fresh.keySet());
    return List.copyOf(fresh.values());
  }

  private void write(String name, Path file, Collection<TrailEvent> events) {
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
      // What reached the file is unknown: reload the index from it next time.
      ids.remove(name);
      throw new UncheckedIOException("cannot append to the trail of " + name, e);
    }
    if (created) {
      AtomicFiles.forceDirectory(file.getParent());
    }
  }

  /**
   * Reads the ids in a trail file. A last line cut short by a crash mid-append is cut off, so the
   * next append starts on a line of its own.
   */
  private static Set<String> loadIds(Path file) {
    Set<String> ids = new HashSet<>();
    if (!Files.exists(file)) {
      return ids;
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
      for (TrailEvent e : parse(new String(bytes, 0, end, StandardCharsets.UTF_8))) {
        ids.add(e.id());
      }
      return ids;
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
