package dev.snailtrail.rollout;

/** What the controller is doing within the current phase ({@code status.step}). */
public enum Step {
  AwaitingApproval,
  Deploying,
  Waiting,
  Analyzing,
  Baking,
  /** A phase with traffic steps: its canary takes a growing share of requests, gates measured. */
  Shifting,
  RollingBack,
  Done
}
