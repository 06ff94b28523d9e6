package dev.snailtrail.provider;

/** The status of an ECS service deployment. */
public enum DeploymentStatus {
  /** The deployment the service is converging to (the newest). */
  PRIMARY,
  /** An older deployment that still has tasks. */
  ACTIVE,
  /** An older deployment whose tasks are gone. */
  INACTIVE,
  /** A status this version does not know. */
  UNRECOGNIZED;

  /** The status ECS names so; null for none, {@link #UNRECOGNIZED} for an unknown name. */
  public static DeploymentStatus of(String value) {
    return WireNames.find(values(), value, UNRECOGNIZED);
  }
}
