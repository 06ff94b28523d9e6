package dev.snailtrail.cli;

import dev.snailtrail.api.ApiServer;
import dev.snailtrail.controller.Controller;
import dev.snailtrail.controller.SpecDirWatcher;
import dev.snailtrail.metrics.MicrometerMetrics;
import dev.snailtrail.store.StoreLock;
import dev.snailtrail.trail.TrailSink;
import java.io.PrintStream;
import java.util.List;

/**
 * Everything that runs, stopped in this order; the store's lock goes last, once all is written.
 * {@code watcher} and {@code api} may be null.
 */
record RunningController(
    SpecDirWatcher watcher,
    ApiServer api,
    Controller controller,
    List<TrailSink> sinks,
    MicrometerMetrics metrics,
    Ports ports,
    StoreLock lock) {

  /**
   * Stops taking work, lets the passes in flight finish and write their status, then closes the
   * rest.
   *
   * @return how many passes were in flight when it began
   */
  int stop(PrintStream err) {
    if (watcher != null) {
      watcher.close();
    }
    if (api != null) {
      api.close();
    }
    int inFlight = controller.inFlight();
    controller.close();
    for (TrailSink sink : sinks) {
      if (sink instanceof AutoCloseable c) {
        try {
          c.close();
        } catch (Exception e) {
          err.println("snailtrail controller: closing a trail sink: " + e);
        }
      }
    }
    metrics.close();
    ports.close();
    lock.close();
    return inFlight;
  }
}
