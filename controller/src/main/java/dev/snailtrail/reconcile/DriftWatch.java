package dev.snailtrail.reconcile;

import static dev.snailtrail.provider.TaskDefinition.shortName;
import static dev.snailtrail.reconcile.Pass.data;

import dev.snailtrail.provider.DeploymentRolloutState;
import dev.snailtrail.provider.DeploymentStatus;
import dev.snailtrail.provider.Ecs.Deployment;
import dev.snailtrail.provider.Ecs.ServiceState;
import dev.snailtrail.provider.Providers;
import dev.snailtrail.rollout.Condition;
import dev.snailtrail.rollout.PhaseRef;
import dev.snailtrail.rollout.Reason;
import dev.snailtrail.spec.DriftPolicy;
import dev.snailtrail.trail.EventType;
import dev.snailtrail.trail.Severity;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Healthy and Degraded: the service is looked at on every pass (the resync's; the read is the
 * controller's batched one) and compared with what the rollout left it running. Drift is said once:
 * the {@code Drifted} condition and one {@code DriftDetected} event when it is first seen, another
 * when what differs changes, {@code DriftEnded} when it is over. With {@code driftPolicy: revert}
 * the rollout then deploys what it holds the service to again, through the transition table.
 */
final class DriftWatch {
  private final Providers providers;

  DriftWatch(Providers providers) {
    this.providers = providers;
  }

  ReconcileResult observe(Pass p) {
    Optional<ServiceState> service = providers.ecs().describeService(p.service);
    String expected = expectedRevision(p);
    List<String> differences = differences(p, expected, service.orElse(null));
    Optional<Condition> before = p.condition(Condition.Type.Drifted);
    if (differences.isEmpty()) {
      if (before.isPresent()) {
        p.emit(
            EventType.DriftEnded,
            Severity.Normal,
            Reason.DriftEnded,
            "Drift over: " + p.service.service() + " runs what the rollout left it running again",
            data("revision", expected == null ? null : shortName(expected)));
        p.clear(Condition.Type.Drifted);
      }
      return p.result(null);
    }
    String what = String.join("; ", differences);
    boolean revert = p.rollout.spec().driftPolicy() == DriftPolicy.REVERT && service.isPresent();
    if (before.isEmpty() || !before.get().message().equals(what)) {
      p.emit(
          EventType.DriftDetected,
          Severity.Warning,
          Reason.Drift,
          "Drift after the rollout settled: "
              + what
              + (revert
                  ? "; driftPolicy revert: deploying " + target(p) + " again"
                  : "; driftPolicy report: nothing changed (`snailtrail diff` shows it)"),
          data(
              "expected",
              expected == null ? null : shortName(expected),
              "seen",
              service.map(s -> shortName(s.taskDefinitionArn())).orElse(null),
              "policy",
              p.rollout.spec().driftPolicy().name().toLowerCase(java.util.Locale.ROOT)));
      p.raise(Condition.Type.Drifted, Reason.Drift, what);
    }
    if (revert) {
      Transitions.revert(p);
      return p.result(Duration.ZERO);
    }
    return p.result(null);
  }

  /** What the rollout holds the service to: its stable phase, or the rollback target's. */
  private static String target(Pass p) {
    return p.status.stablePhase().name();
  }

  /**
   * The revision the service should run: the stable phase's (Healthy: the last phase; Degraded: the
   * rollback target, which is then the stable phase), or the baseline's; null when the rollout
   * created the service and was rolled back to before it (held at zero tasks).
   */
  private static String expectedRevision(Pass p) {
    PhaseRef stable = p.status.stablePhase();
    return stable.isBaseline() ? p.status.baseline() : p.status.revisions().get(stable.name());
  }

  /**
   * What differs, in words that stay the same from pass to pass while the drift does (no counts of
   * running tasks, no times): the revision, the count the rollout holds the service to, and a
   * deployment the rollout did not start (only when those two agree, since an update of them starts
   * one).
   */
  static List<String> differences(Pass p, String expected, ServiceState s) {
    List<String> out = new ArrayList<>();
    if (s == null) {
      out.add("service " + p.service.service() + " is gone");
      return out;
    }
    if (expected != null && !expected.equals(s.taskDefinitionArn())) {
      out.add(
          "revision "
              + shortName(s.taskDefinitionArn())
              + " where the rollout left "
              + shortName(expected));
    }
    Integer held = p.status.desiredCount();
    if (held != null && s.desiredCount() != held) {
      out.add("desiredCount " + s.desiredCount() + " where the rollout holds " + held);
    }
    if (out.isEmpty()) {
      for (Deployment d : s.deployments()) {
        if (unexpected(d)) {
          out.add(
              "deployment "
                  + d.id()
                  + " ("
                  + d.status()
                  + ", "
                  + d.rolloutState()
                  + ") the rollout did not start");
        }
      }
    }
    return out;
  }

  /** A deployment under way, or a failed one: the rollout's own had completed when it settled. */
  private static boolean unexpected(Deployment d) {
    if (d.status() == DeploymentStatus.PRIMARY) {
      return d.rolloutState() == DeploymentRolloutState.IN_PROGRESS
          || d.rolloutState() == DeploymentRolloutState.FAILED;
    }
    return d.status() != DeploymentStatus.INACTIVE;
  }
}
