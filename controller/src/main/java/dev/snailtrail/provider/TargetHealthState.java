package dev.snailtrail.provider;

/**
 * The state of a target in an ELBv2 target group; {@link #toString()} is the name ELB uses, e.g.
 * {@code healthy}.
 */
public enum TargetHealthState {
  /** Registering, or the first health checks are still running. */
  INITIAL("initial"),
  HEALTHY("healthy"),
  UNHEALTHY("unhealthy"),
  /** Not registered, or its target group serves no load balancer. */
  UNUSED("unused"),
  /** Deregistering: in-flight requests finish for the deregistration delay. */
  DRAINING("draining"),
  /** Health checks are off for the group. */
  UNAVAILABLE("unavailable"),
  /** Unhealthy and deregistering. */
  UNHEALTHY_DRAINING("unhealthy.draining"),
  /** A state this version does not know. */
  UNRECOGNIZED("unrecognized");

  private final String wireName;

  TargetHealthState(String wireName) {
    this.wireName = wireName;
  }

  /** The state ELB names so; null for none, {@link #UNRECOGNIZED} for an unknown name. */
  public static TargetHealthState of(String value) {
    return WireNames.find(values(), value, UNRECOGNIZED);
  }

  @Override
  public String toString() {
    return wireName;
  }
}
