package dev.snailtrail.controller;

import dev.snailtrail.metrics.Metrics;
import dev.snailtrail.store.StoreDamaged;
import java.io.PrintStream;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The rollouts whose files in the store cannot be read. Each is logged in one line when found (and
 * again only when what is wrong changes) and counted in metrics; the controller passes it by until
 * the resync finds it readable, which is logged too.
 */
final class DamagedRollouts {
  private final Map<String, String> reported = new ConcurrentHashMap<>();
  private final Metrics metrics;
  private final PrintStream log;

  DamagedRollouts(Metrics metrics, PrintStream log) {
    this.metrics = metrics;
    this.log = log;
  }

  void found(StoreDamaged e) {
    String before = reported.put(e.rollout(), e.getMessage());
    if (!e.getMessage().equals(before)) {
      log.println("snailtrail controller: " + e.getMessage());
      metrics.storeDamaged(e.rollout(), true);
    }
  }

  /** The rollout was read whole; whether it was damaged until now. */
  boolean readable(String name) {
    if (reported.remove(name) == null) {
      return false;
    }
    log.println("snailtrail controller: rollout " + name + " can be read again; reconciling it");
    metrics.storeDamaged(name, false);
    return true;
  }

  /** The rollout is gone. */
  void forget(String name) {
    reported.remove(name);
  }
}
