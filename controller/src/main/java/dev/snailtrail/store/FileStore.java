package dev.snailtrail.store;

import dev.snailtrail.files.AtomicFiles;
import dev.snailtrail.json.Json;
import dev.snailtrail.rollout.RolloutStatus;
import dev.snailtrail.spec.Rollout;
import dev.snailtrail.spec.load.SpecException;
import dev.snailtrail.spec.load.SpecLoader;
import dev.snailtrail.spec.load.SpecWriter;
import dev.snailtrail.trail.TrailEvent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * The default store: one directory per rollout under a root directory.
 *
 * <pre>
 * ROOT/NAME/spec.yaml     the effective spec (every default spelled out)
 * ROOT/NAME/meta.json     name, generation, resourceVersion, createdAt, updatedAt
 * ROOT/NAME/status.json   the RolloutStatus
 * ROOT/NAME/trail.jsonl   trail events, one JSON object a line, append-only
 * </pre>
 *
 * Files are replaced atomically ({@link AtomicFiles}); trail appends are forced to disk before
 * returning. A new rollout is assembled in a hidden directory and renamed into place, and a deleted
 * one is renamed away before it is removed, so a crash never leaves half a rollout visible. Names
 * starting with a dot are the store's own and are ignored when listing.
 *
 * <p>Safe for many threads of one process (each rollout has its own lock); two processes must not
 * share a root.
 */
public final class FileStore implements Store {
  static final String SPEC = "spec.yaml";
  static final String META = "meta.json";
  static final String STATUS = "status.json";
  static final String TRAIL = "trail.jsonl";

  private final Path root;
  private final Clock clock;
  private final Map<String, Object> locks = new ConcurrentHashMap<>();
  private final TrailFiles trails = new TrailFiles();
  private final Map<String, CachedSpec> specs = new ConcurrentHashMap<>();

  /** What {@code meta.json} holds. */
  record Meta(
      String name, long generation, long resourceVersion, Instant createdAt, Instant updatedAt) {}

  private record CachedSpec(long generation, String yaml, Rollout rollout) {}

  /**
   * Opens (creating) a store under {@code root}.
   *
   * @param clock stamps createdAt and updatedAt
   */
  public FileStore(Path root, Clock clock) {
    this.root = root.toAbsolutePath().normalize();
    this.clock = clock;
    try {
      Files.createDirectories(this.root);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create store directory " + this.root, e);
    }
  }

  public Path root() {
    return root;
  }

  @Override
  public Applied apply(Rollout rollout) {
    String name = checkName(rollout.name());
    String yaml = SpecWriter.toYaml(rollout);
    synchronized (lock(name)) {
      Path dir = root.resolve(name);
      Instant now = clock.instant();
      if (!Files.isDirectory(dir)) {
        create(name, yaml, rollout, now);
        return new Applied(name, 1, 1, true);
      }
      Meta meta = readMeta(dir);
      if (yaml.equals(readString(dir.resolve(SPEC)))) {
        return new Applied(name, meta.generation(), meta.resourceVersion(), false);
      }
      // Meta first: a crash between the two leaves a bumped generation with the old spec, which
      // reconciles to nothing new, instead of a new spec the generation does not announce.
      Meta next =
          new Meta(name, meta.generation() + 1, meta.resourceVersion() + 1, meta.createdAt(), now);
      AtomicFiles.write(dir.resolve(META), json(next));
      AtomicFiles.write(dir.resolve(SPEC), yaml.getBytes(StandardCharsets.UTF_8));
      specs.put(name, new CachedSpec(next.generation(), yaml, rollout));
      return new Applied(name, next.generation(), next.resourceVersion(), true);
    }
  }

  private void create(String name, String yaml, Rollout rollout, Instant now) {
    Path staging = root.resolve(".new-" + name + "-" + Long.toHexString(System.nanoTime()));
    try {
      Files.createDirectory(staging);
      writeDurably(staging.resolve(SPEC), yaml.getBytes(StandardCharsets.UTF_8));
      writeDurably(staging.resolve(STATUS), json(RolloutStatus.initial()));
      writeDurably(staging.resolve(TRAIL), new byte[0]);
      writeDurably(staging.resolve(META), json(new Meta(name, 1, 1, now, now)));
      AtomicFiles.forceDirectory(staging);
      Files.move(staging, root.resolve(name), StandardCopyOption.ATOMIC_MOVE);
      AtomicFiles.forceDirectory(root);
    } catch (IOException e) {
      deleteTree(staging);
      throw new UncheckedIOException("cannot create rollout " + name + " in " + root, e);
    }
    specs.put(name, new CachedSpec(1, yaml, rollout));
    trails.created(name);
  }

  @Override
  public Optional<StoredRollout> get(String name) {
    if (!validName(name)) {
      return Optional.empty();
    }
    synchronized (lock(name)) {
      Path dir = root.resolve(name);
      if (!Files.isDirectory(dir)) {
        return Optional.empty();
      }
      Meta meta = readMeta(dir);
      Rollout spec = spec(name, dir, meta.generation());
      RolloutStatus status = readStatus(dir);
      return Optional.of(
          new StoredRollout(
              name,
              meta.generation(),
              meta.resourceVersion(),
              spec,
              status,
              meta.createdAt(),
              meta.updatedAt()));
    }
  }

