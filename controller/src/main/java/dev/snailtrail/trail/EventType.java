package dev.snailtrail.trail;

/** What a trail event records. */
public enum EventType {
  RolloutStarted,
  PhaseStarted,
  TaskDefinitionRegistered,
  TaskDefinitionReused,
  ServiceCreated,
  ServiceUpdated,
  DeploymentCompleted,
  DeploymentFailed,
  GatePassed,
  GateFailed,
  GateInconclusive,
  BakeStarted,
  PhaseCompleted,
  ApprovalRequired,
  Promoted,
  Paused,
  Resumed,
  RollbackStarted,
  RollbackCompleted,
  RollbackFailed,
  DriftDetected,
  PreflightFailed,
  SpecChanged,
  RolloutCompleted,
  Aborted,
  Retried,
  /** A phase's desiredCount was outside the service's Application Auto Scaling bounds. */
  DesiredCountLimited,
  /** A person's note: a decision, a lesson, a challenge, or a plain remark ({@link NoteKind}). */
  Note
}
