package dev.snailtrail.store;

import static dev.snailtrail.store.FileStoreTest.T0;
import static dev.snailtrail.store.FileStoreTest.event;
import static dev.snailtrail.store.FileStoreTest.minimalText;
import static dev.snailtrail.store.FileStoreTest.parse;
import static org.assertj.core.api.Assertions.assertThat;

import dev.snailtrail.files.OwnerOnly;
import dev.snailtrail.time.MutableClock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Specs hold secrets in plain text: nobody but the store's owner may read them. */
class StorePermissionsTest {
  @TempDir Path tmp;
  final MutableClock clock = new MutableClock(T0);

  @BeforeEach
  void posixPermissions() {
    assertThat(OwnerOnly.posix(tmp))
        .as("the store keeps its files owner-only through POSIX permissions; %s has none", tmp)
        .isTrue();
  }

  /** Every path under the root (the root included) with its permissions, as {@code ls} prints. */
  private static Map<String, String> permissions(Path root) throws IOException {
    Map<String, String> all = new TreeMap<>();
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path p : paths.toList()) {
        all.put(
            root.relativize(p).toString(),
            PosixFilePermissions.toString(Files.getPosixFilePermissions(p)));
      }
    }
    return all;
  }

  private static void assertOwnerOnly(Path root) throws IOException {
    Map<String, String> all = permissions(root);
    assertThat(all).containsKeys("", "hello-web", "hello-web/spec.yaml", "hello-web/trail.jsonl");
    all.forEach(
        (path, perms) ->
            assertThat(perms)
                .as(path.isEmpty() ? "the store directory" : path)
                .isEqualTo(Files.isDirectory(root.resolve(path)) ? "rwx------" : "rw-------"));
  }

  /** A store that has written every kind of file it keeps. */
  private FileStore used(Path root) throws Exception {
    FileStore store = new FileStore(root, clock);
    store.apply(parse(minimalText()));
    store.apply(parse(minimalText().replace("nginx:1.27", "nginx:1.28")));
    store.appendTrail("hello-web", List.of(event(1), event(2)));
    return store;
  }

  @Test
  void theStoreCreatesItsFilesAndDirectoriesForItsOwnerAlone() throws Exception {
    Path root = tmp.resolve("state/store");
    used(root);
    assertOwnerOnly(root);
  }

  @Test
  void anExistingStoreIsTightenedWhenItIsOpened() throws Exception {
    Path root = tmp.resolve("store");
    used(root);
    // As a store written before owner-only files left it: readable by everyone.
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path p : paths.toList()) {
        Files.setPosixFilePermissions(
            p, PosixFilePermissions.fromString(Files.isDirectory(p) ? "rwxr-xr-x" : "rw-r--r--"));
      }
    }
    new FileStore(root, clock);
    assertOwnerOnly(root);
  }
}
