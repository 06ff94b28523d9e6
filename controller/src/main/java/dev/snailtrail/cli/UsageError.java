package dev.snailtrail.cli;

/** Options that do not go together, or a file an option names that cannot be used: exit 2. */
final class UsageError extends Exception {
  private static final long serialVersionUID = 1L;

  UsageError(String message) {
    super(message);
  }
}
