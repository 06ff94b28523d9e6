package dev.snailtrail.provider;

/** What the container health checks of a task or a container say. */
public enum HealthStatus {
  HEALTHY,
  UNHEALTHY,
  /** No verdict: the check is still starting, or there is no health check. */
  UNKNOWN,
  /** A status this version does not know (unlike {@link #UNKNOWN}, which ECS reports). */
  UNRECOGNIZED;

  /** The status ECS names so; null for none, {@link #UNRECOGNIZED} for an unknown name. */
  public static HealthStatus of(String value) {
    return WireNames.find(values(), value, UNRECOGNIZED);
  }
}
