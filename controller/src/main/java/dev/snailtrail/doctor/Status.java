package dev.snailtrail.doctor;

/** The verdict of one check. */
public enum Status {
  /** The check held. */
  PASS,
  /** The check found a blocker: deploying would fail or misbehave. */
  FAIL,
  /** Worth a look (e.g. an alarm a gate names does not exist). */
  WARN,
  /** Nothing to check here (e.g. no load balancer, no awslogs driver, a non-ECR image). */
  SKIPPED,
  /**
   * The check could not be made: the provider did not answer (no usable credentials, access denied,
   * throttling, an unreachable endpoint). It says nothing about the check, so it is never FAIL and
   * never a pass.
   */
  UNCHECKED
}
