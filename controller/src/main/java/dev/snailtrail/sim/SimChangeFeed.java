package dev.snailtrail.sim;

import dev.snailtrail.provider.Change;
import dev.snailtrail.provider.ChangeEvents;
import dev.snailtrail.provider.ChangeFeed;
import dev.snailtrail.time.Sleeper;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The simulator's EventBridge events as a {@link ChangeFeed}, read through {@link ChangeEvents} as
 * the SQS feed reads AWS's: the same JSON, the same parsing. The simulated world moves only when
 * asked, so the feed looks every {@code step}, bringing the world up to its clock each time: a
 * deployment that completes while no pass runs still sends its event within a step.
 */
public final class SimChangeFeed implements ChangeFeed {
  private final Simulator simulator;
  private final Sleeper sleeper;
  private final Duration step;
  private volatile boolean closed;

  /**
   * @param sleeper lets a step pass (really, at the composition root; a manual clock in tests)
   * @param step how long between looks at the world
   */
  public SimChangeFeed(Simulator simulator, Sleeper sleeper, Duration step) {
    if (!step.isPositive()) {
      throw new IllegalArgumentException("step must be positive, was " + step);
    }
    this.simulator = simulator;
    this.sleeper = sleeper;
    this.step = step;
  }

  @Override
  public List<Change> next(Duration wait) throws InterruptedException {
    long looks = Math.max(1, wait.toNanos() / step.toNanos());
    for (long i = 0; i < looks && !closed; i++) {
      List<Change> changes = new ArrayList<>();
      for (String event : simulator.takeEvents()) {
        ChangeEvents.parse(event).ifPresent(changes::add);
      }
      if (!changes.isEmpty()) {
        return changes;
      }
      sleeper.sleep(step);
    }
    return List.of();
  }

  @Override
  public void close() {
    closed = true;
  }
}
