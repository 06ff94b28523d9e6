package dev.snailtrail.reconcile;

import static dev.snailtrail.provider.TaskDefinition.shortName;
import static dev.snailtrail.reconcile.Pass.data;

import dev.snailtrail.provider.DeploymentRolloutState;
import dev.snailtrail.provider.Ecs.Deployment;
import dev.snailtrail.provider.Ecs.ServiceState;
import dev.snailtrail.provider.Ecs.TaskState;
import dev.snailtrail.provider.Providers;
import dev.snailtrail.provider.TargetHealthState;
import dev.snailtrail.provider.TaskStatus;
import dev.snailtrail.rollout.PreflightHook;
import dev.snailtrail.rollout.Reason;
import dev.snailtrail.rollout.TaskDefinitions;
import dev.snailtrail.spec.Durations;
import dev.snailtrail.spec.Phase;
import dev.snailtrail.trail.EventType;
import dev.snailtrail.trail.Severity;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/** Deploying and Waiting: the phase's task definition exists, the service runs it, ECS is done. */
final class DeployStep {
  private final Providers providers;
  private final PreflightHook preflight;
  private final PhaseRevisions revisions;
  private final Polling polling;
  private final Ownership ownership;

  DeployStep(Providers providers, PreflightHook preflight, Polling polling, Ownership ownership) {
    this.providers = providers;
    this.preflight = preflight;
    this.polling = polling;
    this.revisions = new PhaseRevisions(providers);
    this.ownership = ownership;
  }

  Ownership ownership() {
    return ownership;
  }

  PhaseRevisions revisions() {
    return revisions;
  }

  /**
   * The wait before the next look at what ECS does for the phase, which began at phaseStartedAt.
   */
  Duration poll(Pass p) {
    Instant began = p.status.phaseStartedAt();
    return polling.next(began == null ? Duration.ZERO : Duration.between(began, p.now));
  }

  /**
   * What comes before the phase's service changes: the spec fits, preflight passes, the revision
   * exists. A result when this pass acted (or must stop there), empty when the service may change.
   */
  Optional<ReconcileResult> prepare(Pass p) {
    int index = p.status.currentPhase().index();
    Phase phase = p.phase(index);
    if (!p.status.revisions().containsKey(phase.name())) {
      // Before the first action of the phase: nothing on the service has changed yet. The family's
      // newest revision is read first: the base, preflight and the registration share it.
      revisions.newest(p);
      Optional<ReconcileResult> unfit = notApplicable(p, index);
      if (unfit.isPresent()) {
        return unfit;
      }
      Optional<String> blocked =
          preflight.blocked(
              p.rollout, index, revisions.base(p), p.status.revisions(), p.describedByArn());
      if (blocked.isPresent()) {
        String msg = "preflight for " + phase.name() + " failed: " + blocked.get();
        p.emit(EventType.PreflightFailed, Severity.Error, Reason.PreflightFailed, msg);
        p.emit(
            EventType.Paused,
            Severity.Warning,
            Reason.PreflightFailed,
            "Paused before "
                + phase.name()
                + ": fix what preflight found, then `snailtrail resume "
                + p.rollout.name()
                + "`");
        Transitions.pause(p, msg);
        return Optional.of(p.result(null));
      }
    }
    return revisions.ensure(p, index) ? Optional.of(p.result(Duration.ZERO)) : Optional.empty();
  }

  ReconcileResult deploy(Pass p) {
    Optional<ReconcileResult> prepared = prepare(p);
    if (prepared.isPresent()) {
      return prepared.get();
    }
    Phase phase = p.currentPhase();
    String arn = p.status.revisions().get(phase.name());
    Optional<ServiceState> current = providers.ecs().describeService(p.service);
    if (current.isEmpty()) {
      return create(p, phase, arn);
    }
    ServiceState s = current.get();
    Integer count = TaskCounts.resolve(p, providers, phase.desiredCount(), "phase " + phase.name());
    if (arn.equals(s.taskDefinitionArn()) && (count == null || s.desiredCount() == count)) {
      // Already shows the effect (a pass that crashed after updating, or a phase with the same
      // content as the last): nothing to do but wait.
      Instant began = s.primary().map(Deployment::createdAt).orElse(p.now);
      Transitions.awaitDeployment(p, began == null ? p.now : began, "deployment under way");
      return p.result(Duration.ZERO);
    }
    Optional<ReconcileResult> refused = ownership.claim(p, s);
    if (refused.isPresent()) {
      return refused.get();
    }
    EcsStrategies.update(p, providers, p.service, s, arn, count);
    p.emit(
        EventType.ServiceUpdated,
        Severity.Normal,
        Reason.ServiceUpdated,
        "Service updated to " + shortName(arn) + tasks(count, s.desiredCount()),
        data("revision", shortName(arn), "from", shortName(s.taskDefinitionArn())));
    Transitions.awaitDeployment(p, p.now, "waiting for the ECS deployment");
    return p.result(poll(p));
  }

