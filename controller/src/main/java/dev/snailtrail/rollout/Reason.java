package dev.snailtrail.rollout;

/**
 * The one vocabulary of reasons, shared by conditions, trail events and metric labels. UpperCamel,
 * bounded, never an ARN or id.
 */
public enum Reason {
  NewRollout,
  PhaseReady,
  ContentRegistered,
  ContentReused,
  ServiceMissing,
  ServiceCreated,
  ServiceUpdated,
  DeploymentCompleted,
  DeploymentFailed,
  GatesPassing,
  GatePassed,
  GateFailed,
  GateInconclusive,
  ProviderUnavailable,
  ProgressDeadlineExceeded,
  BakeComplete,
  ApprovalRequired,
  ManualPromotion,
  /** A person sent the rollout straight to its last phase, past every approval, gate and bake. */
  FullPromotion,
  ManualApproval,
  AutoApproval,
  ManualPause,
  ManualResume,
  ManualAbort,
  ManualRetry,
  ManualUndo,
  RollbackComplete,
  RollbackFailed,
  Drift,
  PreflightFailed,
  SpecChanged,
  RolloutComplete,
  /** A count was kept inside the service's Application Auto Scaling min and max. */
  ScalingLimits,
  /** The spec does not fit the task definition it starts from (e.g. an unknown container). */
  SpecNotApplicable,
  /** A pass failed on a bug in the controller (not on a provider); the log has the trace. */
  InternalError,
  /** A file of the rollout in the store cannot be read; the rollout waits for a person. */
  StoreDamaged,
  /** A settled rollout's service runs what the rollout left it running again. */
  DriftEnded,
  /** The provider answers again after being unreachable. */
  ProviderRecovered,
  /** The service is tagged as another rollout's or another controller's. */
  OwnedElsewhere,
  /** The rollout took over a service tagged as another's ({@code target.adopt: true}). */
  Adopted,
  /** A phase's traffic steps moved the canary's weight. */
  TrafficShifted,
  /** Every request sent to the stable service again, the canary's share taken away. */
  TrafficRestored,
  /** A person wrote a note into the trail ({@code snailtrail note}). */
  ManualNote
}
