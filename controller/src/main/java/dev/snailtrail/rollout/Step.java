package dev.snailtrail.rollout;

/** What the controller is doing within the current phase ({@code status.step}). */
public enum Step {
  AwaitingApproval,
  Deploying,
  Waiting,
  Analyzing,
  Baking,
  RollingBack,
  Done
}
