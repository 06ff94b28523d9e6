package dev.snailtrail.store;

/**
 * A write or an action was refused because the replica no longer holds the rollout's lease: another
 * replica took it over (its fencing token is higher), it was released, or the replica's own lease
 * ran out before it could renew. Not a failure of the rollout: the holder acts on it now.
 */
public final class LeaseLost extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String rollout;

  public LeaseLost(String rollout, String message) {
    super(message);
    this.rollout = rollout;
  }

  /** The rollout whose lease was lost. */
  public String rollout() {
    return rollout;
  }
}
