package dev.snailtrail.provider;

/** Why ECS stopped a task; {@link #toString()} is the name ECS uses, e.g. TaskFailedToStart. */
public enum TaskStopCode {
  /** The task never ran: an image pull or resource set-up failed. */
  TASK_FAILED_TO_START("TaskFailedToStart"),
  /** An essential container exited. */
  ESSENTIAL_CONTAINER_EXITED("EssentialContainerExited"),
  USER_INITIATED("UserInitiated"),
  /** The service scheduler stopped it: scale-in, replacement, or failed health checks. */
  SERVICE_SCHEDULER_INITIATED("ServiceSchedulerInitiated"),
  SPOT_INTERRUPTION("SpotInterruption"),
  TERMINATION_NOTICE("TerminationNotice"),
  /** A code this version does not know. */
  UNRECOGNIZED("Unrecognized");

  private final String wireName;

  TaskStopCode(String wireName) {
    this.wireName = wireName;
  }

  /** The code ECS names so; null for none, {@link #UNRECOGNIZED} for an unknown name. */
  public static TaskStopCode of(String value) {
    return WireNames.find(values(), value, UNRECOGNIZED);
  }

  @Override
  public String toString() {
    return wireName;
  }
}
