package dev.snailtrail.run;

import java.time.Duration;

/** Lets time pass: really (scaled) in the demo, by advancing a manual clock in tests. */
@FunctionalInterface
public interface Sleeper {
  void sleep(Duration simulated) throws InterruptedException;
}
