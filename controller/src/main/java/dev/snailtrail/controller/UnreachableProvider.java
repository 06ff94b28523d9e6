package dev.snailtrail.controller;

import dev.snailtrail.metrics.Metrics;
import dev.snailtrail.provider.ProviderException;
import dev.snailtrail.reconcile.Outages;
import dev.snailtrail.reconcile.ReconcileResult;
import dev.snailtrail.rollout.Condition;
import dev.snailtrail.rollout.RolloutStatus;
import dev.snailtrail.store.StoredRollout;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;

/**
 * Passes that could not reach the provider. The rollout's status is marked {@code
 * ProviderUnavailable} and its trail told once when an outage starts; the log says it once too, and
 * again when a pass gets through. Such a pass is retried sooner than other failures ({@link
 * #RETRY}): an outage ends by itself, and the rollout should resume within seconds of it.
 */
final class UnreachableProvider {
  /**
   * The longest wait between attempts while the provider cannot be reached. The AWS adapter's
   * circuit breaker keeps these attempts from reaching AWS while it is open, so they cost little.
   */
  static final Duration RETRY = Duration.ofSeconds(2);

  private final RolloutAccess access;
  private final Metrics metrics;
  private final PrintStream log;
  private final Clock clock;

  UnreachableProvider(RolloutAccess access, Metrics metrics, PrintStream log, Clock clock) {
    this.access = access;
    this.metrics = metrics;
    this.log = log;
    this.clock = clock;
  }

  /**
   * A pass over {@code r} (null: it could not be read) failed on an outage: marks its status when
   * the outage is new to it, and says so in one line.
   */
  void failed(String name, StoredRollout r, ProviderException e) {
    if (r == null) {
      log.println(line(name) + "cannot reach the provider: " + e.describe());
      return;
    }
    ReconcileResult marked =
        Outages.unreachable(r.spec(), r.generation(), r.status(), e, clock.instant());
    if (marked.events().isEmpty()) {
      return; // marked already: said when it started
    }
    try {
      RolloutStatus status = access.publish(name, marked.events(), marked.status());
      access.store.writeStatus(name, r.resourceVersion(), status);
      metrics.statusMarked(name, status);
    } catch (RuntimeException written) {
      log.println(
          line(name) + "could not mark the status as unable to reach the provider: " + written);
    }
    log.println(
        line(name)
            + "cannot reach the provider ("
            + e.describe()
            + "); the rollout waits, retrying every "
            + RETRY.toSeconds()
            + " s, and rolls nothing back for it");
  }

  /** A pass over a rollout completed: if it was marked unreachable, say that this is over. */
  void passed(String name, RolloutStatus before) {
    if (before.conditions().stream().anyMatch(c -> c.holds(Condition.Type.ProviderUnavailable))) {
      log.println(line(name) + "reaches the provider again; going on");
    }
  }

  private static String line(String name) {
    return "snailtrail controller: pass over " + name + ": ";
  }
}