  /** The service does not exist: create it from the phase (when the spec says so), or pause. */
  private ReconcileResult create(Pass p, Phase phase, String arn) {
    if (!p.rollout.spec().target().createIfMissing()) {
      String msg =
          "service " + p.service.service() + " disappeared from cluster " + p.service.cluster();
      p.emit(EventType.DriftDetected, Severity.Error, Reason.ServiceMissing, msg);
      Transitions.pause(p, msg);
      return p.result(null);
    }
    // A new service has no count of its own to keep: a phase without one starts one task, and
    // holds the service to none afterwards (an autoscaler may take it from there).
    int count = phase.setsDesiredCount() ? phase.desiredCount() : 1;
    p.update(b -> b.desiredCount(phase.setsDesiredCount() ? count : null));
    ServiceState created = providers.ecs().createService(CreateRequests.of(p, arn, count));
    ownership.claim(p, created); // new, so no one else's: tagged as this rollout's
    p.emit(
        EventType.ServiceCreated,
        Severity.Normal,
        Reason.ServiceCreated,
        "Service "
            + p.service.service()
            + " created with "
            + shortName(arn)
            + ", "
            + count
            + " tasks",
        data("revision", shortName(arn)));
    Transitions.awaitDeployment(p, p.now, "waiting for ECS to start tasks");
    return p.result(poll(p));
  }

  /** The spec does not fit the task definition it starts from: pause before touching anything. */
  private Optional<ReconcileResult> notApplicable(Pass p, int index) {
    try {
      revisions.taskDefinition(p, index);
      return Optional.empty();
    } catch (TaskDefinitions.NotApplicable e) {
      String msg = "phase " + p.phase(index).name() + " cannot start: " + e.getMessage();
      p.emit(EventType.PreflightFailed, Severity.Error, Reason.SpecNotApplicable, msg);
      Transitions.pause(p, msg + "; change the spec and apply it");
      return Optional.of(p.result(null));
    }
  }

  ReconcileResult await(Pass p) {
    Phase phase = p.currentPhase();
    String arn = p.status.revisions().get(phase.name());
    Optional<ServiceState> current = providers.ecs().describeService(p.service);
    if (current.isEmpty() || drifted(p, current.get(), arn)) {
      return reassert(p, current.orElse(null), arn);
    }
    ServiceState s = current.get();
    int expected = TaskCounts.expected(p, s.desiredCount());
    Deployment primary = s.primary().orElse(null);
    if (primary != null
        && primary.rolloutState() == DeploymentRolloutState.COMPLETED
        && s.runningCount() >= expected) {
      p.emit(
          EventType.DeploymentCompleted,
          Severity.Normal,
          Reason.DeploymentCompleted,
          "Deployment completed: "
              + s.runningCount()
              + "/"
              + expected
              + " tasks running "
              + shortName(arn),
          data("revision", shortName(arn)));
      Transitions.deploymentCompleted(p);
      return p.result(Duration.ZERO);
    }
    if (primary != null && primary.rolloutState() == DeploymentRolloutState.FAILED) {
      String why =
          "ECS deployment failed: "
              + orElse(primary.rolloutStateReason(), "no reason given")
              + stoppedSummary(p, arn);
      p.emit(
          EventType.DeploymentFailed,
          Severity.Warning,
          Reason.DeploymentFailed,
          why,
          data("revision", shortName(arn)));
      return RollbackStep.begin(p, Reason.DeploymentFailed, why);
    }
    Instant deadline = p.status.phaseStartedAt().plus(p.rollout.spec().progressDeadline());
    if (!p.now.isBefore(deadline)) {
      String why =
          "phase "
              + phase.name()
              + " not deployed within "
              + Durations.format(p.rollout.spec().progressDeadline())
              + ": "
              + s.runningCount()
              + "/"
              + expected
              + " tasks running"
              + stoppedSummary(p, arn);
      return RollbackStep.begin(p, Reason.ProgressDeadlineExceeded, why);
    }
    p.update(
        b ->
            b.message(
                "waiting for the ECS deployment: "
                    + s.runningCount()
                    + "/"
                    + expected
                    + " running, "
                    + s.pendingCount()
                    + " pending"
                    + targetSummary(p)));
    Duration untilDeadline = Duration.between(p.now, deadline);
    Duration poll = poll(p);
    return p.result(untilDeadline.compareTo(poll) < 0 ? untilDeadline : poll);
  }

