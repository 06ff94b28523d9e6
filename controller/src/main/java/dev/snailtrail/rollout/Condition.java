package dev.snailtrail.rollout;

import java.time.Instant;

/**
 * A Kubernetes-style condition: one aspect of a rollout, whether it holds, and since when.
 *
 * @param lastTransitionTime when {@code status} last changed
 */
public record Condition(
    Type type, Status status, Reason reason, String message, Instant lastTransitionTime) {

  /** The aspects a rollout reports. */
  public enum Type {
    /** The controller is moving the rollout (forward or back). */
    Progressing,
    /** The service runs a phase whose gates passed (or the rollout's baseline). */
    Available,
    /** A person or a guard stopped the rollout until someone resumes it. */
    Paused,
    /** The last pass failed on a bug in the controller, not on a provider; see the log. */
    InternalError,
    /**
     * A file of the rollout in the store cannot be read: the controller leaves the rollout alone
     * until a person repairs it; the message names the file and what to do.
     */
    StoreDamaged,
    /**
     * The service of a Healthy or Degraded rollout no longer runs what the rollout left it running;
     * the message says what differs. Set once when drift is seen, changed when it changes, removed
     * when it ends.
     */
    Drifted,
    /**
     * The provider (AWS, or the simulator) could not be asked on the last attempt; the rollout
     * waits and retries, and never rolls back for it. Since: the first failed attempt.
     */
    ProviderUnavailable
  }

  /** Whether a condition holds, as Kubernetes spells it. */
  public enum Status {
    True,
    False,
    Unknown;

    public static Status of(boolean holds) {
      return holds ? True : False;
    }
  }

  /** Whether this is a condition of {@code type} that holds. */
  public boolean holds(Type t) {
    return type == t && status == Status.True;
  }
}
