package dev.snailtrail.sim;

import java.time.Duration;

/**
 * How long simulated things take. Close to what Fargate and an ALB do, so that gates and deadlines
 * written for AWS behave the same against the simulator; docs/simulator.md lists them.
 */
final class Timings {
  /** PROVISIONING → PENDING (ENI attached). */
  static final Duration PROVISIONING = Duration.ofSeconds(5);

  /** PENDING → RUNNING (image pulled, container started). */
  static final Duration PULL = Duration.ofSeconds(10);

  /** A pull of an image the registry does not have gives up after this long in PENDING. */
  static final Duration PULL_NOT_FOUND = Duration.ofSeconds(15);

  /** A pull without a route to the registry times out after this long in PENDING. */
  static final Duration PULL_TIMEOUT = Duration.ofSeconds(30);

  /** RUNNING → listening, for ordinary images. */
  static final Duration APP_START = Duration.ofSeconds(2);

  /** RUNNING → listening, for slow-start images. */
  static final Duration SLOW_APP_START = Duration.ofSeconds(90);

  /** A crash-looping container exits this long after RUNNING. */
  static final Duration CRASH_AFTER = Duration.ofSeconds(10);

  /** The target group's health check interval. */
  static final Duration TARGET_CHECK_INTERVAL = Duration.ofSeconds(10);

  /** Consecutive checks that make a target healthy, or unhealthy. */
  static final int TARGET_THRESHOLD = 2;

  /** How long draining takes (the target group's deregistration delay). */
  static final Duration DEREGISTRATION_DELAY = Duration.ofSeconds(10);

  /** How long ECS lets a task fail its health checks before replacing it. */
  static final Duration UNHEALTHY_REPLACEMENT = Duration.ofSeconds(30);

  /** An ml-down task repeats its error line this often. */
  static final Duration ML_DOWN_ERROR_EVERY = Duration.ofSeconds(60);

  /** How long ECS remembers stopped tasks for listTasks. */
  static final Duration STOPPED_TASK_MEMORY = Duration.ofHours(1);

  /**
   * A stage of a blue/green, linear or canary service deployment with nothing else to wait for (the
   * pre and post stages, the test traffic shift, the end of the production traffic shift).
   */
  static final Duration DEPLOYMENT_STAGE = Duration.ofSeconds(5);

  /** How long ECS waits to ask a lifecycle hook again that answered IN_PROGRESS without a delay. */
  static final Duration HOOK_CALLBACK = Duration.ofSeconds(30);

  /** The seeded existing service started this long before the seed. */
  static final Duration SEED_HISTORY = Duration.ofMinutes(10);

  private Timings() {}

  /** When a target is healthy, for an app listening from {@code readyAt}. */
  static Duration targetHealthyAfterReady() {
    return TARGET_CHECK_INTERVAL.multipliedBy(TARGET_THRESHOLD);
  }
}
