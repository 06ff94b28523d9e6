package dev.snailtrail.controller;

import static org.assertj.core.api.Assertions.assertThat;

import dev.snailtrail.spec.Rollout;
import dev.snailtrail.spec.load.SpecLoader;
import dev.snailtrail.store.FileStore;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpecDirWatcherTest {
  @TempDir Path tmp;
  final ByteArrayOutputStream out = new ByteArrayOutputStream();
  final List<String> appliedSources = new ArrayList<>();

  static String minimal() throws Exception {
    return Files.readString(
        Path.of(System.getProperty("snailtrail.root"), "spec-examples", "minimal.yaml"));
  }

  SpecDirWatcher watcher(Path dir, FileStore store) {
    return new SpecDirWatcher(
        dir,
        (source, yaml, base) -> {
          appliedSources.add(Path.of(source).getFileName().toString());
          List<ControlPlane.Applied> applied = new ArrayList<>();
          for (Rollout r : new SpecLoader().parse(yaml, source, base)) {
            var a = store.apply(r);
            applied.add(new ControlPlane.Applied(a.name(), a.generation(), a.changed()));
          }
          return applied;
        },
        new PrintStream(out, true, StandardCharsets.UTF_8));
  }

  String log() {
    return out.toString(StandardCharsets.UTF_8);
  }

  @Test
  void appliesNewAndChangedFilesOnceAndNeverInvalidOnes() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("watch"));
    FileStore store = new FileStore(tmp.resolve("store"), java.time.Clock.systemUTC());
    SpecDirWatcher w = watcher(dir, store);
    Files.writeString(dir.resolve("web.yaml"), minimal());
    Files.writeString(dir.resolve("notes.txt"), "not a spec");
    Files.writeString(
        dir.resolve("bad.yml"),
        minimal().replace("hello-web", "other").replace("port: 8080", "port: 80800"));

    assertThat(w.scan()).isEqualTo(1);
    assertThat(store.names()).containsExactly("hello-web");
    assertThat(log())
        .contains("applied web.yaml: rollout hello-web generation 1")
        .contains("not applied, bad.yml has problems:")
        .containsPattern("bad\\.yml:\\d+:\\d+: spec\\.template\\.port");

    // Nothing changed: nothing is applied, and the bad file is not reported again.
    appliedSources.clear();
    assertThat(w.scan()).isZero();
    assertThat(appliedSources).isEmpty();

    Files.writeString(dir.resolve("web.yaml"), minimal().replace("nginx:1.27", "nginx:1.28"));
    Files.writeString(dir.resolve("bad.yml"), minimal().replace("hello-web", "other"));
    assertThat(w.scan()).isEqualTo(2);
    assertThat(store.get("hello-web").orElseThrow().generation()).isEqualTo(2);
    assertThat(store.names()).containsExactly("hello-web", "other");

    // A removed file leaves its rollout alone.
    Files.delete(dir.resolve("web.yaml"));
    w.scan();
    assertThat(store.names()).containsExactly("hello-web", "other");
  }
}
