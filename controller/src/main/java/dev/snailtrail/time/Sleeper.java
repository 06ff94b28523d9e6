package dev.snailtrail.time;

import java.time.Duration;

/**
 * Lets time pass: really (scaled) in the demo and the controller's own threads, by advancing a
 * manual clock in tests. Only the composition root makes one that really sleeps.
 */
@FunctionalInterface
public interface Sleeper {
  void sleep(Duration simulated) throws InterruptedException;
}
