package dev.snailtrail.store;

import dev.snailtrail.files.OwnerOnly;
import dev.snailtrail.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Set;
import tools.jackson.core.JacksonException;

/**
 * A controller's exclusive hold on a store directory: an operating-system lock on {@code
 * ROOT/.lock}, held until closed or until the process ends (the system frees it then, however the
 * process ended), so a second controller on the same directory is refused instead of running
 * alongside the first. The file records who holds it, for the refusal to name them.
 */
public final class StoreLock implements AutoCloseable {
  /** The lock file in the store's root; a dot name, so never taken for a rollout. */
  public static final String FILE = ".lock";

  private final FileChannel channel;
  private final FileLock lock;

  /** Who holds a store: what the lock file says. */
  record Holder(long pid, String host, Instant since) {}

  private StoreLock(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
  }

  /**
   * Takes the store under {@code root} (creating the directory), recording this process.
   *
   * @param now when this process took it, recorded for the next one to see
   * @throws Held when another process, or this one, holds it
   * @throws UncheckedIOException when the lock file cannot be opened or written
   */
  public static StoreLock acquire(Path root, Instant now) {
    Path dir = root.toAbsolutePath().normalize();
    Path file = dir.resolve(FILE);
    FileChannel channel = null;
    try {
      Files.createDirectories(dir, OwnerOnly.directory(dir));
      // Owner-only before the lock is taken: the store tightens its files when it opens, and a
      // change of mode opens and closes the file, which would free a lock this process holds (a
      // POSIX lock goes with the first close of any descriptor of the file in the process).
      OwnerOnly.tighten(dir);
      channel =
          FileChannel.open(
              file,
              Set.of(StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE),
              OwnerOnly.file(file));
      FileLock lock = tryLock(channel);
      if (lock == null) {
        channel.close();
        throw new Held(dir, holder(file));
      }
      byte[] me =
          Json.mapper()
              .writeValueAsBytes(new Holder(ProcessHandle.current().pid(), hostName(), now));
      channel.truncate(0);
      channel.write(ByteBuffer.wrap(me), 0);
      channel.force(true);
      return new StoreLock(channel, lock);
    } catch (IOException e) {
      closeQuietly(channel);
      throw new UncheckedIOException("cannot lock the store " + dir + " (" + file + ")", e);
    }
  }

  private static FileLock tryLock(FileChannel channel) throws IOException {
    try {
      return channel.tryLock();
    } catch (OverlappingFileLockException e) {
      return null; // this process holds it already
    }
  }

  /** The holder the lock file names, or null when it names none yet (or cannot be read). */
  private static Holder holder(Path file) {
    try {
      byte[] bytes = Files.readAllBytes(file);
      return bytes.length == 0 ? null : Json.mapper().readValue(bytes, Holder.class);
    } catch (IOException | JacksonException e) {
      return null;
    }
  }

  private static String hostName() {
    String env = System.getenv("HOSTNAME");
    if (env != null && !env.isBlank()) {
      return env;
    }
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "an unnamed host";
    }
  }

  private static void closeQuietly(FileChannel channel) {
    if (channel == null) {
      return;
    }
    try {
      channel.close();
    } catch (IOException e) {
      // Nothing was taken; what remains is an open file the process end closes.
    }
  }

  /** Lets the store go; the lock file stays, naming the last holder, and locks nothing. */
  @Override
  public void close() {
    try {
      lock.release();
    } catch (IOException e) {
      // The channel's close below frees it too.
    }
    closeQuietly(channel);
  }

  /** Another controller (or this process) holds the store; the message names it. */
  public static final class Held extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Held(Path root, Holder holder) {
      super(message(root, holder));
    }

    private static String message(Path root, Holder h) {
      Path file = root.resolve(FILE);
      String who =
          h == null
              ? "another process (it has not written who it is into " + file + " yet)"
              : "process " + h.pid() + " on " + h.host() + " (since " + h.since() + ")";
      String gone =
          h == null
              ? ""
              : " If process "
                  + h.pid()
                  + " is not running on "
                  + h.host()
                  + ", the lock outlived it, which only a network file system does (for a host"
                  + " that went away): once that host is gone for good, remove "
                  + file
                  + " and start again.";
      return "the store "
          + root
          + " is in use by "
          + who
          + ": only one controller may use a store directory. Stop that controller first, or"
          + " give this one another --store-dir."
          + gone;
    }
  }
}
