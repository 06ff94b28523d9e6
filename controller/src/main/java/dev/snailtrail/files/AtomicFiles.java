package dev.snailtrail.files;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Writes that survive a crash at any instant: the new content goes to a temporary file in the same
 * directory, is forced to disk, and replaces the target by an atomic rename; the directory is then
 * forced so the rename itself is durable. A reader sees the old file or the new one, never a mix; a
 * crash leaves at most a temporary file (named {@code .NAME.tmp-*}) that readers ignore. The new
 * file is readable by its owner only ({@link OwnerOnly}).
 */
public final class AtomicFiles {
  /** Temporary files start with this and contain {@link #TMP_MARK}. */
  private static final String TMP_MARK = ".tmp-";

  private AtomicFiles() {}

  /** Replaces {@code target} with {@code content} atomically and durably. */
  public static void write(Path target, byte[] content) {
    Path dir = target.toAbsolutePath().getParent();
    Path tmp =
        dir.resolve(
            "."
                + target.getFileName()
                + TMP_MARK
                + Long.toHexString(ThreadLocalRandom.current().nextLong()));
    try {
      try (FileChannel ch =
          FileChannel.open(
              tmp,
              Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
              OwnerOnly.file(tmp))) {
        writeFully(ch, content);
        ch.force(true);
      }
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
      forceDirectory(dir);
    } catch (IOException e) {
      try {
        Files.deleteIfExists(tmp);
      } catch (IOException ignored) {
        // The write already failed; a leftover temporary file is ignored by readers.
      }
      throw new UncheckedIOException("cannot write " + target, e);
    }
  }

  /** Writes every byte of {@code content} at the channel's position. */
  public static void writeFully(FileChannel ch, byte[] content) throws IOException {
    ByteBuffer buf = ByteBuffer.wrap(content);
    while (buf.hasRemaining()) {
      ch.write(buf);
    }
  }

  /**
   * Forces a directory's entries (a rename, a new file) to disk. Platforms that cannot open a
   * directory for this (Windows) make it a no-op: there the rename is as durable as it gets.
   */
  public static void forceDirectory(Path dir) {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException e) {
      // Not supported here; see above.
    }
  }

  /** Whether a file name is a temporary file left by an interrupted write. */
  public static boolean isTemporary(String fileName) {
    return fileName.startsWith(".");
  }
}
