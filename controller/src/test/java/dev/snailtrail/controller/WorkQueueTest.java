package dev.snailtrail.controller;

import static org.assertj.core.api.Assertions.assertThat;

import dev.snailtrail.time.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class WorkQueueTest {
  static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");

  final MutableClock clock = new MutableClock(T0);
  final ManualScheduler scheduler = new ManualScheduler(clock);
  final List<Duration> waits = new CopyOnWriteArrayList<>();
  final WorkQueue queue =
      new WorkQueue(
          clock,
          scheduler,
          System::nanoTime,
          WorkQueue.BASE_DELAY,
          WorkQueue.MAX_DELAY,
          0,
          () -> 0.5,
          new WorkQueue.Observer() {
            @Override
            public void taken(String key, Duration waited, long waitedNanos) {
              waits.add(waited);
            }
          });

  @Test
  void handsOutKeysInOrderAndCollapsesDuplicates() {
    queue.add("a");
    queue.add("b");
    queue.add("a");
    assertThat(queue.length()).isEqualTo(2);
    assertThat(queue.poll()).contains("a");
    assertThat(queue.poll()).contains("b");
    assertThat(queue.poll()).isEmpty();
  }

  @Test
  void aKeyBeingProcessedIsNotHandedOutAgainUntilDone() {
    queue.add("a");
    assertThat(queue.poll()).contains("a");
    queue.add("a");
    queue.add("a");
    assertThat(queue.length()).isZero();
    assertThat(queue.poll()).isEmpty();
    assertThat(queue.isProcessing("a")).isTrue();

    queue.done("a");

    assertThat(queue.length()).isEqualTo(1);
    assertThat(queue.poll()).contains("a");
    queue.done("a");
    assertThat(queue.poll()).isEmpty();
    assertThat(queue.isIdle()).isTrue();
  }

  @Test
  void aKeyIsDueWithinAPeriodWhenQueuedOrWaitingForADelayThatEndsInIt() {
    queue.add("taken");
    queue.add("queued");
    queue.addAfter("soon", Duration.ofSeconds(20));
    queue.addAfter("later", Duration.ofSeconds(40));
    assertThat(queue.poll()).contains("taken"); // being processed, asked for nothing more

    Duration period = Duration.ofSeconds(30);
    assertThat(queue.dueWithin("queued", period)).isTrue();
    assertThat(queue.dueWithin("soon", period)).isTrue();
    assertThat(queue.dueWithin("later", period)).isFalse();
    assertThat(queue.dueWithin("taken", period)).isFalse();
    assertThat(queue.dueWithin("unknown", period)).isFalse();
    queue.add("taken"); // changed while processed: queued again when done
    assertThat(queue.dueWithin("taken", period)).isTrue();
    clock.advance(Duration.ofSeconds(15));
    assertThat(queue.dueWithin("later", period)).isTrue();
  }

  @Test
  void otherKeysFlowWhileOneIsProcessed() {
    queue.add("a");
    queue.add("b");
    assertThat(queue.poll()).contains("a");
    queue.add("a");
    assertThat(queue.poll()).contains("b");
    assertThat(queue.poll()).isEmpty();
    queue.done("a");
    assertThat(queue.poll()).contains("a");
  }

  @Test
  void delayedKeysArriveWhenDue() {
    queue.addAfter("a", Duration.ofSeconds(10));
    assertThat(queue.length()).isZero();
    assertThat(queue.delayed()).isEqualTo(1);

    clock.advance(Duration.ofSeconds(9));
    scheduler.runDue();
    assertThat(queue.poll()).isEmpty();

    clock.advance(Duration.ofSeconds(1));
    scheduler.runDue();
    assertThat(queue.poll()).contains("a");
    assertThat(queue.delayed()).isZero();
  }

  @Test
  void ofTwoDelaysTheEarlierWins() {
    queue.addAfter("a", Duration.ofSeconds(10));
    queue.addAfter("a", Duration.ofSeconds(5));
    queue.addAfter("a", Duration.ofSeconds(30));
    assertThat(queue.readyAt("a")).contains(T0.plusSeconds(5));

    clock.advance(Duration.ofSeconds(5));
    scheduler.runDue();
    assertThat(queue.poll()).contains("a");
    queue.done("a");

    // The superseded timers do not bring the key back.
    clock.advance(Duration.ofMinutes(1));
    scheduler.runDue();
    assertThat(queue.poll()).isEmpty();
  }

  @Test
  void aZeroDelayIsAnAdd() {
    queue.addAfter("a", Duration.ZERO);
    assertThat(queue.poll()).contains("a");
  }

  @Test
  void aDelayedKeyAlreadyQueuedStaysOnce() {
    queue.add("a");
    queue.addAfter("a", Duration.ofSeconds(1));
    clock.advance(Duration.ofSeconds(1));
    scheduler.runDue();
    assertThat(queue.length()).isEqualTo(1);
  }

  @Test
  void backOffDoublesFromOneSecondUpToFiveMinutesAndForgetResetsIt() {
    List<Duration> delays = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      queue.addRateLimited("a");
      delays.add(Duration.between(clock.instant(), queue.readyAt("a").orElseThrow()));
      clock.advance(delays.getLast());
      scheduler.runDue();
      assertThat(queue.poll()).contains("a");
      queue.done("a");
    }
    assertThat(delays)
        .extracting(Duration::toSeconds)
        .containsExactly(1L, 2L, 4L, 8L, 16L, 32L, 64L, 128L, 256L, 300L, 300L, 300L);
    assertThat(queue.requeues("a")).isEqualTo(12);

    queue.forget("a");
    assertThat(queue.requeues("a")).isZero();
    queue.addRateLimited("a");
    assertThat(queue.readyAt("a")).contains(clock.instant().plusSeconds(1));
  }

  @Test
  void backOffIsPerKey() {
    queue.addRateLimited("a");
    queue.addRateLimited("a");
    queue.addRateLimited("b");
    assertThat(queue.requeues("a")).isEqualTo(2);
    assertThat(queue.readyAt("b")).contains(T0.plusSeconds(1));
  }

  @Test
  void jitterLengthensBackOff() {
    WorkQueue jittery =
        new WorkQueue(
            clock,
            scheduler,
            System::nanoTime,
            WorkQueue.BASE_DELAY,
            WorkQueue.MAX_DELAY,
            0.2,
            () -> 0.5,
            WorkQueue.Observer.NONE);
    jittery.addRateLimited("a");
    assertThat(jittery.readyAt("a")).contains(T0.plusMillis(1100));
  }

  @Test
  void reportsHowLongAKeyWaitedSinceItWasDue() {
    queue.add("a");
    clock.advance(Duration.ofSeconds(3));
    queue.poll();
    queue.done("a");

    queue.addAfter("b", Duration.ofSeconds(10));
    clock.advance(Duration.ofSeconds(12)); // the timer ran late
    scheduler.runDue();
    queue.poll();

    assertThat(waits).containsExactly(Duration.ofSeconds(3), Duration.ofSeconds(2));
  }

  @Test
  void shutDownWakesBlockedGettersAndIgnoresLaterAdds() throws Exception {
    List<Optional<String>> got = new CopyOnWriteArrayList<>();
    List<Thread> getters = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      getters.add(
          Thread.ofPlatform()
              .daemon()
              .start(
                  () -> {
                    try {
                      got.add(queue.get());
                    } catch (InterruptedException e) {
                      Thread.currentThread().interrupt();
                    }
                  }));
    }
    queue.shutDown();
    for (Thread t : getters) {
      t.join(Duration.ofSeconds(30));
      assertThat(t.isAlive()).as("getter woken").isFalse();
    }
    assertThat(got).hasSize(3).allMatch(Optional::isEmpty);

    queue.add("a");
    queue.addAfter("b", Duration.ofSeconds(1));
    assertThat(queue.length()).isZero();
    assertThat(queue.delayed()).isZero();
    assertThat(queue.get()).isEmpty();
  }

  @Test
  void idleMeansNothingQueuedAndNothingProcessed() throws Exception {
    assertThat(queue.awaitIdle(Duration.ZERO)).isTrue();
    queue.add("a");
    assertThat(queue.awaitIdle(Duration.ZERO)).isFalse();
    queue.poll();
    assertThat(queue.awaitIdle(Duration.ZERO)).isFalse();
    queue.addAfter("b", Duration.ofSeconds(5));
    queue.done("a");
    assertThat(queue.awaitIdle(Duration.ZERO)).as("a delayed key does not count").isTrue();
  }

  @Test
  void shutDownStopsHandingOutQueuedKeys() throws Exception {
    queue.add("a");
    queue.shutDown();
    assertThat(queue.get()).isEmpty();
  }

  @Test
  void neverTwoWorkersOnOneKeyAndEveryAddIsSeen() throws Exception {
    int keys = 5;
    int addsPerProducer = 2_000;
    Map<String, AtomicInteger> active = new ConcurrentHashMap<>();
    AtomicInteger overlaps = new AtomicInteger();
    Map<String, AtomicInteger> generation = new ConcurrentHashMap<>();
    Map<String, Integer> seenGeneration = new ConcurrentHashMap<>();
    for (int k = 0; k < keys; k++) {
      active.put("k" + k, new AtomicInteger());
      generation.put("k" + k, new AtomicInteger());
    }
    List<Thread> workers = new ArrayList<>();
    for (int w = 0; w < 4; w++) {
      workers.add(
          Thread.ofPlatform()
              .daemon()
              .start(
                  () -> {
                    try {
                      while (true) {
                        Optional<String> key = queue.get();
                        if (key.isEmpty()) {
                          return;
                        }
                        String k = key.get();
                        if (active.get(k).incrementAndGet() > 1) {
                          overlaps.incrementAndGet();
                        }
                        seenGeneration.put(k, generation.get(k).get());
                        Thread.yield();
                        active.get(k).decrementAndGet();
                        queue.done(k);
                      }
                    } catch (InterruptedException e) {
                      Thread.currentThread().interrupt();
                    }
                  }));
    }
    List<Thread> producers = new ArrayList<>();
    for (int p = 0; p < 3; p++) {
      int seed = p;
      producers.add(
          Thread.ofPlatform()
              .daemon()
              .start(
                  () -> {
                    for (int i = 0; i < addsPerProducer; i++) {
                      String k = "k" + ((i + seed) % keys);
                      generation.get(k).incrementAndGet();
                      queue.add(k);
                    }
                  }));
    }
    for (Thread t : producers) {
      t.join(Duration.ofSeconds(30));
      assertThat(t.isAlive()).as("producer done").isFalse();
    }
    // Every key was added after its last generation bump; wait until the workers caught up.
    assertThat(queue.awaitIdle(Duration.ofMinutes(1))).isTrue();
    queue.shutDown();
    for (Thread t : workers) {
      t.join(Duration.ofSeconds(30));
      assertThat(t.isAlive()).as("worker stopped by the shutdown").isFalse();
    }
    assertThat(overlaps).hasValue(0);
    for (int k = 0; k < keys; k++) {
      // A worker took each key after the last change to it was made.
      assertThat(seenGeneration.get("k" + k)).isEqualTo(generation.get("k" + k).get());
    }
  }

  /** A queue on a real-time clock that moves 5 ms each time it is read. */
  private static WorkQueue onSteppingNanos(AtomicLong nanos) {
    MutableClock c = new MutableClock(T0);
    return new WorkQueue(
        c,
        new ManualScheduler(c),
        () -> nanos.addAndGet(Duration.ofMillis(5).toNanos()),
        WorkQueue.BASE_DELAY,
        WorkQueue.MAX_DELAY,
        0,
        () -> 0.5,
        WorkQueue.Observer.NONE);
  }

  @Test
  void anApplyWaitsWhileBusyWorkersLeaveAKeyDueTooLongAndAtMostTheMaximum() throws Exception {
    AtomicLong nanos = new AtomicLong();
    WorkQueue q = onSteppingNanos(nanos);
    q.add("a");
    q.add("b");
    // No worker busy (none runs, or all wait for work): nothing to wait for.
    nanos.addAndGet(Duration.ofSeconds(5).toNanos());
    assertThat(q.awaitCaughtUp(Duration.ofMillis(50), Duration.ofSeconds(1)))
        .isLessThan(Duration.ofMillis(50));

    assertThat(q.poll()).contains("a"); // a worker is busy with a; b has been due 5 s
    assertThat(q.awaitCaughtUp(Duration.ofMillis(50), Duration.ofMillis(100)))
        .isGreaterThanOrEqualTo(Duration.ofMillis(100));

    q.add("c"); // due now, behind b
    Thread taker =
        Thread.ofPlatform()
            .start(
                () -> {
                  try {
                    Thread.sleep(50);
                  } catch (InterruptedException e) {
                    return;
                  }
                  q.poll(); // a second worker takes b: the head is now c, due only just
                });
    Duration held = q.awaitCaughtUp(Duration.ofSeconds(1), Duration.ofSeconds(100));
    taker.join();
    assertThat(held).isLessThan(Duration.ofSeconds(100));
    assertThat(q.poll()).contains("c");
  }
}
