package dev.snailtrail.rollout;

/** Where a rollout stands as a whole ({@code status.phase}). */
public enum StatusPhase {
  Progressing,
  Paused,
  Healthy,
  RollingBack,
  Degraded,
  Failed;

  /** Whether the controller has nothing more to do until a person or a new spec acts. */
  public boolean isSettled() {
    return switch (this) {
      case Healthy, Degraded, Failed, Paused -> true;
      case Progressing, RollingBack -> false;
    };
  }
}
