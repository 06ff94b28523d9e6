package dev.snailtrail.spec.load;

import dev.snailtrail.provider.TaskDefinitionJson;
import dev.snailtrail.spec.Analysis;
import dev.snailtrail.spec.DriftPolicy;
import dev.snailtrail.spec.Gate;
import dev.snailtrail.spec.Phase;
import java.time.Duration;

/**
 * Every value a spec may leave out, in one place: the binders fill omitted fields from here (or
 * from the registered task definition the template starts from, which comes first), so the loaded
 * {@code Rollout} is always the effective one and {@code validate --show-defaults} shows exactly
 * what the controller will do.
 */
final class Defaults {
  private Defaults() {}

  static final Analysis ANALYSIS = Analysis.DEFAULTS;
  static final Duration PROGRESS_DEADLINE = Duration.ofMinutes(15);
  static final DriftPolicy DRIFT_POLICY = DriftPolicy.REPORT;

  // target
  static final boolean CREATE_IF_MISSING = false;
  static final boolean ASSIGN_PUBLIC_IP = false;
  static final boolean ADOPT = false;

  // template, when it describes its own task definition (one that starts from the live service
  // takes what it leaves out from the live revision, so nothing is filled in here)
  static final int CPU = 256;
  static final int MEMORY = 512;
  static final String LAUNCH_TYPE = "FARGATE";
  static final String NETWORK_MODE = "awsvpc";
  static final boolean SIDECAR_ESSENTIAL = true;
  // ECS's own, so a health check reads the same written in the spec or in a task definition
  static final int HEALTH_CHECK_INTERVAL = TaskDefinitionJson.HEALTH_CHECK_INTERVAL;
  static final int HEALTH_CHECK_TIMEOUT = TaskDefinitionJson.HEALTH_CHECK_TIMEOUT;
  static final int HEALTH_CHECK_RETRIES = TaskDefinitionJson.HEALTH_CHECK_RETRIES;
  static final int HEALTH_CHECK_START_PERIOD = TaskDefinitionJson.HEALTH_CHECK_START_PERIOD;

  // phases (one without desiredCount has none: the service keeps its own count)
  static final Duration BAKE = Duration.ZERO;
  static final Phase.Approval APPROVAL = Phase.Approval.NONE;

  // gates
  static final String HTTP_METHOD = "GET";
  static final Duration HTTP_TIMEOUT = Duration.ofSeconds(5);
  static final int HTTP_STATUS = 200;
  static final Duration METRIC_WINDOW = Duration.ofMinutes(5);
  static final Duration METRIC_PERIOD = Duration.ofSeconds(60);

  /**
   * The analysis rules a gate of {@code kind} starts from, before its own {@code analysis} block:
   * the rollout's, except that a {@code cloudwatchAlarm} gate tolerates no failure. An alarm is
   * already an aggregated signal (its own periods and datapoints to alarm decide when it fires), so
   * counting its ALARM again would only delay the rollback by intervals; its own {@code analysis:
   * {failureLimit: N}} brings the tolerance back.
   */
  static Analysis gateAnalysis(String kind, Analysis rollout) {
    return kind.equals("cloudwatchAlarm")
        ? rollout.withFailureLimit(Gate.CloudWatchAlarm.DEFAULT_FAILURE_LIMIT)
        : rollout;
  }

  static <T> T orDefault(T value, T fallback) {
    return value != null ? value : fallback;
  }
}
