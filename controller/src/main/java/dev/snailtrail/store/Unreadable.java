package dev.snailtrail.store;

import java.nio.file.Path;

/** A file of a rollout that cannot be read, and why; {@link FileStore} makes it a StoreDamaged. */
final class Unreadable extends Exception {
  private static final long serialVersionUID = 1L;

  private final transient Path file;
  private final String problem;
  private final boolean permission;

  Unreadable(Path file, String problem, boolean permission) {
    super(file + ": " + problem);
    this.file = file;
    this.problem = problem;
    this.permission = permission;
  }

  Unreadable(Path file, String problem) {
    this(file, problem, false);
  }

  Path file() {
    return file;
  }

  String problem() {
    return problem;
  }

  /** What a person can do about it: the file's own repair, or the controller's access to it. */
  String advice(String rollout) {
    String name = file.getFileName().toString();
    if (permission) {
      return "Let the controller's user read and write " + name + ", as it can its other files.";
    }
    String over =
        " To start the rollout over instead: `snailtrail delete "
            + rollout
            + "` (this also removes its status and trail), then apply its spec again.";
    return switch (name) {
      case FileStore.STATUS ->
          "Restore it from a backup, or move it out of the rollout's directory: the controller then"
              + " rebuilds the status from trail.jsonl, starting the rollout again from its first"
              + " phase with the baseline it began from.";
      case FileStore.META ->
          "Restore it from a backup, or write it again with the rollout's name, its generation (the"
              + " generation of the last event in trail.jsonl), resourceVersion, createdAt and"
              + " updatedAt."
              + over;
      default -> "Restore it from a backup." + over;
    };
  }
}
