package dev.snailtrail.controller;

import static org.assertj.core.api.Assertions.assertThat;

import dev.snailtrail.metrics.Metrics;
import dev.snailtrail.rollout.RolloutStatus;
import dev.snailtrail.rollout.StatusPhase;
import dev.snailtrail.spec.Rollout;
import dev.snailtrail.store.FileStore;
import dev.snailtrail.store.Store;
import dev.snailtrail.store.StoredRollout;
import dev.snailtrail.trail.EventType;
import dev.snailtrail.trail.TrailEvent;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A pass appends its trail events, then writes its status. A crash in between makes the next pass
 * start from the status before, so it emits its events under sequence numbers the trail holds. When
 * it decides differently, because the world already shows what the cut-off pass did, its events
 * must still reach the trail.
 */
class TrailAfterCrashTest {
  static final String NAME = "shine-api-gateway-drill";

  @TempDir Path dir;
  final SimController env = new SimController();

  @AfterEach
  void stop() {
    env.close();
  }

  @Test
  void aPassCutOffBetweenItsTrailAndItsStatusLosesNoEventOfTheRunAfter() throws Exception {
    // The cut-off pass sends the rollback's UpdateService and records it; its status is lost.
    CrashingStore store =
        new CrashingStore(
            new FileStore(dir.resolve("store"), env.clock),
            events ->
                events.stream()
                    .anyMatch(
                        e ->
                            e.type() == EventType.ServiceUpdated
                                && e.message().startsWith("Service rolled back")));
    env.start(store, Metrics.NOOP);
    env.plane().apply("ml-down.yaml", SimController.drill());

    // The pass after finds the service already rolled back: it records RollbackCompleted instead.
    RolloutStatus end = env.runUntilItWaitsOrSettles(NAME);

    assertThat(store.crashes.get()).as("the status write after the rollback's update").isOne();
    assertThat(end.phase()).isEqualTo(StatusPhase.Degraded);
    List<TrailEvent> trail = env.plane().trail(NAME, 0, 0);
    assertThat(trail).filteredOn(e -> e.type() == EventType.RollbackStarted).hasSize(1);
    assertThat(trail)
        .filteredOn(e -> e.type() == EventType.ServiceUpdated)
        .filteredOn(e -> e.message().startsWith("Service rolled back"))
        .hasSize(1);
    assertThat(trail).filteredOn(e -> e.type() == EventType.RollbackCompleted).hasSize(1);
    // In the file's order, numbered without gaps reused or repeated; the status counts past all.
    List<Long> sequences = trail.stream().map(TrailEvent::sequence).toList();
    assertThat(sequences).isSorted().doesNotHaveDuplicates();
    assertThat(trail).extracting(TrailEvent::id).doesNotHaveDuplicates();
    assertThat(end.eventSeq()).isEqualTo(sequences.get(sequences.size() - 1));
    // Paging by sequence number still gives exactly what came after.
    long seen = sequences.get(sequences.size() - 3);
    assertThat(env.plane().trail(NAME, seen, 0))
        .containsExactlyElementsOf(trail.subList(trail.size() - 2, trail.size()));
  }

  /**
   * A store that fails the status write right after an append of events that match, once: what a
   * crash between a pass's trail and its status leaves behind.
   */
  static final class CrashingStore implements Store {
    final Store store;
    final Predicate<List<TrailEvent>> after;
    final AtomicInteger crashes = new AtomicInteger();
    private volatile boolean armed;

    CrashingStore(Store store, Predicate<List<TrailEvent>> after) {
      this.store = store;
      this.after = after;
    }

    @Override
    public Appended appendTrail(String name, List<TrailEvent> events) {
      Appended appended = store.appendTrail(name, events);
      if (crashes.get() == 0 && after.test(events)) {
        armed = true;
      }
      return appended;
    }

    @Override
    public long writeStatus(
        String name, long expectedResourceVersion, dev.snailtrail.rollout.RolloutStatus status) {
      if (armed) {
        armed = false;
        crashes.incrementAndGet();
        throw new IllegalStateException("the controller died here");
      }
      return store.writeStatus(name, expectedResourceVersion, status);
    }

    @Override
    public Applied apply(Rollout rollout) {
      return store.apply(rollout);
    }

    @Override
    public Optional<StoredRollout> get(String name) {
      return store.get(name);
    }

    @Override
    public List<String> names() {
      return store.names();
    }

    @Override
    public List<TrailEvent> trail(String name) {
      return store.trail(name);
    }

    @Override
    public boolean delete(String name) {
      return store.delete(name);
    }

    @Override
    public void check() {
      store.check();
    }
  }
}
