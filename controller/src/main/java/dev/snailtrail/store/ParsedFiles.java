package dev.snailtrail.store;

import dev.snailtrail.rollout.RolloutStatus;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The parsed {@code meta.json} and {@code status.json} of {@link FileStore}'s rollouts, each good
 * while its file's stamp (time, size, identity) is the one it was parsed or written under. A pass
 * reads a rollout and writes its status; both read the files again only when something other than
 * this store changed them (a person repairing a file, an earlier process), so a pass pays a few
 * {@code stat}s instead of two JSON parses twice. Callers hold the rollout's lock.
 *
 * <p>A stamp is taken before the file is read: a change racing the read leaves a newer stamp on
 * disk than the one cached, and the next read parses again.
 */
final class ParsedFiles {
  private record Parsed<T>(RolloutFiles.Stamp stamp, T value) {}

  private final Map<String, Parsed<FileStore.Meta>> metas = new ConcurrentHashMap<>();
  private final Map<String, Parsed<RolloutStatus>> statuses = new ConcurrentHashMap<>();

  FileStore.Meta meta(String name, Path dir) throws Unreadable {
    return parsed(metas, name, dir.resolve(FileStore.META), () -> RolloutFiles.meta(dir));
  }

  /** The status; one rebuilt because the file is missing is not kept. */
  RolloutStatus status(String name, Path dir, Supplier<RolloutStatus> whenMissing)
      throws Unreadable {
    return parsed(
        statuses, name, dir.resolve(FileStore.STATUS), () -> RolloutFiles.status(dir, whenMissing));
  }

  /** What a file of the rollouts says, parsed. */
  private interface Parse<T> {
    T parse() throws Unreadable;
  }

  private static <T> T parsed(Map<String, Parsed<T>> map, String name, Path file, Parse<T> parse)
      throws Unreadable {
    RolloutFiles.Stamp stamp = RolloutFiles.stamp(file);
    Parsed<T> cached = map.get(name);
    if (cached != null && known(stamp) && cached.stamp().equals(stamp)) {
      return cached.value();
    }
    map.remove(name);
    T value = parse.parse();
    if (known(stamp)) {
      map.put(name, new Parsed<>(stamp, value));
    }
    return value;
  }

  /** This store has just replaced {@code meta.json} with {@code meta}. */
  void wroteMeta(String name, Path dir, FileStore.Meta meta) {
    put(metas, name, dir.resolve(FileStore.META), meta);
  }

  /** This store has just replaced {@code status.json} with {@code status}. */
  void wroteStatus(String name, Path dir, RolloutStatus status) {
    put(statuses, name, dir.resolve(FileStore.STATUS), status);
  }

  /** The rollout is gone, or its files are in doubt: read them again next time. */
  void forget(String name) {
    metas.remove(name);
    statuses.remove(name);
  }

  private static <T> void put(Map<String, Parsed<T>> map, String name, Path file, T value) {
    RolloutFiles.Stamp stamp = RolloutFiles.stamp(file);
    if (known(stamp)) {
      map.put(name, new Parsed<>(stamp, value));
    } else {
      map.remove(name);
    }
  }

  private static boolean known(RolloutFiles.Stamp stamp) {
    return stamp.size() >= 0 && stamp.modified() != null;
  }
}
