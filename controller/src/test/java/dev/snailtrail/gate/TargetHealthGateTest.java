package dev.snailtrail.gate;

import static dev.snailtrail.gate.Fixtures.RULES;
import static dev.snailtrail.gate.Fixtures.TG_ARN;
import static dev.snailtrail.gate.Fixtures.container;
import static dev.snailtrail.gate.Fixtures.ctx;
import static dev.snailtrail.gate.Fixtures.running;
import static org.assertj.core.api.Assertions.assertThat;

import dev.snailtrail.provider.HealthStatus;
import dev.snailtrail.provider.LoadBalancing.TargetHealth;
import dev.snailtrail.provider.TargetHealthState;
import dev.snailtrail.spec.Gate;
import java.net.http.HttpClient;
import java.util.List;
import org.junit.jupiter.api.Test;

class TargetHealthGateTest {

  private final FakeProviders fake = new FakeProviders();
  private final GateEvaluator evaluator = new GateEvaluator(HttpClient.newHttpClient());
  private final Gate gate = new Gate.TargetHealth(TG_ARN, RULES);

  private Measurement measure() {
    return evaluator.measure(gate, ctx(fake));
  }

  private static TargetHealth healthy(String ip) {
    return new TargetHealth(ip, 5000, TargetHealthState.HEALTHY, null, null);
  }

  @Test
  void passesWhenEveryTargetIsHealthy() {
    fake.targetGroups.put(
        TG_ARN, List.of(healthy("10.0.1.5"), healthy("10.0.1.6"), healthy("10.0.1.7")));

    assertThat(measure()).isEqualTo(new Measurement.Pass("3/3 targets healthy"));
  }

  @Test
  void failsNamingTheReasonPortAndTheLoadBalancersOwnDescription() {
    // The classic blocker: the app listens on 8080, the target group checks 5000.
    String description = "Health checks failed with these codes: [502] (app listens on 8080)";
    fake.targetGroups.put(
        TG_ARN,
        List.of(
            new TargetHealth(
                "10.0.1.5",
                5000,
                TargetHealthState.UNHEALTHY,
                "Target.FailedHealthChecks",
                description),
            new TargetHealth(
                "10.0.1.6",
                5000,
                TargetHealthState.UNHEALTHY,
                "Target.FailedHealthChecks",
                description),
            healthy("10.0.1.7")));

    Measurement m = measure();

    assertThat(m)
        .isEqualTo(
            new Measurement.Fail(
                "2/3 targets unhealthy: Target.FailedHealthChecks on :5000 (" + description + ")"));
    assertThat(m.message()).contains("8080").contains("5000");
  }

  @Test
  void onlyTheServicesOwnTasksCountWhenTheirAddressesMatch() {
    fake.tasks.add(running("a", "10.0.1.5", container(HealthStatus.HEALTHY)));
    fake.targetGroups.put(
        TG_ARN,
        List.of(
            healthy("10.0.1.5"),
            new TargetHealth(
                "10.9.9.9", 5000, TargetHealthState.UNHEALTHY, "Target.Timeout", "other service")));

    assertThat(measure()).isEqualTo(new Measurement.Pass("1/1 targets healthy"));
  }

  @Test
  void waitsWhileTargetsRegisterOrDrain() {
    fake.targetGroups.put(
        TG_ARN,
        List.of(
            healthy("10.0.1.5"),
            new TargetHealth(
                "10.0.1.6",
                5000,
                TargetHealthState.INITIAL,
                "Elb.RegistrationInProgress",
                "registering")));

    assertThat(measure())
        .isEqualTo(
            new Measurement.Pending("1/2 targets healthy, 1 initial (Elb.RegistrationInProgress)"));
  }

  @Test
  void anEmptyGroupIsNotYetEvidence() {
    fake.targetGroups.put(TG_ARN, List.of());

    assertThat(measure())
        .isEqualTo(new Measurement.Pending("no targets registered in target group shine yet"));
  }

  @Test
  void aMissingTargetGroupFailsSayingWhatToFix() {
    assertThat(measure())
        .isEqualTo(
            new Measurement.Fail(
                "target group "
                    + TG_ARN
                    + " does not exist in us-east-1; create it or fix targetHealth.targetGroup"));
  }
}
