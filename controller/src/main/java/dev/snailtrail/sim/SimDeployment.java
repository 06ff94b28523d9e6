package dev.snailtrail.sim;

import dev.snailtrail.provider.DeploymentRolloutState;
import dev.snailtrail.provider.DeploymentStatus;
import dev.snailtrail.provider.TaskDefinition;
import java.time.Instant;

/** One ECS deployment of a service. */
final class SimDeployment {
  final String id;
  final TaskDefinition taskDefinition;
  final int desiredCount;
  final Instant createdAt;
  DeploymentStatus status = DeploymentStatus.PRIMARY;
  DeploymentRolloutState rolloutState = DeploymentRolloutState.IN_PROGRESS;
  String rolloutStateReason;
  int failedTasks;
  Instant updatedAt;

  /**
   * The target group of a blue/green binding its tasks register with (the one not serving when it
   * began), or null for the binding's own.
   */
  String targetGroup;

  SimDeployment(String id, TaskDefinition taskDefinition, int desiredCount, Instant createdAt) {
    this.id = id;
    this.taskDefinition = taskDefinition;
    this.desiredCount = desiredCount;
    this.createdAt = createdAt;
    this.updatedAt = createdAt;
    this.rolloutStateReason = "ECS deployment " + id + " in progress.";
  }
}
