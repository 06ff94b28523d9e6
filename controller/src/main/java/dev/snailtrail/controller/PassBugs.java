package dev.snailtrail.controller;

import dev.snailtrail.rollout.RolloutStatus;
import dev.snailtrail.store.StoredRollout;
import java.io.PrintStream;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Passes that failed for a reason other than an outage, and above all on a bug. A bug marks the
 * rollout's status {@code InternalError} and logs its stack trace once; retries until a pass
 * succeeds are logged in one line each, so a bug neither hides as an outage nor floods the log.
 */
final class PassBugs {
  private final RolloutAccess access;
  private final PrintStream log;
  private final Clock clock;

  /** Rollouts whose bug has been logged with its stack trace since their last good pass. */
  private final Set<String> logged = ConcurrentHashMap.newKeySet();

  PassBugs(RolloutAccess access, PrintStream log, Clock clock) {
    this.access = access;
    this.log = log;
    this.clock = clock;
  }

  /** A pass got through, or the rollout is gone: its next bug is logged in full again. */
  void cleared(String name) {
    logged.remove(name);
  }

  /** A failure that is neither a bug nor an outage (a refusal by the provider, say): one line. */
  void failed(String name, String why) {
    log.println(line(name, "") + why);
  }

  /**
   * A bug: marks the status (when the rollout could be read) and logs the stack trace, or one line
   * when this rollout's bug was already logged since its last good pass.
   */
  void bug(String name, StoredRollout r, RuntimeException e) {
    String summary = summary(e);
    if (r != null) {
      markInternalError(r, summary);
    }
    if (logged.add(name)) {
      log.println(
          line(name, " on a bug")
              + "the status says InternalError; retries are logged in one line until a pass"
              + " succeeds:");
      e.printStackTrace(log);
    } else {
      log.println(line(name, " again on a bug") + summary);
    }
  }

  /** Writes the status with the InternalError condition, unless it already says just that. */
  private void markInternalError(StoredRollout r, String summary) {
    RolloutStatus marked = r.status().withInternalError(summary, clock.instant());
    if (marked.equals(r.status())) {
      return;
    }
    try {
      if (access.mayAct(r.name())) {
        access.commit(r.name(), r.resourceVersion(), List.of(), marked, access.fence(r.name()));
      }
    } catch (RuntimeException e) {
      log.println(
          "snailtrail controller: could not mark the status of " + r.name() + " as failing: " + e);
    }
  }

  /** The exception in one line, with where it was thrown. */
  static String summary(Throwable e) {
    StackTraceElement[] trace = e.getStackTrace();
    return trace.length == 0 ? e.toString() : e + " at " + trace[0];
  }

  private String line(String name, String how) {
    return "snailtrail controller: pass over %s failed%s (retry %d with back-off): "
        .formatted(name, how, access.queue.requeues(name));
  }
}
