package dev.snailtrail.reconcile;

/** A move {@link Transitions} does not allow: a bug in the controller, never a user's mistake. */
final class IllegalMove extends IllegalStateException {
  private static final long serialVersionUID = 1L;

  IllegalMove(String message) {
    super(message);
  }
}
