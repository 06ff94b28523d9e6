package dev.snailtrail.files;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Files and directories only their owner may read: specs hold environment values and gate
 * credentials in plain text. On POSIX file systems files are created {@code 0600} and directories
 * {@code 0700} (a umask can only take bits away from these); elsewhere (Windows) the platform's
 * defaults stand.
 */
public final class OwnerOnly {
  private static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");
  private static final Set<PosixFilePermission> DIRECTORY =
      PosixFilePermissions.fromString("rwx------");

  private OwnerOnly() {}

  /** Whether the file system of {@code path} has POSIX permissions. */
  public static boolean posix(Path path) {
    return path.getFileSystem().supportedFileAttributeViews().contains("posix");
  }

  /** The attribute that creates a file {@code 0600}; none where there are no POSIX permissions. */
  public static FileAttribute<?>[] file(Path path) {
    return posix(path)
        ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(FILE)}
        : new FileAttribute<?>[0];
  }

  /** The attribute that creates a directory {@code 0700}; none without POSIX permissions. */
  public static FileAttribute<?>[] directory(Path path) {
    return posix(path)
        ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(DIRECTORY)}
        : new FileAttribute<?>[0];
  }

  /** Creates a directory and any missing parents; those it creates are {@code 0700}. */
  public static void createDirectories(Path dir) throws IOException {
    Files.createDirectories(dir, directory(dir));
  }

  /**
   * Takes every permission of group and others from a tree: its directories become {@code 0700} and
   * its files {@code 0600}. Symbolic links are neither followed nor changed. For a tree made before
   * its files were created owner-only.
   */
  public static void tighten(Path root) {
    if (!posix(root) || !Files.isDirectory(root, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try {
      Files.walkFileTree(
          root,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs)
                throws IOException {
              set(dir, DIRECTORY);
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
                throws IOException {
              if (attrs.isRegularFile()) {
                set(file, FILE);
              }
              return FileVisitResult.CONTINUE;
            }
          });
    } catch (IOException e) {
      throw new UncheckedIOException("cannot make " + root + " readable by its owner only", e);
    }
  }

  private static void set(Path p, Set<PosixFilePermission> permissions) throws IOException {
    PosixFileAttributeView view =
        Files.getFileAttributeView(p, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
    if (!view.readAttributes().permissions().equals(permissions)) {
      view.setPermissions(permissions);
    }
  }
}
