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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What every {@link Store} does, whatever keeps it: each store's test extends this with how to open
 * it ({@link FileStoreTest}, {@link InMemoryStoreTest}, and {@code DynamoDbStoreIT} over the wire
 * against moto).
 */
public abstract class StoreContract {
  public static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");

  protected final MutableClock clock = new MutableClock(T0);

  /** The store under test, empty at the start of each test. */
  protected abstract Store store();

  /** The same store's contents, opened afresh (as after a restart). */
  protected abstract Store reopen();

  @Test
  void aNewRolloutStartsAtGenerationOneWithTheInitialStatusAndAnEmptyTrail() throws Exception {
    Rollout r = parse(minimalText());
    Store store = store();

    Store.Applied a = store.apply(r);

    assertThat(a).isEqualTo(new Store.Applied("hello-web", 1, 1, true));
    StoredRollout s = store.get("hello-web").orElseThrow();
    assertThat(s.generation()).isEqualTo(1);
    assertThat(s.spec()).isEqualTo(r);
    assertThat(s.status()).isEqualTo(RolloutStatus.initial());
    assertThat(s.createdAt()).isEqualTo(T0);
    assertThat(store.names()).containsExactly("hello-web");
    assertThat(store.trail("hello-web")).isEmpty();
    assertThat(store.get("nobody")).isEmpty();
  }

  @Test
  void aCommitStoresThePassEventsAndItsStatusCountingPastThem() throws Exception {
    Store store = store();
    Store.Applied a = store.apply(parse(minimalText()));
    store.appendTrail("hello-web", List.of(event(1), event(2)));
    RolloutStatus moving =
        RolloutStatus.initial().toBuilder().message("moving").eventSeq(2).build();
    // Re-run after a crash: 2 repeats the stored one, 3 is new.
    Store.Committed c =
        store.commit(
            "hello-web", a.resourceVersion(), List.of(event(2), event(3)), moving, Fence.NONE);

    assertThat(c.events()).extracting(TrailEvent::id).containsExactly("hello-web/1/3");
    assertThat(c.status().eventSeq()).isEqualTo(3);
    assertThat(c.resourceVersion()).isEqualTo(a.resourceVersion() + 1);
    StoredRollout s = reopen().get("hello-web").orElseThrow();
    assertThat(s.status()).isEqualTo(c.status());
    assertThat(s.resourceVersion()).isEqualTo(c.resourceVersion());
    assertThat(reopen().trail("hello-web")).containsExactly(event(1), event(2), event(3));
    assertThatThrownBy(
            () ->
                store.commit(
                    "hello-web", a.resourceVersion(), List.of(event(4)), moving, Fence.NONE))
        .isInstanceOf(Store.Conflict.class);
  }

  @Test
  void deleteRemovesTheRolloutWithItsStatusAndTrailAndItMayStartOver() throws Exception {
    Store store = store();
    store.apply(parse(minimalText()));
    store.appendTrail("hello-web", List.of(event(1)));

    assertThat(store.delete("hello-web")).isTrue();

    assertThat(store.get("hello-web")).isEmpty();
    assertThat(store.names()).isEmpty();
    assertThat(store.trail("hello-web")).isEmpty();
    assertThat(store.delete("hello-web")).isFalse();
    assertThatThrownBy(() -> store.appendTrail("hello-web", List.of(event(2))))
        .isInstanceOf(Store.Conflict.class);
    assertThatThrownBy(() -> store.writeStatus("hello-web", 1, RolloutStatus.initial()))
        .isInstanceOf(Store.Conflict.class);
    // Applied again, it starts over.
    assertThat(store.apply(parse(minimalText())).generation()).isEqualTo(1);
    assertThat(store.trail("hello-web")).isEmpty();
  }

  @Test
  void theGenerationMovesOnlyWhenTheEffectiveSpecChanges() throws Exception {
    String text = minimalText();
    Store store = store();
    store.apply(parse(text));

    // The same spec, spelled differently (a default written out), is the same effective spec.
    Store.Applied same = store.apply(parse(text.replace("port: 8080", "port: 8080\n    cpu: 256")));
    assertThat(same.changed()).isFalse();
    assertThat(same.generation()).isEqualTo(1);

    clock.advance(Duration.ofMinutes(1));
    Store.Applied changed = store.apply(parse(text.replace("nginx:1.27", "nginx:1.28")));
    assertThat(changed.changed()).isTrue();
    assertThat(changed.generation()).isEqualTo(2);

    Store.Applied again = reopen().apply(parse(text.replace("nginx:1.27", "nginx:1.28")));
    assertThat(again.changed()).isFalse();
    assertThat(again.generation()).isEqualTo(2);
    StoredRollout s = reopen().get("hello-web").orElseThrow();
    assertThat(s.generation()).isEqualTo(2);
    assertThat(s.spec().spec().phases().get(0).image().toString()).endsWith("nginx:1.28");
    assertThat(s.updatedAt()).isEqualTo(T0.plusSeconds(60));
  }

  @Test
  void statusWritesNeedTheCurrentResourceVersion() throws Exception {
    Store store = store();
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
    Store store = store();
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

    assertThat(reopen().get("hello-web").orElseThrow().status()).isEqualTo(rich);
  }

  @Test
  void trailEventsAreStoredOnceByIdAcrossReopen() throws Exception {
    Store store = store();
    store.apply(parse(minimalText()));
    assertThat(store.appendTrail("hello-web", List.of(event(1), event(2), event(2))).events())
        .extracting(TrailEvent::id)
        .containsExactly("hello-web/1/1", "hello-web/1/2");
    assertThat(store.appendTrail("hello-web", List.of(event(2))).events()).isEmpty();

    Store reopened = reopen();
    assertThat(reopened.appendTrail("hello-web", List.of(event(1), event(2), event(3))).events())
        .extracting(TrailEvent::id)
        .containsExactly("hello-web/1/3");
    assertThat(reopened.trail("hello-web")).containsExactly(event(1), event(2), event(3));
  }

  @Test
  void anEventReEmittedUnderAStoredIdIsDroppedOnlyWhenItRecordsTheSame() throws Exception {
    Store store = store();
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
    Store reopened = reopen();
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
    Store store = store();
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

  public static String minimalText() throws Exception {
    return Files.readString(
        Path.of(System.getProperty("snailtrail.root"), "spec-examples", "minimal.yaml"));
  }

  public static Rollout parse(String text) throws Exception {
    return new SpecLoader().parse(text, "minimal.yaml", Path.of("")).get(0);
  }

  public static TrailEvent withFacts(TrailEvent e, Map<String, String> data) {
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

  public static TrailEvent started(int seq, Map<String, String> data) {
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

  public static TrailEvent event(int seq, EventType type, String message) {
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

  public static TrailEvent event(int seq) {
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
