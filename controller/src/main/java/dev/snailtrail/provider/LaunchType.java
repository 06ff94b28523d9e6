package dev.snailtrail.provider;

/** Where the tasks of a service run. */
public enum LaunchType {
  FARGATE,
  EC2,
  /** ECS Anywhere: on-premises instances. */
  EXTERNAL,
  /** ECS-managed EC2 instances. */
  MANAGED_INSTANCES,
  /** A launch type this version does not know. */
  UNRECOGNIZED;

  /** The launch type ECS names so; null for none, {@link #UNRECOGNIZED} for an unknown name. */
  public static LaunchType of(String value) {
    return WireNames.find(values(), value, UNRECOGNIZED);
  }
}
