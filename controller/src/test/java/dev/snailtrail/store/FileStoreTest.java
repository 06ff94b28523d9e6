package dev.snailtrail.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.snailtrail.rollout.RolloutStatus;
import dev.snailtrail.trail.TrailEvent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileStoreTest extends StoreContract {

  @TempDir Path root;

  @Override
  protected FileStore store() {
    return new FileStore(root, clock);
  }

  @Override
  protected Store reopen() {
    return new FileStore(root, clock);
  }

  @Test
  void aRolloutIsADirectoryOfFourFiles() throws Exception {
    store().apply(parse(minimalText()));

    assertThat(root.resolve("hello-web"))
        .isDirectoryContaining("glob:**/spec.yaml")
        .isDirectoryContaining("glob:**/meta.json")
        .isDirectoryContaining("glob:**/status.json")
        .isDirectoryContaining("glob:**/trail.jsonl");
  }

  @Test
  void aCrashMidWriteLeavesTheLastCompleteStateAndLeftoversAreIgnored() throws Exception {
    FileStore store = store();
    Store.Applied a = store.apply(parse(minimalText()));
    RolloutStatus written = RolloutStatus.initial().toBuilder().message("written").build();
    store.writeStatus("hello-web", a.resourceVersion(), written);
    store.appendTrail("hello-web", List.of(event(1), event(2)));
    Path dir = root.resolve("hello-web");
    // What a kill -9 leaves: a temporary file half written, a rollout half created, a trail
    // line half appended.
    Files.writeString(dir.resolve(".status.json.tmp-1f2e3d"), "{\"observedGener");
    Files.writeString(dir.resolve(".meta.json.tmp-99"), "");
    Path half = Files.createDirectory(root.resolve(".new-other-5a"));
    Files.writeString(half.resolve("spec.yaml"), "apiVersion: snail");
    Files.writeString(
        dir.resolve("trail.jsonl"), "{\"id\":\"hello-web/1/3\",\"ti", StandardOpenOption.APPEND);

    FileStore reopened = new FileStore(root, clock);

    assertThat(reopened.names()).containsExactly("hello-web");
    StoredRollout s = reopened.get("hello-web").orElseThrow();
    assertThat(s.status()).isEqualTo(written);
    assertThat(reopened.trail("hello-web"))
        .extracting(TrailEvent::id)
        .containsExactly("hello-web/1/1", "hello-web/1/2");
    // The cut line is dropped before the next append, which lands on a line of its own.
    assertThat(reopened.appendTrail("hello-web", List.of(event(3))).events()).hasSize(1);
    assertThat(reopened.trail("hello-web"))
        .extracting(TrailEvent::id)
        .containsExactly("hello-web/1/1", "hello-web/1/2", "hello-web/1/3");
    assertThat(Files.readAllLines(dir.resolve("trail.jsonl"), StandardCharsets.UTF_8)).hasSize(3);
    assertThat(reopened.writeStatus("hello-web", s.resourceVersion(), written))
        .isEqualTo(s.resourceVersion() + 1);
  }

  @Test
  void aFileChangedByHandIsReadAgainNotAnsweredFromWhatTheStoreWrote() throws Exception {
    FileStore store = store();
    Store.Applied a = store.apply(parse(minimalText()));
    RolloutStatus written = RolloutStatus.initial().toBuilder().message("written").build();
    long rv = store.writeStatus("hello-web", a.resourceVersion(), written);
    assertThat(store.get("hello-web").orElseThrow().status().message()).isEqualTo("written");
    Path status = root.resolve("hello-web").resolve("status.json");

    // The same length, in place: only the file's time tells the edit.
    Files.writeString(status, Files.readString(status).replace("\"written\"", "\"by-hand\""));

    StoredRollout edited = store.get("hello-web").orElseThrow();
    assertThat(edited.status().message()).isEqualTo("by-hand");
    assertThat(edited.resourceVersion()).isEqualTo(rv);

    Files.writeString(status, "{\"observedGener");

    assertThatThrownBy(() -> store.get("hello-web")).isInstanceOf(StoreDamaged.class);
    assertThatThrownBy(() -> store.writeStatus("hello-web", rv, written))
        .isInstanceOf(StoreDamaged.class);
    assertThat(Files.readString(status)).isEqualTo("{\"observedGener");
  }

  @Test
  void aMissingStatusIsRebuiltFromTheTrailWithTheBaselineRecordedWhenTheRolloutBegan()
      throws Exception {
    FileStore store = store();
    store.apply(parse(minimalText()));
    String arn = "arn:aws:ecs:eu-west-1:1:task-definition/hello-web:4";
    store.appendTrail(
        "hello-web",
        List.of(started(1, Map.of("baseline", arn, "baselineDesiredCount", "3")), event(2)));
    Files.delete(root.resolve("hello-web/status.json"));

    RolloutStatus s = new FileStore(root, clock).get("hello-web").orElseThrow().status();

    assertThat(s.observedGeneration()).as("reconciled again from phase 1").isZero();
    assertThat(s.baseline()).isEqualTo(arn);
    assertThat(s.baselineDesiredCount()).isEqualTo(3);
    assertThat(s.baselineRecorded()).isTrue();
    assertThat(s.eventSeq()).isEqualTo(2);
    assertThat(root.resolve("hello-web/status.json")).as("written by the next pass").doesNotExist();
  }

  @Test
  void aTrailThatRecordedNoCountLeavesItToTheFirstPass() throws Exception {
    FileStore store = store();
    store.apply(parse(minimalText()));
    String arn = "arn:aws:ecs:eu-west-1:1:task-definition/hello-web:4";
    store.appendTrail("hello-web", List.of(started(1, Map.of("baseline", arn))));
    Files.delete(root.resolve("hello-web/status.json"));

    RolloutStatus s = store.get("hello-web").orElseThrow().status();

    assertThat(s.baseline()).isEqualTo(arn);
    assertThat(s.baselineRecorded()).isFalse();
  }

  @Test
  void aRolloutThatCreatedItsServiceIsRebuiltWithoutABaseline() throws Exception {
    FileStore store = store();
    store.apply(parse(minimalText()));
    store.appendTrail("hello-web", List.of(started(1, Map.of())));
    Files.delete(root.resolve("hello-web/status.json"));

    RolloutStatus s = store.get("hello-web").orElseThrow().status();

    assertThat(s.baseline()).isNull();
    assertThat(s.baselineRecorded()).isTrue();
    assertThat(s.eventSeq()).isEqualTo(1);
  }

  @Test
  void deleteLeavesNoFileBehind() throws Exception {
    FileStore store = store();
    store.apply(parse(minimalText()));
    store.appendTrail("hello-web", List.of(event(1)));

    assertThat(store.delete("hello-web")).isTrue();

    try (var left = Files.list(root)) {
      assertThat(left).isEmpty();
    }
  }

  @Test
  void namesThatCouldEscapeTheRootAreRefused() throws Exception {
    FileStore store = store();
    assertThat(store.get("../etc")).isEmpty();
    assertThat(store.get(".new-x")).isEmpty();
    assertThatThrownBy(() -> store.writeStatus("../x", 1, RolloutStatus.initial()))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