  private Rollout spec(String name, Path dir, long generation) {
    CachedSpec cached = specs.get(name);
    if (cached != null && cached.generation() == generation) {
      return cached.rollout();
    }
    String yaml = readString(dir.resolve(SPEC));
    Rollout rollout;
    try {
      // The writer inlines every task definition; only a spec stored by an earlier version can
      // still name one by its (absolute) fromFile path, which is read here as it was then.
      rollout = new SpecLoader().parse(yaml, dir.resolve(SPEC).toString(), dir).get(0);
    } catch (SpecException e) {
      // The store only ever holds what the loader accepted and the writer wrote.
      throw new IllegalStateException(
          "stored spec of " + name + " does not load: " + e.getMessage(), e);
    }
    specs.put(name, new CachedSpec(generation, yaml, rollout));
    return rollout;
  }

  @Override
  public List<String> names() {
    try (Stream<Path> dirs = Files.list(root)) {
      return dirs.filter(d -> !AtomicFiles.isTemporary(d.getFileName().toString()))
          .filter(d -> Files.isRegularFile(d.resolve(META)))
          .map(d -> d.getFileName().toString())
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list store " + root, e);
    }
  }

  @Override
  public long writeStatus(String name, long expectedResourceVersion, RolloutStatus status) {
    checkName(name);
    synchronized (lock(name)) {
      Path dir = root.resolve(name);
      if (!Files.isDirectory(dir)) {
        throw new Conflict("rollout " + name + " was deleted");
      }
      Meta meta = readMeta(dir);
      if (meta.resourceVersion() != expectedResourceVersion) {
        throw new Conflict(
            "rollout "
                + name
                + " changed: resourceVersion is "
                + meta.resourceVersion()
                + ", the write expected "
                + expectedResourceVersion);
      }
      AtomicFiles.write(dir.resolve(STATUS), json(status));
      Meta next =
          new Meta(
              name,
              meta.generation(),
              meta.resourceVersion() + 1,
              meta.createdAt(),
              clock.instant());
      AtomicFiles.write(dir.resolve(META), json(next));
      return next.resourceVersion();
    }
  }

  @Override
  public Appended appendTrail(String name, List<TrailEvent> events) {
    checkName(name);
    synchronized (lock(name)) {
      Path dir = root.resolve(name);
      if (!Files.isDirectory(dir)) {
        throw new Conflict("rollout " + name + " was deleted");
      }
      return trails.append(name, dir.resolve(TRAIL), events);
    }
  }

  @Override
  public List<TrailEvent> trail(String name) {
    if (!validName(name)) {
      return List.of();
    }
    synchronized (lock(name)) {
      return trails.read(root.resolve(name).resolve(TRAIL));
    }
  }

  @Override
  public boolean delete(String name) {
    if (!validName(name)) {
      return false;
    }
    synchronized (lock(name)) {
      Path dir = root.resolve(name);
      if (!Files.isDirectory(dir)) {
        return false;
      }
      Path doomed = root.resolve(".deleted-" + name + "-" + Long.toHexString(System.nanoTime()));
      try {
        Files.move(dir, doomed, StandardCopyOption.ATOMIC_MOVE);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot delete rollout " + name, e);
      }
      AtomicFiles.forceDirectory(root);
      specs.remove(name);
      trails.forget(name);
      deleteTree(doomed);
      return true;
    }
  }

  @Override
  public void check() {
    if (!Files.isDirectory(root) || !Files.isReadable(root)) {
      throw new UncheckedIOException(
          new IOException("store directory " + root + " is missing or unreadable"));
    }
    names();
  }

  private Object lock(String name) {
    return locks.computeIfAbsent(name, n -> new Object());
  }

  private static boolean validName(String name) {
    return name != null
        && !name.isEmpty()
        && !name.startsWith(".")
        && name.indexOf('/') < 0
        && name.indexOf('\\') < 0;
  }

  private static String checkName(String name) {
    if (!validName(name)) {
      throw new IllegalArgumentException("not a rollout name: " + name);
    }
    return name;
  }

  private static Meta readMeta(Path dir) {
    try {
      return Json.mapper().readValue(Files.readAllBytes(dir.resolve(META)), Meta.class);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + dir.resolve(META), e);
    }
  }

  private RolloutStatus readStatus(Path dir) {
    try {
      return Json.mapper().readValue(Files.readAllBytes(dir.resolve(STATUS)), RolloutStatus.class);
    } catch (NoSuchFileException e) {
      return StatusFromTrail.rebuild(trails.read(dir.resolve(TRAIL)));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + dir.resolve(STATUS), e);
    }
  }

  private static String readString(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      return "";
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  private static byte[] json(Object value) {
    return Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(value);
  }

  private static void writeDurably(Path file, byte[] content) throws IOException {
    try (FileChannel ch =
        FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      AtomicFiles.writeFully(ch, content);
      ch.force(true);
    }
  }

  private static void deleteTree(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> all = Files.walk(dir)) {
      for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      // A hidden leftover directory: names() ignores it.
    }
  }
}
