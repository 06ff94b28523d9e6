package dev.snailtrail.provider;

import dev.snailtrail.provider.DeploymentStrategy.Stage;
import java.time.Instant;

/**
 * One service deployment as ECS reports it ({@code DescribeServiceDeployments}): under a
 * blue/green, linear or canary strategy, the stage it is at and whether it succeeded or rolled
 * back.
 *
 * @param arn the service deployment's ARN ({@code service-deployment/…})
 * @param status where it is
 * @param statusReason ECS's words on why, or null
 * @param stage the lifecycle stage under way, or null when ECS does not say (rolling, ended)
 */
public record ServiceDeploymentState(
    String arn,
    Status status,
    String statusReason,
    Stage stage,
    Instant createdAt,
    Instant updatedAt) {

  /** ECS's {@code ServiceDeploymentStatus}. */
  public enum Status {
    PENDING,
    IN_PROGRESS,
    SUCCESSFUL,
    STOP_REQUESTED,
    STOPPED,
    ROLLBACK_REQUESTED,
    ROLLBACK_IN_PROGRESS,
    ROLLBACK_SUCCESSFUL,
    ROLLBACK_FAILED;

    /** Whether ECS is going back to the revision before (or went back). */
    public boolean rollingBack() {
      return this == ROLLBACK_REQUESTED
          || this == ROLLBACK_IN_PROGRESS
          || this == ROLLBACK_SUCCESSFUL
          || this == ROLLBACK_FAILED;
    }

    /** Whether ECS does nothing more on this deployment. */
    public boolean ended() {
      return this == SUCCESSFUL
          || this == STOPPED
          || this == ROLLBACK_SUCCESSFUL
          || this == ROLLBACK_FAILED;
    }
  }
}
