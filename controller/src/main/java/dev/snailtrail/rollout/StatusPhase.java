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

  /** Whether the pair of this phase and {@code step} means something. */
  public boolean means(Step step) {
    return switch (this) {
      case Progressing -> step != Step.RollingBack && step != Step.Done;
      case Paused -> step != Step.Done;
      case RollingBack -> step == Step.RollingBack;
      case Healthy, Degraded, Failed -> step == Step.Done;
    };
  }
}
