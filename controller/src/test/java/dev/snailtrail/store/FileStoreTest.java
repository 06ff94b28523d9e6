package dev.snailtrail.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.snailtrail.rollout.Condition;
import dev.snailtrail.rollout.GateResult;
import dev.snailtrail.rollout.GateStatus;
import dev.snailtrail.rollout.PhaseRef;
import dev.snailtrail.rollout.Reason;
import dev.snailtrail.rollout.RolloutStatus;
import dev.snailtrail.rollout.StatusPhase;
import dev.snailtrail.rollout.Step;
import dev.snailtrail.spec.Rollout;
import dev.snailtrail.spec.load.SpecLoader;
import dev.snailtrail.time.MutableClock;
import dev.snailtrail.trail.EventType;
import dev.snailtrail.trail.Severity;
import dev.snailtrail.trail.TrailEvent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileStoreTest {
  static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");

  @TempDir Path root;
  final MutableClock clock = new MutableClock(T0);

  static String minimalText() throws Exception {
    return Files.readString(
        Path.of(System.getProperty("snailtrail.root"), "spec-examples", "minimal.yaml"));
  }

  static Rollout parse(String text) throws Exception {
    return new SpecLoader().parse(text, "minimal.yaml", Path.of("")).get(0);
  }

  FileStore store() {
    return new FileStore(root, clock);
  }

  @Test
  void aNewRolloutStartsAtGenerationOneWithTheInitialStatus() throws Exception {
    Rollout r = parse(minimalText());
    FileStore store = store();

    Store.Applied a = store.apply(r);

    assertThat(a).isEqualTo(new Store.Applied("hello-web", 1, 1, true));
    StoredRollout s = store.get("hello-web").orElseThrow();
    assertThat(s.generation()).isEqualTo(1);
    assertThat(s.spec()).isEqualTo(r);
    assertThat(s.status()).isEqualTo(RolloutStatus.initial());
    assertThat(s.createdAt()).isEqualTo(T0);
    assertThat(store.names()).containsExactly("hello-web");
    assertThat(root.resolve("hello-web"))
        .isDirectoryContaining("glob:**/spec.yaml")
        .isDirectoryContaining("glob:**/meta.json")
        .isDirectoryContaining("glob:**/status.json")
        .isDirectoryContaining("glob:**/trail.jsonl");
  }

  @Test
  void theGenerationMovesOnlyWhenTheEffectiveSpecChanges() throws Exception {
    String text = minimalText();
    FileStore store = store();
    store.apply(parse(text));

    // The same spec, spelled differently (a default written out), is the same effective spec.
    Store.Applied same = store.apply(parse(text.replace("port: 8080", "port: 8080\n    cpu: 256")));
    assertThat(same.changed()).isFalse();
    assertThat(same.generation()).isEqualTo(1);

    clock.advance(Duration.ofMinutes(1));
    Store.Applied changed = store.apply(parse(text.replace("nginx:1.27", "nginx:1.28")));
    assertThat(changed.changed()).isTrue();
    assertThat(changed.generation()).isEqualTo(2);

    Store.Applied again =
        new FileStore(root, clock).apply(parse(text.replace("nginx:1.27", "nginx:1.28")));
    assertThat(again.changed()).isFalse();
    assertThat(again.generation()).isEqualTo(2);
    StoredRollout s = new FileStore(root, clock).get("hello-web").orElseThrow();
    assertThat(s.generation()).isEqualTo(2);
    assertThat(s.spec().spec().phases().get(0).image().toString()).endsWith("nginx:1.28");
    assertThat(s.updatedAt()).isEqualTo(T0.plusSeconds(60));
  }

  @Test
  void statusWritesNeedTheCurrentResourceVersion() throws Exception {
    FileStore store = store();
    Store.Applied a = store.apply(parse(minimalText()));
    RolloutStatus progressing =
        RolloutStatus.initial().toBuilder().observedGeneration(1).message("moving").build();

    long v2 = store.writeStatus("hello-web", a.resourceVersion(), progressing);

    assertThat(v2).isEqualTo(a.resourceVersion() + 1);
    assertThat(store.get("hello-web").orElseThrow().status()).isEqualTo(progressing);
    assertThatThrownBy(() -> store.writeStatus("hello-web", a.resourceVersion(), progressing))
        .isInstanceOf(Store.Conflict.class)
        .hasMessageContaining("resourceVersion is 2");

    // A spec change moves the version too: a status computed from the old spec is refused.
    store.apply(parse(minimalText().replace("nginx:1.27", "nginx:1.28")));
    assertThatThrownBy(() -> store.writeStatus("hello-web", v2, progressing))
        .isInstanceOf(Store.Conflict.class);
    assertThatThrownBy(() -> store.writeStatus("nobody", 1, progressing))
        .isInstanceOf(Store.Conflict.class);
  }

  @Test
  void aStatusWithTimesEnumsGatesAndConditionsReadsBackEqualAfterReopen() throws Exception {
    FileStore store = store();
    Store.Applied a = store.apply(parse(minimalText()));
    RolloutStatus rich =
        RolloutStatus.initial().toBuilder()
            .observedGeneration(3)
            .phase(StatusPhase.RollingBack)
            .step(Step.RollingBack)
            .currentPhase(new PhaseRef(2, "foundation"))
            .stablePhase(new PhaseRef(1, "exploration"))
            .baseline("arn:aws:ecs:us-east-1:1:task-definition/hello-web:8")
            .baselineDesiredCount(2)
            .revisions(Map.of("v2", "arn:aws:ecs:us-east-1:1:task-definition/hello-web:9"))
            .gates(
                List.of(
                    new GateStatus(
                        "ecsTasks/0",
                        GateResult.Failed,
                        1,
                        3,
                        0,
                        0,
                        "1 of 2 tasks stopped: Essential container exited",
                        T0.plusMillis(1500))))
            .conditions(
                List.of(
                    new Condition(
                        Condition.Type.Available,
                        Condition.Status.False,
                        Reason.GateFailed,
                        "gate failed",
                        T0.plusSeconds(7))))
            .progress(62)
            .phaseStartedAt(T0.plusNanos(123_456_789))
            .bakeStartedAt(null)
            .rollbackTarget(new PhaseRef(1, "exploration"))
            .failedPhase(new PhaseRef(2, "foundation"))
            .pausedFrom(StatusPhase.Progressing)
            .approvedPhase(1)
            .phaseFingerprints(Map.of("v2", "abc123"))
            .eventSeq(41)
            .build();
    store.writeStatus("hello-web", a.resourceVersion(), rich);

    assertThat(new FileStore(root, clock).get("hello-web").orElseThrow().status()).isEqualTo(rich);
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
  void trailEventsAreStoredOnceByIdAcrossReopen() throws Exception {
    FileStore store = store();
    store.apply(parse(minimalText()));
    assertThat(store.appendTrail("hello-web", List.of(event(1), event(2), event(2))).events())
        .extracting(TrailEvent::id)
        .containsExactly("hello-web/1/1", "hello-web/1/2");
    assertThat(store.appendTrail("hello-web", List.of(event(2))).events()).isEmpty();

    FileStore reopened = new FileStore(root, clock);
    assertThat(reopened.appendTrail("hello-web", List.of(event(1), event(2), event(3))).events())
        .extracting(TrailEvent::id)
        .containsExactly("hello-web/1/3");
    assertThat(reopened.trail("hello-web")).containsExactly(event(1), event(2), event(3));
  }

  @Test
  void anEventReEmittedUnderAStoredIdIsDroppedOnlyWhenItRecordsTheSame() throws Exception {
    FileStore store = store();
    store.apply(parse(minimalText()));
    store.appendTrail("hello-web", List.of(event(1), event(2)));
    // A pass stores what it did as 3 and 4, and dies before its status counts them.
    TrailEvent updated = event(3, EventType.ServiceUpdated, "Service rolled back to hello-web:1");
    store.appendTrail("hello-web", List.of(updated, event(4)));

    // Run again from the status before, it finds the service rolled back and says so as 3.
    TrailEvent completed = event(3, EventType.RollbackCompleted, "Rolled back to baseline");
    Store.Appended again = store.appendTrail("hello-web", List.of(completed));

    assertThat(again.events()).containsExactly(completed.withSequence(5));
    assertThat(again.lastSequence()).isEqualTo(5);
    // Cut off once more and run again: the same decision is not stored twice, across a reopen.
    FileStore reopened = new FileStore(root, clock);
    Store.Appended third = reopened.appendTrail("hello-web", List.of(completed));
    assertThat(third.events()).isEmpty();
    assertThat(third.lastSequence()).isEqualTo(5);
    // An event that repeats the stored one at its id, however late its time, is dropped.
    TrailEvent later =
        new TrailEvent(
            updated.id(),
            updated.time().plusSeconds(30),
            updated.rollout(),
            updated.generation(),
            updated.phase(),
            updated.type(),
            updated.severity(),
            updated.reason(),
            updated.message(),
            updated.data());
    assertThat(reopened.appendTrail("hello-web", List.of(later, event(4))).events()).isEmpty();
    assertThat(reopened.trail("hello-web"))
        .extracting(TrailEvent::id)
        .containsExactly(
            "hello-web/1/1", "hello-web/1/2", "hello-web/1/3", "hello-web/1/4", "hello-web/1/5");
    assertThat(reopened.trail("hello-web"))
        .extracting(TrailEvent::type)
        .containsSubsequence(EventType.ServiceUpdated, EventType.RollbackCompleted);
    assertThat(reopened.appendTrail("hello-web", List.of()).lastSequence()).isEqualTo(5);
  }

  @Test
  void aReEmittedEventWithTheSameFactsInOtherWordsIsTheSameEvent() throws Exception {
    FileStore store = store();
    store.apply(parse(minimalText()));
    Map<String, String> facts = Map.of("from", "v2", "to", "baseline", "reason", "GateFailed");
    store.appendTrail(
        "hello-web",
        List.of(
            withFacts(event(1, EventType.RollbackStarted, "Rolling back: 2 of 3 failed"), facts),
            event(2, EventType.Paused, "Paused by alice")));

    Store.Appended again =
        store.appendTrail(
            "hello-web",
            List.of(
                withFacts(
                    event(1, EventType.RollbackStarted, "Rolling back: 3 of 3 failed"), facts),
                event(2, EventType.Paused, "Paused by bob")));

    // The rollback's facts are its data, said again in other words; a pause has only its message.
    assertThat(again.events())
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.message()).isEqualTo("Paused by bob");
              assertThat(e.id()).isEqualTo("hello-web/1/3");
            });
  }

  static TrailEvent withFacts(TrailEvent e, Map<String, String> data) {
    return new TrailEvent(
        e.id(),
        e.time(),
        e.rollout(),
        e.generation(),
        e.phase(),
        e.type(),
        e.severity(),
        e.reason(),
        e.message(),
        data);
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

  static TrailEvent started(int seq, Map<String, String> data) {
    return new TrailEvent(
        "hello-web/1/" + seq,
        T0.plusSeconds(seq),
        "hello-web",
        1,
        null,
        EventType.RolloutStarted,
        Severity.Normal,
        Reason.NewRollout,
        "Rollout of hello-web started",
        data);
  }

  @Test
  void deleteRemovesTheRolloutWithItsStatusAndTrail() throws Exception {
    FileStore store = store();
    store.apply(parse(minimalText()));
    store.appendTrail("hello-web", List.of(event(1)));

    assertThat(store.delete("hello-web")).isTrue();

    assertThat(store.get("hello-web")).isEmpty();
    assertThat(store.names()).isEmpty();
    assertThat(store.trail("hello-web")).isEmpty();
    try (var left = Files.list(root)) {
      assertThat(left).isEmpty();
    }
    assertThat(store.delete("hello-web")).isFalse();
    assertThatThrownBy(() -> store.appendTrail("hello-web", List.of(event(2))))
        .isInstanceOf(Store.Conflict.class);
    // Applied again, it starts over.
    assertThat(store.apply(parse(minimalText())).generation()).isEqualTo(1);
    assertThat(store.trail("hello-web")).isEmpty();
  }

  @Test
  void namesThatCouldEscapeTheRootAreRefused() throws Exception {
    FileStore store = store();
    assertThat(store.get("../etc")).isEmpty();
    assertThat(store.get(".new-x")).isEmpty();
    assertThatThrownBy(() -> store.writeStatus("../x", 1, RolloutStatus.initial()))
        .isInstanceOf(IllegalArgumentException.class);
  }

  static TrailEvent event(int seq, EventType type, String message) {
    return new TrailEvent(
        "hello-web/1/" + seq,
        T0.plusSeconds(seq),
        "hello-web",
        1,
        "v2",
        type,
        Severity.Warning,
        Reason.RollbackComplete,
        message,
        Map.of());
  }

  static TrailEvent event(int seq) {
    return new TrailEvent(
        "hello-web/1/" + seq,
        T0.plusSeconds(seq),
        "hello-web",
        1,
        "v2",
        EventType.PhaseStarted,
        Severity.Normal,
        Reason.PhaseReady,
        "Phase 1/1 v2 started",
        Map.of("index", "0"));
  }
}
