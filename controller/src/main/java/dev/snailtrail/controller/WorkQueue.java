package dev.snailtrail.controller;

import dev.snailtrail.time.Backoff;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.DoubleSupplier;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * A work queue of rollout names with the semantics of client-go's rate-limited delaying queue:
 *
 * <ul>
 *   <li>it holds keys, never objects: a worker reads the current state when it takes a key;
 *   <li>a key is handed to at most one worker at a time; adding a key that is being processed marks
 *       it dirty, and it is queued again when that worker calls {@link #done};
 *   <li>adding a key that is already waiting changes nothing (duplicates collapse);
 *   <li>{@link #addAfter} queues a key later; of several delayed adds the earliest wins;
 *   <li>{@link #addRateLimited} backs off per key exponentially ({@link Backoff}: 1 s doubling up
 *       to 5 min by default) until {@link #forget} resets it;
 *   <li>{@link #shutDown} wakes every blocked {@link #get}, which then returns empty: workers stop
 *       taking work even if keys remain.
 * </ul>
 *
 * Time is the injected clock; delays go through the injected {@link Scheduler}, so tests drive
 * delayed keys by hand.
 */
public final class WorkQueue {
  /** The first back-off after an error. */
  public static final Duration BASE_DELAY = Duration.ofSeconds(1);

  /** The longest back-off. */
  public static final Duration MAX_DELAY = Duration.ofMinutes(5);

  /** Told when a worker takes a key, for the queue latency metric and benchmarks. */
  public interface Observer {
    /**
     * @param waited how long the key was due before a worker took it, on the controller's clock
     * @param waitedNanos the same in real nanoseconds
     */
    default void taken(String key, Duration waited, long waitedNanos) {}

    default void depth(int depth) {}

    Observer NONE = new Observer() {};
  }

  private final Clock clock;
  private final Scheduler scheduler;
  private final LongSupplier nanoTime;
  private final Backoff backoff;
  private final Observer observer;

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition available = lock.newCondition();
  private final Condition idle = lock.newCondition();
  private final Condition taken = lock.newCondition();
  private final ArrayDeque<String> queue = new ArrayDeque<>();
  private final Set<String> dirty = new HashSet<>();
  private final Set<String> processing = new HashSet<>();
  private final Map<String, Due> dueSince = new HashMap<>();
  private final Map<String, Waiting> waiting = new HashMap<>();
  private final Map<String, Integer> failures = new HashMap<>();
  private boolean shuttingDown;
  private long tokens;

  private record Due(Instant at, long nanos) {}

  private record Waiting(Instant readyAt, long token, Runnable cancel) {}

  /** A queue with the default back-off (1 s × 2 up to 5 min, no jitter). */
  public WorkQueue(Clock clock, Scheduler scheduler) {
    this(clock, scheduler, System::nanoTime, BASE_DELAY, MAX_DELAY, 0, () -> 0.5, Observer.NONE);
  }

  /**
   * A queue.
   *
   * @param nanoTime real time, for the observer's real-time latency
   * @param jitter a fraction (0 to 1) by which back-offs are randomly lengthened, so that many keys
   *     failing together do not retry together
   * @param random values in [0, 1) for the jitter
   */
  public WorkQueue(
      Clock clock,
      Scheduler scheduler,
      LongSupplier nanoTime,
      Duration baseDelay,
      Duration maxDelay,
      double jitter,
      DoubleSupplier random,
      Observer observer) {
    this.clock = clock;
    this.scheduler = scheduler;
    this.nanoTime = nanoTime;
    this.backoff = Backoff.exponential(baseDelay, maxDelay).withJitter(jitter, random);
    this.observer = observer;
  }

  /** Queues a key now, unless it is already queued; a key being processed is queued after it. */
  public void add(String key) {
    addDueAt(key, null);
  }

  private void addDueAt(String key, Instant dueAt) {
    lock.lock();
    try {
      if (shuttingDown || dirty.contains(key)) {
        return;
      }
      dirty.add(key);
      if (processing.contains(key)) {
        return;
      }
      enqueue(key, dueAt);
    } finally {
      lock.unlock();
    }
  }

  private void enqueue(String key, Instant dueAt) {
    queue.addLast(key);
    dueSince.put(key, new Due(dueAt != null ? dueAt : clock.instant(), nanoTime.getAsLong()));
    observer.depth(queue.size());
    available.signal();
  }

  /**
   * Queues a key once {@code delay} has passed. A key already waiting keeps the earlier of the two
   * times; a zero or negative delay is {@link #add}.
   */
  public void addAfter(String key, Duration delay) {
    if (delay.isZero() || delay.isNegative()) {
      add(key);
      return;
    }
    lock.lock();
    try {
      if (shuttingDown) {
        return;
      }
      Instant readyAt = clock.instant().plus(delay);
      Waiting current = waiting.get(key);
      if (current != null && !current.readyAt().isAfter(readyAt)) {
        return;
      }
      if (current != null) {
        current.cancel().run();
      }
      long token = ++tokens;
      // Scheduled under the lock: a manual scheduler never runs the task inline, an executor does
      // so on its own thread, which waits for the lock.
      Runnable cancel = scheduler.schedule(delay, () -> fire(key, token));
      waiting.put(key, new Waiting(readyAt, token, cancel));
    } finally {
      lock.unlock();
    }
  }

  private void fire(String key, long token) {
    Instant readyAt;
    lock.lock();
    try {
      Waiting w = waiting.get(key);
      // A timer replaced by an earlier one, or already fired: nothing to do.
      if (w == null || w.token() != token) {
        return;
      }
      waiting.remove(key);
      // Due since the delay ended, however late the timer ran: that lateness is queue latency.
      readyAt = w.readyAt();
    } finally {
      lock.unlock();
    }
    addDueAt(key, readyAt);
  }

  /** Whether a worker takes the key within {@code d} unasked: queued, or a delay ends by then. */
  public boolean dueWithin(String key, Duration d) {
    lock.lock();
    try {
      Waiting w = waiting.get(key);
      return dirty.contains(key) || (w != null && !w.readyAt().isAfter(clock.instant().plus(d)));
    } finally {
      lock.unlock();
    }
  }

  /** Queues a key after its back-off, which doubles with each call until {@link #forget}. */
  public void addRateLimited(String key) {
    addAfter(key, nextBackoff(key));
  }

  /**
   * Queues a key after its back-off, counted as {@link #addRateLimited(String)} counts it, but
   * never later than {@code cap}: for failures that end by themselves and must be noticed soon when
   * they do (a provider that answers again).
   */
  public void addRateLimited(String key, Duration cap) {
    Duration d = nextBackoff(key);
    addAfter(key, d.compareTo(cap) > 0 ? cap : d);
  }

  private Duration nextBackoff(String key) {
    return locked(() -> backoff.delay(failures.merge(key, 1, Integer::sum)));
  }

  /** Resets a key's back-off: its last pass succeeded. */
  public void forget(String key) {
    lock.lock();
    try {
      failures.remove(key);
    } finally {
      lock.unlock();
    }
  }

  /** How many times in a row the key was re-queued with back-off. */
  public int requeues(String key) {
    return locked(() -> failures.getOrDefault(key, 0));
  }

  /**
   * Takes the next key, waiting until one is queued. The caller owns the key until it calls {@link
   * #done}.
   *
   * @return the key, or empty once the queue is shut down
   */
  public Optional<String> get() throws InterruptedException {
    lock.lock();
    try {
      while (queue.isEmpty() && !shuttingDown) {
        available.await();
      }
      return take();
    } finally {
      lock.unlock();
    }
  }

  /** Takes the next key if one is queued now, without waiting. */
  public Optional<String> poll() {
    return locked(() -> take());
  }

  private Optional<String> take() {
    if (shuttingDown || queue.isEmpty()) {
      return Optional.empty();
    }
    String key = queue.removeFirst();
    processing.add(key);
    dirty.remove(key);
    Due due = dueSince.remove(key);
    if (due != null) {
      observer.taken(
          key, Duration.between(due.at(), clock.instant()), nanoTime.getAsLong() - due.nanos());
    }
    observer.depth(queue.size());
    taken.signalAll();
    return Optional.of(key);
  }

  /**
   * Waits while the workers are behind: some are busy and the key at the head of the queue has been
   * due for {@code behind} or more of real time. Returns at once when no worker is busy (none runs,
   * or all wait for work), and after {@code max} at the latest.
   *
   * @return how long it waited
   */
  public Duration awaitCaughtUp(Duration behind, Duration max) throws InterruptedException {
    long start = nanoTime.getAsLong();
    lock.lock();
    try {
      while (!shuttingDown && !processing.isEmpty() && !queue.isEmpty()) {
        long now = nanoTime.getAsLong();
        long left = max.toNanos() - (now - start);
        long late = behind.toNanos() - (now - dueSince.get(queue.peekFirst()).nanos());
        if (late > 0 || left <= 0) {
          break;
        }
        // Woken when a worker takes a key; the head's age grows by itself, so look again soon.
        taken.awaitNanos(Math.min(left, Duration.ofMillis(10).toNanos()));
      }
      return Duration.ofNanos(nanoTime.getAsLong() - start);
    } finally {
      lock.unlock();
    }
  }

  /** The worker is finished with a key; if it was added meanwhile, it is queued again. */
  public void done(String key) {
    lock.lock();
    try {
      processing.remove(key);
      if (dirty.contains(key) && !shuttingDown) {
        enqueue(key, null);
      }
      if (processing.isEmpty()) {
        idle.signalAll();
      }
    } finally {
      lock.unlock();
    }
  }

  private <T> T locked(Supplier<T> read) {
    lock.lock();
    try {
      return read.get();
    } finally {
      lock.unlock();
    }
  }

  /** Stops handing out keys and wakes every waiting {@link #get}; later adds are ignored. */
  public void shutDown() {
    lock.lock();
    try {
      shuttingDown = true;
      idle.signalAll();
      for (Waiting w : waiting.values()) {
        w.cancel().run();
      }
      waiting.clear();
      available.signalAll();
    } finally {
      lock.unlock();
    }
  }

  public boolean isShuttingDown() {
    return locked(() -> shuttingDown);
  }

  /**
   * Waits until nothing is queued or being processed (delayed keys may still wait), at most {@code
   * timeout}: lets a test or benchmark that drives time by hand know the passes of this instant are
   * over.
   *
   * @return whether the queue is idle
   */
  public boolean awaitIdle(Duration timeout) throws InterruptedException {
    long nanos = timeout.toNanos();
    lock.lock();
    try {
      while (!(queue.isEmpty() && processing.isEmpty()) && !shuttingDown) {
        if (nanos <= 0) {
          return false;
        }
        nanos = idle.awaitNanos(nanos);
      }
      return queue.isEmpty() && processing.isEmpty();
    } finally {
      lock.unlock();
    }
  }

  /** Keys queued now (not counting delayed ones or ones being processed). */
  public int length() {
    return locked(() -> queue.size());
  }

  /** Whether nothing is queued or being processed (delayed keys may still wait). */
  public boolean isIdle() {
    return locked(() -> queue.isEmpty() && processing.isEmpty());
  }

  /** Keys waiting for a delay to pass. */
  public int delayed() {
    return locked(() -> waiting.size());
  }

  /** When a key waiting for a delay becomes due, or empty when it does not wait. */
  public Optional<Instant> readyAt(String key) {
    lock.lock();
    try {
      Waiting w = waiting.get(key);
      return w == null ? Optional.empty() : Optional.of(w.readyAt());
    } finally {
      lock.unlock();
    }
  }

  /** Whether the key is being processed by a worker now. */
  public boolean isProcessing(String key) {
    return locked(() -> processing.contains(key));
  }
}
