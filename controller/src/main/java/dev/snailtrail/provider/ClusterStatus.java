package dev.snailtrail.provider;

/** The status of an ECS cluster; only an ACTIVE one runs services. */
public enum ClusterStatus {
  ACTIVE,
  PROVISIONING,
  DEPROVISIONING,
  FAILED,
  INACTIVE,
  /** A status this version does not know. */
  UNRECOGNIZED;

  /** The status ECS names so; null for none, {@link #UNRECOGNIZED} for an unknown name. */
  public static ClusterStatus of(String value) {
    return WireNames.find(values(), value, UNRECOGNIZED);
  }
}
