package dev.snailtrail.store;

import dev.snailtrail.files.AtomicFiles;
import dev.snailtrail.files.OwnerOnly;
import dev.snailtrail.json.Json;
import dev.snailtrail.rollout.RolloutStatus;
import dev.snailtrail.spec.Rollout;
import dev.snailtrail.spec.load.SpecWriter;
import dev.snailtrail.trail.TrailEvent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
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
 * returning. Files and directories are readable by their owner only ({@link OwnerOnly}): a spec
 * holds environment values and gate credentials in plain text. A new rollout is assembled in a
 * hidden directory and renamed into place, and a deleted one is renamed away before it is removed,
 * so a crash never leaves half a rollout visible. Names starting with a dot are the store's own and
 * are ignored when listing.
 *
 * <p>A file that cannot be read (empty, not JSON, cut short, of the wrong shape, unreadable) makes
 * its rollout {@link StoreDamaged}: nothing of it is written until a person repairs the file. A
 * missing {@code status.json} is rebuilt from the trail ({@link StatusFromTrail}).
 *
 * <p>Safe for many threads of one process (each rollout has its own lock); two processes must not
 * share a root, which {@link StoreLock} sees to.
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
  private final ParsedFiles parsed = new ParsedFiles();

  /** What {@code meta.json} holds. */
  record Meta(
      String name, long generation, long resourceVersion, Instant createdAt, Instant updatedAt) {}

  /** A parsed spec, good while the generation and the file (its time and size) are the same. */
  private record CachedSpec(
      long generation, String yaml, Rollout rollout, RolloutFiles.Stamp file) {}

  /**
   * Opens (creating) a store under {@code root}.
   *
   * @param clock stamps createdAt and updatedAt
   */
  public FileStore(Path root, Clock clock) {
    this.root = root.toAbsolutePath().normalize();
    this.clock = clock;
    try {
      OwnerOnly.createDirectories(this.root);
      // A store from before it was made owner-only: its specs hold secrets in plain text.
      OwnerOnly.tighten(this.root);
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
      // A damaged rollout is refused whole: its files stay as they are for a person.
      StoredRollout stored = read(name, dir);
      Meta meta =
          new Meta(
              name,
              stored.generation(),
              stored.resourceVersion(),
              stored.createdAt(),
              stored.updatedAt());
      if (yaml.equals(specs.get(name).yaml())) {
        return new Applied(name, meta.generation(), meta.resourceVersion(), false);
      }
      // Meta first: a crash between the two leaves a bumped generation with the old spec, which
      // reconciles to nothing new, instead of a new spec the generation does not announce.
      Meta next =
          new Meta(name, meta.generation() + 1, meta.resourceVersion() + 1, meta.createdAt(), now);
      AtomicFiles.write(dir.resolve(META), json(next));
      parsed.wroteMeta(name, dir, next);
      AtomicFiles.write(dir.resolve(SPEC), yaml.getBytes(StandardCharsets.UTF_8));
      specs.put(
          name,
          new CachedSpec(next.generation(), yaml, rollout, RolloutFiles.stamp(dir.resolve(SPEC))));
      return new Applied(name, next.generation(), next.resourceVersion(), true);
    }
  }

  private void create(String name, String yaml, Rollout rollout, Instant now) {
    parsed.forget(name);
    Path staging = root.resolve(".new-" + name + "-" + Long.toHexString(System.nanoTime()));
    try {
      Files.createDirectory(staging, OwnerOnly.directory(staging));
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
    specs.put(
        name,
        new CachedSpec(1, yaml, rollout, RolloutFiles.stamp(root.resolve(name).resolve(SPEC))));
    trails.created(name);
  }

  /**
   * {@inheritDoc}
   *
   * @throws StoreDamaged when a file of the rollout cannot be read
   */
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
      return Optional.of(read(name, dir));
    }
  }

  /**
   * Reads every file of a rollout, or throws {@link StoreDamaged} naming the first that cannot be
   * read, with what the others hold. A missing status is rebuilt from the trail.
   */
  private StoredRollout read(String name, Path dir) {
    Unreadable damage = null;
    Meta meta = null;
    Rollout spec = null;
    RolloutStatus status = null;
    try {
      meta = parsed.meta(name, dir);
    } catch (Unreadable e) {
      damage = e;
    }
    try {
      spec = spec(name, dir, meta == null ? -1 : meta.generation());
    } catch (Unreadable e) {
      damage = damage != null ? damage : e;
    }
    try {
      status = parsed.status(name, dir, () -> StatusFromTrail.rebuild(trail(dir)));
    } catch (Unreadable e) {
      damage = damage != null ? damage : e;
    }
    StoredRollout read =
        meta == null
            ? new StoredRollout(name, 0, 0, spec, status, null, null)
            : new StoredRollout(
                name,
                meta.generation(),
                meta.resourceVersion(),
                spec,
                status,
                meta.createdAt(),
                meta.updatedAt());
    if (damage == null) {
      return read;
    }
    throw StoreDamaged.of(name, damage, read, clock.instant());
  }

  private List<TrailEvent> trail(Path dir) {
    return trails.read(dir.resolve(TRAIL));
  }

  /** The stored spec, parsed once per generation ({@code generation} -1: unknown, not cached). */
  private Rollout spec(String name, Path dir, long generation) throws Unreadable {
    CachedSpec cached = specs.get(name);
    RolloutFiles.Stamp file = RolloutFiles.stamp(dir.resolve(SPEC));
    if (cached != null && cached.generation() == generation && cached.file().equals(file)) {
      return cached.rollout();
    }
    String yaml = RolloutFiles.specText(dir);
    Rollout rollout = RolloutFiles.spec(dir, yaml);
    if (generation >= 0) {
      specs.put(name, new CachedSpec(generation, yaml, rollout, file));
    }
    return rollout;
  }

  @Override
  public List<String> names() {
    try (Stream<Path> dirs = Files.list(root)) {
      return dirs.filter(d -> !AtomicFiles.isTemporary(d.getFileName().toString()))
          .filter(d -> Files.exists(d.resolve(META)) || Files.exists(d.resolve(SPEC)))
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
      // Read whole, so that a status is never written over files a person must look at.
      StoredRollout stored = read(name, dir);
      if (stored.resourceVersion() != expectedResourceVersion) {
        throw new Conflict(
            "rollout "
                + name
                + " changed: resourceVersion is "
                + stored.resourceVersion()
                + ", the write expected "
                + expectedResourceVersion);
      }
      AtomicFiles.write(dir.resolve(STATUS), json(status));
      parsed.wroteStatus(name, dir, status);
      Meta next =
          new Meta(
              name,
              stored.generation(),
              stored.resourceVersion() + 1,
              stored.createdAt(),
              clock.instant());
      AtomicFiles.write(dir.resolve(META), json(next));
      parsed.wroteMeta(name, dir, next);
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
      parsed.forget(name);
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

  private static byte[] json(Object value) {
    return Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(value);
  }

  private static void writeDurably(Path file, byte[] content) throws IOException {
    try (FileChannel ch =
        FileChannel.open(
            file,
            Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
            OwnerOnly.file(file))) {
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
