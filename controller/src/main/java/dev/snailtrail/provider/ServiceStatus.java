package dev.snailtrail.provider;

/** The status of an ECS service; an INACTIVE one has been deleted. */
public enum ServiceStatus {
  ACTIVE,
  /** Being deleted. */
  DRAINING,
  INACTIVE,
  /** A status this version does not know. */
  UNRECOGNIZED;

  /** The status ECS names so; null for none, {@link #UNRECOGNIZED} for an unknown name. */
  public static ServiceStatus of(String value) {
    return WireNames.find(values(), value, UNRECOGNIZED);
  }
}
