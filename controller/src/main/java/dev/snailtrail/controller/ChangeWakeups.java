package dev.snailtrail.controller;

import dev.snailtrail.metrics.Metrics;
import dev.snailtrail.provider.Change;
import dev.snailtrail.provider.ChangeFeed;
import dev.snailtrail.provider.ProviderException;
import dev.snailtrail.time.Backoff;
import dev.snailtrail.time.Sleeper;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Wakes rollouts on news: one thread reads a {@link ChangeFeed} (long polls of {@link #WAIT}) and,
 * for each change, forgets what the controller had seen of the changed service or alarm and queues
 * the rollouts it concerns at once. Nothing else changes: the woken pass reads the world as any
 * pass does, so a change lost on the way only means the rollout looks at its next poll or resync,
 * and a change delivered twice collapses in the work queue. A feed that cannot be read is retried
 * with back-off (1 s doubling to 1 min); polling goes on meanwhile.
 */
final class ChangeWakeups implements AutoCloseable {
  /** How long one read of the feed waits for news: SQS's longest long poll. */
  static final Duration WAIT = Duration.ofSeconds(20);

  private static final Backoff BACKOFF =
      Backoff.exponential(Duration.ofSeconds(1), Duration.ofMinutes(1));

  private final ChangeFeed feed;
  private final Function<Change, Set<String>> rolloutsOf;
  private final Consumer<Change> forget;
  private final WorkQueue queue;
  private final Metrics metrics;
  private final Sleeper sleeper;
  private final PrintStream log;
  private volatile boolean closed;
  private Thread thread;

  /**
   * @param rolloutsOf the rollouts a change concerns
   * @param forget drops what was seen of what the change names (cached reads)
   * @param sleeper waits out a back-off, in real time
   */
  ChangeWakeups(
      ChangeFeed feed,
      Function<Change, Set<String>> rolloutsOf,
      Consumer<Change> forget,
      WorkQueue queue,
      Metrics metrics,
      Sleeper sleeper,
      PrintStream log) {
    this.feed = feed;
    this.rolloutsOf = rolloutsOf;
    this.forget = forget;
    this.queue = queue;
    this.metrics = metrics;
    this.sleeper = sleeper;
    this.log = log;
  }

  synchronized void start() {
    thread = Thread.ofPlatform().name("snailtrail-events").daemon(true).start(this::run);
  }

  private void run() {
    int errorsInARow = 0;
    while (!closed) {
      try {
        for (Change c : feed.next(WAIT)) {
          wake(c);
        }
        if (errorsInARow > 0) {
          log.println("snailtrail controller: the event feed answers again");
        }
        errorsInARow = 0;
      } catch (ProviderException e) {
        if (closed) {
          return;
        }
        errorsInARow++;
        Duration delay = BACKOFF.delay(errorsInARow);
        log.println(
            "snailtrail controller: cannot read the event feed (polling goes on), retry in "
                + delay.toSeconds()
                + " s: "
                + e.describe());
        try {
          sleeper.sleep(delay);
        } catch (InterruptedException ie) {
          return;
        }
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  /**
   * Forgets what the change outdates, and queues the rollouts it concerns, unless the change is not
   * worth a look ({@link Change#wakes}).
   */
  void wake(Change c) {
    if (!c.wakes()) {
      metrics.changeReceived(kind(c), false);
      return;
    }
    if (c.outdates()) {
      forget.accept(c);
    }
    Set<String> rollouts = rolloutsOf.apply(c);
    rollouts.forEach(queue::add);
    metrics.changeReceived(kind(c), !rollouts.isEmpty());
  }

  static String kind(Change c) {
    return switch (c) {
      case Change.ServiceChanged s -> "service";
      case Change.AlarmChanged a -> "alarm";
    };
  }

  @Override
  public void close() {
    closed = true;
    feed.close();
    Thread t;
    synchronized (this) {
      t = thread;
    }
    if (t != null) {
      t.interrupt();
    }
  }
}