  /**
   * Whether someone else changed the service: another revision, or another count than the one the
   * phase holds it to (a count the phase leaves alone, or auto scaling owns, is not drift).
   */
  static boolean drifted(Pass p, ServiceState s, String arn) {
    Integer held = p.status.desiredCount();
    return !arn.equals(s.taskDefinitionArn()) || (held != null && s.desiredCount() != held);
  }

  /** " with 3 tasks", or ", keeping its 3 tasks" when the count is left alone. */
  static String tasks(Integer sent, int serviceDesired) {
    return sent != null
        ? " with " + sent + " tasks"
        : ", keeping its " + serviceDesired + (serviceDesired == 1 ? " task" : " tasks");
  }

  /** Someone else changed the service: say so, then deploy the phase again. */
  ReconcileResult reassert(Pass p, ServiceState s, String arn) {
    Integer desired = p.status.desiredCount();
    String seen =
        s == null
            ? "the service is gone"
            : "the service runs "
                + shortName(s.taskDefinitionArn())
                + " with "
                + s.desiredCount()
                + " tasks";
    p.emit(
        EventType.DriftDetected,
        Severity.Warning,
        Reason.Drift,
        "Drift: "
            + seen
            + ", expected "
            + shortName(arn)
            + (desired == null ? "" : " with " + desired)
            + "; re-asserting phase "
            + p.currentPhase().name(),
        data(
            "expected",
            shortName(arn),
            "seen",
            s == null ? null : shortName(s.taskDefinitionArn())));
    Transitions.reassert(p);
    return p.result(Duration.ZERO);
  }

  /** Why the phase's tasks stopped, for rollback messages: " (2 tasks stopped: ...)". */
  String stoppedSummary(Pass p, String arn) {
    List<TaskState> tasks = providers.ecs().listTasks(p.service, true);
    Instant since = p.status.phaseStartedAt();
    Map<String, Long> reasons =
        tasks.stream()
            .filter(t -> t.lastStatus() == TaskStatus.STOPPED && arn.equals(t.taskDefinitionArn()))
            .filter(t -> since == null || t.stoppedAt() == null || !t.stoppedAt().isBefore(since))
            .collect(
                Collectors.groupingBy(
                    DeployStep::stopReason, LinkedHashMap::new, Collectors.counting()));
    String stopped =
        reasons.isEmpty()
            ? ""
            : "; stopped tasks: "
                + reasons.entrySet().stream()
                    .map(e -> e.getValue() + "× " + e.getKey())
                    .collect(Collectors.joining(", "));
    String lb = targetSummary(p);
    if (lb.isEmpty() && p.status.message() != null && p.status.message().contains(LB_MARK)) {
      // Failed targets are often deregistered by the time ECS gives up: use what the last
      // pass saw.
      lb = p.status.message().substring(p.status.message().indexOf(LB_MARK));
    }
    return stopped + lb;
  }

  private static final String LB_MARK = "; load balancer: ";

  /** What the load balancer last said about unhealthy targets: often the real cause. */
  private String targetSummary(Pass p) {
    java.util.Set<String> seen = new java.util.LinkedHashSet<>();
    for (var lb : p.rollout.spec().target().loadBalancers()) {
      for (var t :
          providers.loadBalancing().describeTargetHealth(p.service.region(), lb.targetGroupArn())) {
        boolean leaving =
            t.state() == TargetHealthState.DRAINING
                || "Target.DeregistrationInProgress".equals(t.reason());
        if (t.state() != TargetHealthState.HEALTHY
            && !leaving
            && (t.reason() != null || t.description() != null)) {
          seen.add(
              orElse(t.reason(), Objects.toString(t.state(), null))
                  + " on :"
                  + t.port()
                  + (t.description() == null ? "" : " (" + t.description() + ")"));
        }
      }
    }
    return seen.isEmpty() ? "" : LB_MARK + String.join(", ", seen);
  }

  private static String stopReason(TaskState t) {
    String container =
        t.containers().stream()
            .filter(c -> c.reason() != null || (c.exitCode() != null && c.exitCode() != 0))
            .map(
                c ->
                    c.reason() != null
                        ? c.reason()
                        : "container " + c.name() + " exited with code " + c.exitCode())
            .findFirst()
            .orElse(null);
    String base = orElse(t.stoppedReason(), Objects.toString(t.stopCode(), "stopped"));
    return container == null ? base : base + " (" + container + ")";
  }

  static String orElse(String value, String fallback) {
    return value == null || value.isBlank() ? fallback : value;
  }
}
