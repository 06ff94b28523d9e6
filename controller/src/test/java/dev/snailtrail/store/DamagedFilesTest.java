package dev.snailtrail.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.snailtrail.rollout.RolloutStatus;
import dev.snailtrail.time.MutableClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every way a stored file can be unreadable makes its rollout StoreDamaged, naming the file and the
 * problem, and nothing is written over it; another rollout in the same store is untouched.
 */
class DamagedFilesTest {
  @TempDir Path root;
  final MutableClock clock = new MutableClock(FileStoreTest.T0);

  static Stream<Arguments> damage() {
    return Stream.of(
        Arguments.of("status.json", "", "it is empty"),
        Arguments.of("status.json", "  \n", "it is empty"),
        Arguments.of("status.json", "{\"observedGeneration\": 1, \"pha", "it ends mid-way"),
        Arguments.of("status.json", "\n\u0000\u0000garbage", "it is not JSON (line 2, column 1)"),
        Arguments.of("status.json", "[1, 2]", "it is JSON but not a status"),
        Arguments.of("status.json", "{}", "a field it needs is missing or null"),
        Arguments.of("status.json", "null", "it holds null"),
        Arguments.of(
            "status.json",
            "{\"observedGeneration\": \"one\"}",
            "it is JSON but not a status (at observedGeneration)"),
        Arguments.of("meta.json", "", "it is empty"),
        Arguments.of("meta.json", "{\"name\": \"hello-web\", \"gener", "it ends mid-way"),
        Arguments.of("meta.json", "{}", "it names rollout 'null', not hello-web"),
        Arguments.of(
            "meta.json",
            "{\"name\": \"hello-web\", \"generation\": 0, \"resourceVersion\": 1}",
            "generation and resourceVersion must be 1 or more"),
        Arguments.of("spec.yaml", "", "it is empty"),
        Arguments.of("spec.yaml", "apiVersion: snailtrail.dev/v1\nkind: Rol", "does not load"),
        Arguments.of("spec.yaml", "\u00ff\u00fe".repeat(3), "does not load"));
  }

  @ParameterizedTest(name = "{0}: {2}")
  @MethodSource("damage")
  void aDamagedFileIsNamedWithItsProblemAndLeftAsItIs(String name, String content, String problem)
      throws Exception {
    FileStore store = new FileStore(root, clock);
    store.apply(FileStoreTest.parse(FileStoreTest.minimalText()));
    store.apply(FileStoreTest.parse(FileStoreTest.minimalText().replace("hello-web", "other-web")));
    Path file = root.resolve("hello-web").resolve(name);
    Files.writeString(file, content);
    byte[] damaged = Files.readAllBytes(file);

    // A store opened afresh, as at start-up: nothing cached.
    FileStore reopened = new FileStore(root, clock);

    assertThat(reopened.names()).containsExactly("hello-web", "other-web");
    assertThatThrownBy(() -> reopened.get("hello-web"))
        .isInstanceOfSatisfying(
            StoreDamaged.class,
            e -> {
              assertThat(e.rollout()).isEqualTo("hello-web");
              assertThat(e.file()).isEqualTo(file);
              assertThat(e.problem()).contains(problem);
              assertThat(e.getMessage()).contains(file.toString(), problem).doesNotContain("\n");
              RolloutStatus shown = e.readable().status();
              assertThat(shown.storeDamaged()).isTrue();
              assertThat(shown.message()).isEqualTo(e.getMessage());
            });
    assertThat(reopened.get("other-web")).isPresent();
    assertThatThrownBy(
            () ->
                reopened.apply(
                    FileStoreTest.parse(
                        FileStoreTest.minimalText().replace("nginx:1.27", "nginx:1.28"))))
        .isInstanceOf(StoreDamaged.class);
    assertThatThrownBy(() -> reopened.writeStatus("hello-web", 1, RolloutStatus.initial()))
        .isInstanceOf(StoreDamaged.class);
    assertThat(Files.readAllBytes(file)).as("left as it was").isEqualTo(damaged);
    assertThat(reopened.appendTrail("hello-web", List.of(FileStoreTest.event(1))).events())
        .as("the trail is still kept")
        .hasSize(1);
    assertThat(reopened.delete("hello-web")).as("a person may still delete it").isTrue();
  }

  @ParameterizedTest(name = "{0} is a directory")
  @MethodSource("files")
  void aFileThatCannotBeReadAtAllIsNamed(String name) throws Exception {
    FileStore store = new FileStore(root, clock);
    store.apply(FileStoreTest.parse(FileStoreTest.minimalText()));
    Path file = root.resolve("hello-web").resolve(name);
    Files.delete(file);
    Files.createDirectory(file);

    assertThatThrownBy(() -> new FileStore(root, clock).get("hello-web"))
        .isInstanceOf(StoreDamaged.class)
        .hasMessageContaining(file + " cannot be read: ");
  }

  static Stream<String> files() {
    return Stream.of("status.json", "meta.json", "spec.yaml");
  }

  @ParameterizedTest(name = "a missing {0}")
  @MethodSource("missing")
  void aMissingMetaOrSpecIsDamageButAMissingStatusIsRebuilt(String name) throws Exception {
    FileStore store = new FileStore(root, clock);
    store.apply(FileStoreTest.parse(FileStoreTest.minimalText()));
    Files.delete(root.resolve("hello-web").resolve(name));

    assertThat(store.names()).containsExactly("hello-web");
    assertThatThrownBy(() -> new FileStore(root, clock).get("hello-web"))
        .isInstanceOf(StoreDamaged.class)
        .hasMessageContaining(name + " cannot be read: it is missing");
  }

  static Stream<String> missing() {
    return Stream.of("meta.json", "spec.yaml");
  }
}
