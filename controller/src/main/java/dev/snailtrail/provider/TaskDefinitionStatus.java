package dev.snailtrail.provider;

/** The status of a task definition revision; ECS starts new tasks only from ACTIVE ones. */
public enum TaskDefinitionStatus {
  ACTIVE,
  /** Deregistered. */
  INACTIVE,
  DELETE_IN_PROGRESS,
  /** A status this version does not know. */
  UNRECOGNIZED;

  /** The status ECS names so; null for none, {@link #UNRECOGNIZED} for an unknown name. */
  public static TaskDefinitionStatus of(String value) {
    return WireNames.find(values(), value, UNRECOGNIZED);
  }
}
