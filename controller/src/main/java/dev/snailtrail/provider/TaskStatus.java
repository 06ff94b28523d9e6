package dev.snailtrail.provider;

/**
 * Where an ECS task is in its lifecycle ({@code lastStatus}, {@code desiredStatus}); containers
 * report a subset of these (PENDING, RUNNING, STOPPED).
 */
public enum TaskStatus {
  PROVISIONING,
  PENDING,
  ACTIVATING,
  RUNNING,
  DEACTIVATING,
  STOPPING,
  DEPROVISIONING,
  STOPPED,
  DELETED,
  /** A status this version does not know. */
  UNRECOGNIZED;

  /** The status ECS names so; null for none, {@link #UNRECOGNIZED} for an unknown name. */
  public static TaskStatus of(String value) {
    return WireNames.find(values(), value, UNRECOGNIZED);
  }
}
