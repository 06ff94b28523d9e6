package dev.snailtrail.provider;

/** How far an ECS deployment has got ({@code rolloutState}). */
public enum DeploymentRolloutState {
  IN_PROGRESS,
  /** Every desired task of the deployment runs and is healthy. */
  COMPLETED,
  /** The deployment circuit breaker gave up on it. */
  FAILED,
  /** A state this version does not know. */
  UNRECOGNIZED;

  /** The state ECS names so; null for none, {@link #UNRECOGNIZED} for an unknown name. */
  public static DeploymentRolloutState of(String value) {
    return WireNames.find(values(), value, UNRECOGNIZED);
  }
}
