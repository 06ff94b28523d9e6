package dev.snailtrail.cli;

import dev.snailtrail.provider.Change;
import dev.snailtrail.provider.ChangeFeed;
import dev.snailtrail.provider.ProviderException;
import dev.snailtrail.provider.ServiceRef;
import dev.snailtrail.provider.decorate.ManagedAlarms;
import dev.snailtrail.provider.decorate.ManagedServices;
import dev.snailtrail.spec.Rollout;
import dev.snailtrail.time.Sleeper;
import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * {@code run --events}: the wait between passes, cut short by news of the rollout's service or of
 * an alarm its gates name. A thread reads the feed; a change that concerns the rollout lets the
 * sleeping driver go at once (or the next sleep, when it came during a pass). The wait otherwise
 * lasts as long as without events, so a lost change only means the pass comes at its usual time.
 */
final class ChangeSleeper implements Sleeper, AutoCloseable {
  private final ChangeFeed feed;
  private final UnaryOperator<Duration> realTime;
  private final ManagedServices service = new ManagedServices();
  private final ManagedAlarms alarms = new ManagedAlarms();
  private final Semaphore woken = new Semaphore(0);
  private final PrintStream warnings;
  private final Thread reader;
  private volatile boolean closed;

  /**
   * @param realTime how long a wait of the rollout's clock takes really
   */
  ChangeSleeper(
      ChangeFeed feed, Rollout rollout, UnaryOperator<Duration> realTime, PrintStream warnings) {
    this.feed = feed;
    this.realTime = realTime;
    this.warnings = warnings;
    var t = rollout.spec().target();
    service.manage(rollout.name(), new ServiceRef(t.region(), t.cluster(), t.service()));
    alarms.manage(rollout.name(), t.region(), ManagedAlarms.namesIn(rollout));
    reader = Thread.ofPlatform().name("snailtrail-events").daemon(true).start(this::read);
  }

  private void read() {
    while (!closed) {
      try {
        for (Change c : feed.next(Duration.ofSeconds(20))) {
          if (c.wakes() && concerns(c)) {
            woken.release();
          }
        }
      } catch (ProviderException e) {
        warnings.println("cannot read the event feed (polling goes on): " + e.describe());
        try {
          Thread.sleep(Duration.ofSeconds(5));
        } catch (InterruptedException ie) {
          return;
        }
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private boolean concerns(Change c) {
    return switch (c) {
      case Change.ServiceChanged s ->
          !service.rolloutsOf(s.region(), s.cluster(), s.service()).isEmpty();
      case Change.AlarmChanged a -> !alarms.rolloutsOf(a.alarm()).isEmpty();
    };
  }

  @Override
  public void sleep(Duration simulated) throws InterruptedException {
    woken.tryAcquire(Math.max(0, realTime.apply(simulated).toNanos()), TimeUnit.NANOSECONDS);
    woken.drainPermits();
  }

  @Override
  public void close() {
    closed = true;
    feed.close();
    reader.interrupt();
  }
}
