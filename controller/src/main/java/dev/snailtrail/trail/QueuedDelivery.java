package dev.snailtrail.trail;

import dev.snailtrail.time.Backoff;
import dev.snailtrail.time.Sleeper;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Sends trail events to a remote sink from a background thread, so a slow or down receiver never
 * delays a reconcile pass. Events wait in a bounded queue and go out in order, in batches of up to
 * {@code batchSize} (sooner when {@code flushEvery} passes); a failed batch is retried, with
 * exponential backoff, until it succeeds, so nothing is lost while the queue has room. When the
 * queue is full the new event is dropped and counted ({@link #dropped()}), with a warning.
 */
public final class QueuedDelivery implements AutoCloseable {

  /** Delivers one batch, in order; throws to have it retried. */
  @FunctionalInterface
  public interface Deliverer {
    void deliver(List<TrailEvent> batch) throws Exception;
  }

  private final String name;
  private final Deliverer deliverer;
  private final BlockingQueue<TrailEvent> queue;
  private final int batchSize;
  private final Duration flushEvery;
  private final Backoff backoff;
  private final Sleeper sleeper;
  private final PrintStream warnings;
  private final Thread thread;
  private final AtomicLong dropped = new AtomicLong();
  private final AtomicLong delivered = new AtomicLong();
  private final Object idle = new Object();
  private final AtomicLong pending = new AtomicLong();
  private volatile boolean closing;
  private volatile long giveUpAt = Long.MAX_VALUE;

  /**
   * @param name how warnings name the sink, e.g. {@code webhook}
   * @param capacity events the queue holds before dropping
   * @param sleeper waits out the back-off between attempts
   */
  public QueuedDelivery(
      String name,
      Deliverer deliverer,
      int capacity,
      int batchSize,
      Duration flushEvery,
      Duration firstBackoff,
      Duration maxBackoff,
      Sleeper sleeper,
      PrintStream warnings) {
    this.name = name;
    this.deliverer = deliverer;
    this.queue = new ArrayBlockingQueue<>(capacity);
    this.batchSize = batchSize;
    this.flushEvery = flushEvery;
    this.backoff = Backoff.exponential(firstBackoff, maxBackoff);
    this.sleeper = sleeper;
    this.warnings = warnings;
    this.thread = new Thread(this::loop, "snailtrail-trail-" + name);
    thread.setDaemon(true);
    thread.start();
  }

  /** Queues an event; never blocks. Returns false when the queue was full and it was dropped. */
  public boolean offer(TrailEvent event) {
    pending.incrementAndGet();
    if (closing || !queue.offer(event)) {
      pending.decrementAndGet();
      long n = dropped.incrementAndGet();
      if (n == 1 || n % 100 == 0) {
        warnings.println(
            "trail sink "
                + name
                + ": queue full or closed, dropped event "
                + event.id()
                + " ("
                + n
                + " dropped so far)");
      }
      return false;
    }
    return true;
  }

  /** Events dropped because the queue was full (or the sink closed). */
  public long dropped() {
    return dropped.get();
  }

  /** Events delivered. */
  public long delivered() {
    return delivered.get();
  }

  /** Waits until every queued event is delivered; false when {@code timeout} passed first. */
  public boolean flush(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (idle) {
      while (pending.get() > 0) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        TimeUnit.NANOSECONDS.timedWait(idle, Math.min(left, TimeUnit.MILLISECONDS.toNanos(50)));
      }
    }
    return true;
  }

  /** Stops taking events and delivers what is queued, giving up after {@code timeout}. */
  public void close(Duration timeout) {
    closing = true;
    giveUpAt = System.nanoTime() + timeout.toNanos();
    try {
      thread.join(timeout.toMillis() + 1_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    thread.interrupt();
    long left = pending.get();
    if (left > 0) {
      warnings.println("trail sink " + name + ": closed with " + left + " events undelivered");
    }
  }

  @Override
  public void close() {
    close(Duration.ofSeconds(5));
  }

  private void loop() {
    List<TrailEvent> batch = new ArrayList<>();
    try {
      while (!(closing && queue.isEmpty())) {
        TrailEvent first = queue.poll(closing ? 0 : 100, TimeUnit.MILLISECONDS);
        if (first == null) {
          signalIdle();
          continue;
        }
        batch.add(first);
        long until = System.nanoTime() + flushEvery.toNanos();
        while (batch.size() < batchSize && !closing) {
          TrailEvent next = queue.poll(until - System.nanoTime(), TimeUnit.NANOSECONDS);
          if (next == null) {
            break;
          }
          batch.add(next);
        }
        queue.drainTo(batch, batchSize - batch.size());
        if (!deliverWithRetry(batch)) {
          return;
        }
        delivered.addAndGet(batch.size());
        pending.addAndGet(-batch.size());
        batch.clear();
        signalIdle();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Retries a batch until it goes out; false when closing and out of time. */
  private boolean deliverWithRetry(List<TrailEvent> batch) throws InterruptedException {
    boolean warned = false;
    for (int attempt = 1; ; attempt++) {
      try {
        deliverer.deliver(List.copyOf(batch));
        if (warned) {
          warnings.println("trail sink " + name + ": delivering again");
        }
        return true;
      } catch (InterruptedException e) {
        throw e;
      } catch (Exception e) {
        if (!warned) {
          warnings.println(
              "trail sink " + name + ": delivery failed, retrying with backoff: " + e.getMessage());
          warned = true;
        }
      }
      Duration delay = backoff.delay(attempt);
      if (closing && System.nanoTime() + delay.toNanos() > giveUpAt) {
        return false;
      }
      sleeper.sleep(delay);
    }
  }

  private void signalIdle() {
    synchronized (idle) {
      idle.notifyAll();
    }
  }
}
