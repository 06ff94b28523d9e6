package dev.snailtrail.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.snailtrail.provider.CallListener;
import dev.snailtrail.rollout.Condition;
import dev.snailtrail.rollout.GateResult;
import dev.snailtrail.rollout.GateStatus;
import dev.snailtrail.rollout.PhaseRef;
import dev.snailtrail.rollout.Reason;
import dev.snailtrail.rollout.RolloutStatus;
import dev.snailtrail.rollout.StatusPhase;
import dev.snailtrail.spec.Rollout;
import dev.snailtrail.spec.load.SpecLoader;
import dev.snailtrail.trail.EventType;
import dev.snailtrail.trail.PassOutcome;
import dev.snailtrail.trail.Severity;
import dev.snailtrail.trail.TrailEvent;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class MicrometerMetricsTest {
  static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");

  final MicrometerMetrics metrics = new MicrometerMetrics();
  final Rollout rollout = drill();

  @AfterEach
  void close() {
    metrics.close();
  }

  static Rollout drill() {
    try {
      return new SpecLoader()
          .load(Path.of(System.getProperty("snailtrail.root"), "spec-examples/drills/ml-down.yaml"))
          .get(0);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  static RolloutStatus at(int index, String phase, StatusPhase status, List<GateStatus> gates) {
    return RolloutStatus.initial().toBuilder()
        .currentPhase(new PhaseRef(index, phase))
        .phase(status)
        .progress(50)
        .gates(gates)
        .phaseStartedAt(T0)
        .build();
  }

  static GateStatus gate(String name, int passes, int failures, int inconclusives, Instant at) {
    return new GateStatus(name, GateResult.Pending, passes, failures, inconclusives, 0, "m", at);
  }

  TrailEvent event(EventType type, String phase, Instant time, Map<String, String> data) {
    return new TrailEvent(
        "x/1/1",
        time,
        rollout.name(),
        1,
        phase,
        type,
        Severity.Normal,
        Reason.GatePassed,
        "msg",
        data);
  }

  @Test
  void theCanaryWeightShowsWhileAPhaseShiftsTraffic() {
    String name = "{rollout=\"" + rollout.name() + "\"}";
    RolloutStatus shifting =
        at(3, "victory-lap", StatusPhase.Progressing, List.of()).toBuilder()
            .step(dev.snailtrail.rollout.Step.Shifting)
            .traffic(new dev.snailtrail.rollout.TrafficStatus(2, 50, T0, null))
            .build();
    metrics.passCompleted(rollout, shifting, PassOutcome.of(shifting, List.of()), Duration.ZERO);
    assertThat(line(metrics.scrape(), "snailtrail_rollout_canary_weight" + name)).endsWith(" 50.0");
    RolloutStatus done = at(3, "victory-lap", StatusPhase.Healthy, List.of());
    metrics.passCompleted(rollout, shifting, PassOutcome.of(done, List.of()), Duration.ZERO);
    assertThat(line(metrics.scrape(), "snailtrail_rollout_canary_weight" + name)).endsWith(" 0.0");
  }

  @Test
  void driftAndAnUnreachableProviderShowWhileTheirConditionsHold() {
    RolloutStatus healthy = at(3, "victory-lap", StatusPhase.Healthy, List.of());
    metrics.passCompleted(rollout, healthy, PassOutcome.of(healthy, List.of()), Duration.ZERO);
    String name = "{rollout=\"" + rollout.name() + "\"}";
    assertThat(line(metrics.scrape(), "snailtrail_rollout_drifted" + name)).endsWith(" 0.0");
    assertThat(line(metrics.scrape(), "snailtrail_rollout_provider_unavailable" + name))
        .endsWith(" 0.0");

    RolloutStatus drifted =
        healthy.toBuilder()
            .conditions(
                List.of(
                    new Condition(
                        Condition.Type.Drifted, Condition.Status.True, Reason.Drift, "m", T0)))
            .build();
    metrics.passCompleted(rollout, healthy, PassOutcome.of(drifted, List.of()), Duration.ZERO);
    assertThat(line(metrics.scrape(), "snailtrail_rollout_drifted" + name)).endsWith(" 1.0");

    RolloutStatus unreachable =
        healthy.toBuilder()
            .conditions(
                List.of(
                    new Condition(
                        Condition.Type.ProviderUnavailable,
                        Condition.Status.True,
                        Reason.ProviderUnavailable,
                        "m",
                        T0)))
            .build();
    metrics.statusMarked(rollout.name(), unreachable);
    assertThat(line(metrics.scrape(), "snailtrail_rollout_provider_unavailable" + name))
        .endsWith(" 1.0");
    assertThat(line(metrics.scrape(), "snailtrail_rollout_drifted" + name)).endsWith(" 0.0");
  }

  @Test
  void rolloutInfoShowsOnlyTheCurrentCombination() {
    RolloutStatus s0 = RolloutStatus.initial();
    RolloutStatus s1 = at(1, "exploration", StatusPhase.Progressing, List.of());
    metrics.passCompleted(rollout, s0, PassOutcome.of(s1, List.of()), Duration.ZERO);
    RolloutStatus s2 = at(2, "foundation", StatusPhase.RollingBack, List.of());
    metrics.passCompleted(rollout, s1, PassOutcome.of(s2, List.of()), Duration.ZERO);

    String scrape = metrics.scrape();
    assertThat(scrape)
        .contains(
            "snailtrail_rollout_info{phase=\"foundation\",rollout=\"shine-api-gateway-drill\","
                + "status=\"RollingBack\"} 1")
        .doesNotContain("status=\"Progressing\"")
        .contains("snailtrail_rollout_phase_index{rollout=\"shine-api-gateway-drill\"} 2")
        .contains("snailtrail_rollout_progress_ratio{rollout=\"shine-api-gateway-drill\"} 0.5")
        .contains("snailtrail_reconcile_duration_seconds_bucket{outcome=\"success\"");
  }

  @Test
  void gateEvaluationsCountEachNewMeasurementByKind() {
    Instant t1 = T0.plusSeconds(10);
    Instant t2 = T0.plusSeconds(20);
    RolloutStatus before =
        at(0, "first-steps", StatusPhase.Progressing, List.of(gate("http/4", 1, 0, 0, t1)));
    RolloutStatus after =
        at(
            0,
            "first-steps",
            StatusPhase.Progressing,
            List.of(gate("http/4", 2, 1, 0, t2), gate("ecsTasks/0", 0, 0, 1, t2)));
    metrics.passCompleted(rollout, before, PassOutcome.of(after, List.of()), Duration.ZERO);

    String scrape = metrics.scrape();
    assertThat(line(scrape, "snailtrail_gate_evaluations_total", "gate=\"http\"", "Passed"))
        .endsWith(" 1.0");
    assertThat(line(scrape, "snailtrail_gate_evaluations_total", "gate=\"http\"", "Failed"))
        .endsWith(" 1.0");
    assertThat(line(scrape, "snailtrail_gate_evaluations_total", "gate=\"ecsTasks\"", "Inconc"))
        .endsWith(" 1.0");
    assertThat(scrape).doesNotContain("gate=\"http/4\"");
  }

  @Test
  void aNewPhaseCountsItsTalliesFromZero() {
    Instant t = T0.plusSeconds(10);
    RolloutStatus before =
        at(0, "first-steps", StatusPhase.Progressing, List.of(gate("http/0", 3, 0, 0, t)));
    RolloutStatus after =
        at(1, "exploration", StatusPhase.Progressing, List.of(gate("http/0", 1, 0, 0, t)));
    metrics.passCompleted(rollout, before, PassOutcome.of(after, List.of()), Duration.ZERO);

    assertThat(line(metrics.scrape(), "snailtrail_gate_evaluations_total", "Passed"))
        .endsWith(" 1.0");
  }

  @Test
  void rollbacksPhaseDurationsAndTrailEventsComeFromTheEvents() {
    RolloutStatus before = at(3, "victory-lap", StatusPhase.Progressing, List.of());
    RolloutStatus after = at(3, "victory-lap", StatusPhase.RollingBack, List.of());
    List<TrailEvent> events =
        List.of(
            event(EventType.PhaseCompleted, "foundation", T0.plusSeconds(90), Map.of("index", "2")),
            event(
                EventType.RollbackStarted,
                "victory-lap",
                T0.plusSeconds(90),
                Map.of("from", "victory-lap", "to", "foundation", "reason", "GateFailed")));
    metrics.passCompleted(rollout, before, PassOutcome.of(after, events), Duration.ZERO);

    String scrape = metrics.scrape();
    assertThat(line(scrape, "snailtrail_rollbacks_total{"))
        .contains("from=\"victory-lap\"", "to=\"foundation\"", "reason=\"GateFailed\"")
        .endsWith(" 1.0");
    assertThat(line(scrape, "snailtrail_phase_duration_seconds_sum{", "foundation"))
        .endsWith(" 90.0");
    assertThat(line(scrape, "snailtrail_trail_events_total{", "RollbackStarted")).endsWith(" 1.0");
  }

  @Test
  void awsCallsQueueAndErrorsAreCounted() {
    CallListener aws = metrics.awsListener();
    aws.onCall("ecs", "DescribeServices", CallListener.SUCCESS, Duration.ofMillis(3));
    aws.onCall("ecs", "DescribeServices", CallListener.THROTTLED, Duration.ofMillis(3));
    metrics.workQueueDepth(7);
    metrics.workQueueLatency(Duration.ofMillis(20));
    metrics.passFailed("r1", new IllegalStateException("boom"), Duration.ofMillis(4));

    String scrape = metrics.scrape();
    assertThat(line(scrape, "snailtrail_aws_requests_total{", "outcome=\"throttled\""))
        .contains("operation=\"DescribeServices\"", "service=\"ecs\"")
        .endsWith(" 1.0");
    assertThat(line(scrape, "snailtrail_aws_throttles_total{")).endsWith(" 1.0");
    assertThat(line(scrape, "snailtrail_workqueue_depth ")).endsWith(" 7.0");
    assertThat(line(scrape, "snailtrail_workqueue_latency_seconds_count ")).endsWith(" 1");
    // A queue minutes long must show as such, not as "over 10 s".
    assertThat(line(scrape, "snailtrail_workqueue_latency_seconds_bucket{le=\"300.0\"}"))
        .endsWith(" 1");
    assertThat(line(scrape, "snailtrail_workqueue_latency_seconds_bucket{le=\"0.01\"}"))
        .endsWith(" 0");
    assertThat(line(scrape, "snailtrail_reconcile_errors_total{rollout=\"r1\"}")).endsWith(" 1.0");
    assertThat(scrape).contains("jvm_memory_used_bytes", "jvm_threads_live_threads");
  }

  @Test
  void theApiBudgetShowsHowMuchOfEachEcsQuotaIsLeftAndQueueLatencyReachesFiveMinutes() {
    long[] nanos = {0};
    try (MicrometerMetrics m = new MicrometerMetrics(() -> nanos[0])) {
      CallListener aws = m.awsListener();
      for (int i = 0; i < 50; i++) {
        aws.onCall("ecs", "DescribeServices", CallListener.SUCCESS, Duration.ofMillis(3));
      }
      for (int i = 0; i < 10; i++) {
        aws.onCall("ecs", "RegisterTaskDefinition", CallListener.SUCCESS, Duration.ofMillis(3));
      }
      m.workQueueLatency(Duration.ofMinutes(3));
      String scrape = m.scrape();
      // 50 in 10 s is 5/s of 20/s; 10 registrations in 10 s are the whole 1/s.
      assertThat(line(scrape, "snailtrail_aws_budget_headroom_ratio{", "ecs:DescribeServices"))
          .endsWith(" 0.75");
      assertThat(line(scrape, "snailtrail_aws_budget_headroom_ratio{", "RegisterTaskDefinition"))
          .endsWith(" 0.0");
      assertThat(line(scrape, "snailtrail_aws_budget_headroom_ratio{", "ecs:UpdateService"))
          .endsWith(" 1.0");
      assertThat(line(scrape, "snailtrail_workqueue_latency_seconds_bucket{le=\"300.0\"}"))
          .endsWith(" 1");
      assertThat(line(scrape, "snailtrail_workqueue_latency_seconds_bucket{le=\"120.0\"}"))
          .endsWith(" 0");

      nanos[0] = Duration.ofSeconds(11).toNanos(); // the window has moved past them
      assertThat(line(m.scrape(), "snailtrail_aws_budget_headroom_ratio{", "ecs:DescribeServices"))
          .endsWith(" 1.0");
    }
  }

  @Test
  void forgetDropsEveryRolloutSeries() {
    RolloutStatus s = at(1, "exploration", StatusPhase.Progressing, List.of());
    metrics.passCompleted(
        rollout,
        RolloutStatus.initial(),
        PassOutcome.of(s, List.of(event(EventType.PhaseStarted, "exploration", T0, Map.of()))),
        Duration.ZERO);
    metrics.forget(rollout.name());

    assertThat(metrics.scrape()).doesNotContain("rollout=\"shine-api-gateway-drill\"");
  }

  /** The one sample line containing every fragment. */
  static String line(String scrape, String... fragments) {
    List<String> hits =
        scrape
            .lines()
            .filter(l -> !l.startsWith("#"))
            .filter(l -> java.util.Arrays.stream(fragments).allMatch(l::contains))
            .toList();
    assertThat(hits).as("lines with %s in%n%s", List.of(fragments), scrape).hasSize(1);
    return hits.get(0);
  }
}
