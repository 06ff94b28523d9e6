package dev.snailtrail.rollout;

/**
 * A manual verb (approve, pause, retry, ...) that the rollout's state does not allow; the message
 * says what the state is. The API answers it with 409 Conflict.
 */
public final class VerbRefused extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public VerbRefused(String message) {
    super(message);
  }
}
