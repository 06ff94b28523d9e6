package dev.snailtrail.spec;

/**
 * What the controller does when a Healthy or Degraded rollout's service no longer runs what the
 * rollout left it running (someone ran {@code aws ecs update-service}, say).
 */
public enum DriftPolicy {
  /** Say so (a {@code Drifted} condition, one trail event, a metric) and change nothing. */
  REPORT,
  /**
   * Say so, then deploy again what the rollout holds the service to: the stable phase (Healthy) or
   * the rollback target (Degraded).
   */
  REVERT
}
