package dev.snailtrail.doctor;

/** The verdict of one check. */
public enum Status {
  /** The check held. */
  PASS,
  /** The check found a blocker: deploying would fail or misbehave. */
  FAIL,
  /** Worth a look, or the check could not be made (a provider outage is never FAIL). */
  WARN,
  /** Nothing to check here (e.g. no load balancer, no awslogs driver, a non-ECR image). */
  SKIPPED
}
