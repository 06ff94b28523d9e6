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
  /** The service of a settled rollout runs what the rollout left it running again. */
  DriftEnded,
  /** AWS (or the simulator) could not be asked: the rollout waits, and nothing is rolled back. */
  ProviderUnavailable,
  /** The provider answers again after {@link #ProviderUnavailable}. */
  ProviderRecovered,
  /** The rollout took over a service another rollout or controller had tagged as its own. */
  ServiceAdopted,
  /** A listener rule's weights changed: the canary's share of requests (data: weight). */
  TrafficShifted,
  /** A person's note: a decision, a lesson, a challenge, or a plain remark ({@link NoteKind}). */
  Note
}
