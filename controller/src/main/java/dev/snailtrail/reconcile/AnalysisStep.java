package dev.snailtrail.reconcile;

import static dev.snailtrail.reconcile.Pass.data;

import dev.snailtrail.gate.Analyzer;
import dev.snailtrail.gate.GateContext;
import dev.snailtrail.gate.GateEvaluator;
import dev.snailtrail.gate.Measurement;
import dev.snailtrail.provider.Ecs.ServiceState;
import dev.snailtrail.provider.Providers;
import dev.snailtrail.provider.ServiceRef;
import dev.snailtrail.provider.TaskDefinitionSpec;
import dev.snailtrail.provider.TaskDefinitionSpec.ContainerDefinition;
import dev.snailtrail.rollout.GateResult;
import dev.snailtrail.rollout.GateStatus;
import dev.snailtrail.rollout.Reason;
import dev.snailtrail.rollout.Step;
import dev.snailtrail.rollout.TaskDefinitions;
import dev.snailtrail.spec.Durations;
import dev.snailtrail.spec.Gate;
import dev.snailtrail.spec.Phase;
import dev.snailtrail.trail.EventType;
import dev.snailtrail.trail.Severity;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Analyzing and Baking: gates measured at their intervals until they pass and the bake ends. */
final class AnalysisStep {
  private final Providers providers;
  private final GateEvaluator evaluator;
  private final DeployStep deploy;

  AnalysisStep(Providers providers, GateEvaluator evaluator, DeployStep deploy) {
    this.providers = providers;
    this.evaluator = evaluator;
    this.deploy = deploy;
  }

  static List<GateStatus> initialGates(Phase phase) {
    List<GateStatus> gates = new ArrayList<>();
    for (int i = 0; i < phase.gates().size(); i++) {
      gates.add(GateStatus.initial(phase.gateName(i)));
    }
    return gates;
  }

  ReconcileResult run(Pass p) {
    Phase phase = p.currentPhase();
    String arn = p.status.revisions().get(phase.name());
    Optional<ServiceState> service = providers.ecs().describeService(p.service);
    if (service.isEmpty() || DeployStep.drifted(p, service.get(), arn)) {
      return deploy.reassert(p, service.orElse(null), arn);
    }
    if (p.status.fullPromotionBy() != null
        && p.status.currentPhase().index() == p.phaseCount() - 1) {
      return promotedInFull(p, phase);
    }
    List<GateStatus> gates = measure(p, phase, arn, deadlinePassed(p), service.get());
    p.update(b -> b.gates(gates));
    Optional<ReconcileResult> verdict = failedOrStuck(p, phase, gates);
    if (verdict.isPresent()) {
      return verdict.get();
    }
    return p.status.step() == Step.Analyzing ? analyzing(p, phase, gates) : baking(p, phase, gates);
  }

  /** Promoted in full: the last phase is deployed, and completes without being measured. */
  private static ReconcileResult promotedInFull(Pass p, Phase phase) {
    String note = "not measured: promoted in full by " + p.status.fullPromotionBy();
    List<GateStatus> skipped =
        initialGates(phase).stream()
            .map(g -> new GateStatus(g.name(), GateResult.Passed, 0, 0, 0, 0, note, null))
            .toList();
    p.update(b -> b.gates(skipped));
    return PhaseCompletion.complete(p);
  }

  /** A failed gate rolls back; a gate inconclusive past its limit pauses. */
  static Optional<ReconcileResult> failedOrStuck(Pass p, Phase phase, List<GateStatus> gates) {
    for (GateStatus g : gates) {
      if (g.result() == GateResult.Failed) {
        return Optional.of(
            RollbackStep.begin(
                p, Reason.GateFailed, "gate " + g.name() + " failed: " + g.message()));
      }
    }
    for (int i = 0; i < gates.size(); i++) {
      GateStatus g = gates.get(i);
      if (g.result() == GateResult.Inconclusive
          && g.inconclusives() > phase.gates().get(i).analysis().inconclusiveLimit()) {
        String msg =
            "gate "
                + g.name()
                + " stayed inconclusive: "
                + g.message()
                + "; check the provider, then `snailtrail resume`";
        p.emit(EventType.Paused, Severity.Warning, Reason.GateInconclusive, "Paused: " + msg);
        Transitions.pause(p, msg);
        return Optional.of(p.result(null));
      }
    }
    return Optional.empty();
  }

  private static boolean holding(List<GateStatus> gates) {
    return gates.stream().anyMatch(g -> g.result() == GateResult.Inconclusive);
  }

  /** Analyzing: all passed → bake (or complete); past the deadline → roll back, or pause. */
  private static ReconcileResult analyzing(Pass p, Phase phase, List<GateStatus> gates) {
    boolean holding = holding(gates);
    if (gates.stream().allMatch(g -> g.result() == GateResult.Passed)) {
      if (phase.bake().isZero()) {
        return PhaseCompletion.complete(p);
      }
      p.emit(
          EventType.BakeStarted,
          Severity.Normal,
          Reason.GatesPassing,
          "All " + gates.size() + " gates passed; baking for " + Durations.format(phase.bake()));
      Transitions.startBake(p);
      return p.result(nextWake(p, phase, gates));
    }
    Instant deadline = deadline(p);
    if (!p.now.isBefore(deadline)) {
      if (holding) {
        String msg =
            "progress deadline passed while a provider was unreachable ("
                + summary(gates)
                + "); not rolling back for an outage: `snailtrail resume` when it is back";
        p.emit(EventType.Paused, Severity.Warning, Reason.ProviderUnavailable, "Paused: " + msg);
        Transitions.pause(p, msg);
        return p.result(null);
      }
      return RollbackStep.begin(
          p,
          Reason.ProgressDeadlineExceeded,
          "gates of "
              + phase.name()
              + " did not pass within "
              + Durations.format(p.rollout.spec().progressDeadline())
              + ": "
              + summary(gates));
    }
    p.update(
        b ->
            b.message(
                holding ? "holding: a provider is unreachable" : "analyzing: " + summary(gates)));
    return p.result(min(nextWake(p, phase, gates), Duration.between(p.now, deadline)));
  }

  /** Baking: the bake elapsed with no gate holding → the phase is complete. */
  private static ReconcileResult baking(Pass p, Phase phase, List<GateStatus> gates) {
    boolean holding = holding(gates);
    Instant bakeEnd = p.status.bakeStartedAt().plus(phase.bake());
    if (!p.now.isBefore(bakeEnd) && !holding) {
      return PhaseCompletion.complete(p);
    }
    p.update(
        b ->
            b.message(
                holding
                    ? "baking, holding: a provider is unreachable"
                    : "baking until " + bakeEnd.truncatedTo(ChronoUnit.SECONDS)));
    return p.result(min(nextWake(p, phase, gates), Duration.between(p.now, bakeEnd)));
  }

  /**
   * The progress deadline, when it has passed while the phase is analyzing (bake has none), else
   * null. A pass can arrive well after it (the controller's queue was long): the gates are then
   * measured once more before the deadline decides, so a rollback never rests on measurements from
   * before the deadline.
   */
  private static Instant deadlinePassed(Pass p) {
    if (p.status.step() != Step.Analyzing) {
      return null;
    }
    Instant deadline = deadline(p);
    return p.now.isBefore(deadline) ? null : deadline;
  }

  /**
   * When the gates must have passed: the progress deadline from the phase's start, or, for a phase
   * ECS deployed by its own strategy (its steps and bake already behind it), from when ECS
   * finished.
   */
  static Instant deadline(Pass p) {
    Instant from = p.status.phaseStartedAt();
    var t = p.status.traffic();
    if (t != null && t.ecs() != null && t.stepStartedAt().isAfter(from)) {
      from = t.stepStartedAt();
    }
    return from.plus(p.rollout.spec().progressDeadline());
  }

  /**
   * Measures each gate that is due by its interval, and, past the deadline, each gate last measured
   * before it.
   */
  private List<GateStatus> measure(
      Pass p, Phase phase, String arn, Instant deadline, ServiceState service) {
    return measure(p, phase, arn, deadline, p.service, service);
  }

  /** The gates due measured on {@code ref}'s tasks (a canary's, while its traffic shifts). */
  List<GateStatus> measure(
      Pass p, Phase phase, String arn, Instant deadline, ServiceRef ref, ServiceState service) {
    List<GateStatus> prior = p.status.gates();
    if (prior.size() != phase.gates().size()) {
      prior = initialGates(phase);
    }
    URI base = providers.endpoints().resolve(p.service, p.rollout.spec().target().url());
    TaskDefinitionSpec td = deploy.revisions().taskDefinition(p, p.status.currentPhase().index());
    ContainerDefinition main =
        td.container(TaskDefinitions.mainContainer(p.rollout.spec().template(), td));
    GateContext ctx =
        new GateContext(providers, ref, base, main, phase, arn, tasksSince(p, arn, service), p.now);
    List<GateStatus> next = new ArrayList<>();
    for (int i = 0; i < phase.gates().size(); i++) {
      Gate gate = phase.gates().get(i);
      GateStatus before = prior.get(i);
      boolean stale =
          deadline != null
              && (before.lastMeasuredAt() == null || before.lastMeasuredAt().isBefore(deadline));
      if (!stale && !Analyzer.due(before, gate.analysis(), p.now)) {
        next.add(lookBetweenIntervals(p, phase, gate, before, ctx));
        continue;
      }
      Measurement m = evaluator.measure(gate, ctx);
      GateStatus after = Analyzer.record(before, m, gate.analysis(), p.now);
      announce(p, phase, before, after);
      next.add(after);
    }
    return next;
  }

  /** A gate watched on every pass that fails now fails at once; any other is left as it was. */
  private GateStatus lookBetweenIntervals(
      Pass p, Phase phase, Gate gate, GateStatus before, GateContext ctx) {
    if (!GateEvaluator.watchedEveryPass(gate)) {
      return before;
    }
    Optional<GateStatus> failed =
        Analyzer.recordBetweenIntervals(
            before, evaluator.measure(gate, ctx), gate.analysis(), p.now);
    failed.ifPresent(after -> announce(p, phase, before, after));
    return failed.orElse(before);
  }

  /**
   * Since when a task counts as the phase's: since the phase began, or, when the PRIMARY deployment
   * already ran the phase's revision before that, since it began. An update that changes only the
   * count (a phase that changes nothing else, a drift revert of a count) starts no deployment on
   * ECS: the tasks it keeps are the phase's as much as those it starts.
   */
  private static Instant tasksSince(Pass p, String arn, ServiceState service) {
    Instant since = p.status.phaseStartedAt();
    return service
        .primary()
        .filter(d -> arn.equals(d.taskDefinitionArn()) && d.createdAt() != null)
        .map(d -> d.createdAt().isBefore(since) ? d.createdAt() : since)
        .orElse(since);
  }

  private static void announce(Pass p, Phase phase, GateStatus before, GateStatus after) {
    if (before.result() == after.result()) {
      return;
    }
    var d =
        data(
            "gate",
            after.name(),
            "passes",
            Integer.toString(after.passes()),
            "failures",
            Integer.toString(after.failures()));
    switch (after.result()) {
      case Passed ->
          p.emit(
              EventType.GatePassed,
              Severity.Normal,
              Reason.GatePassed,
              "Gate " + after.name() + " passed: " + after.message(),
              d);
      case Failed ->
          p.emit(
              EventType.GateFailed,
              Severity.Warning,
              Reason.GateFailed,
              "Gate " + after.name() + " failed: " + after.message(),
              d);
      case Inconclusive ->
          p.emit(
              EventType.GateInconclusive,
              Severity.Warning,
              Reason.GateInconclusive,
              "Gate " + after.name() + " inconclusive: " + after.message(),
              d);
      case Pending -> {
        // Back to measuring (an outage ended): nothing a person needs to read.
      }
    }
  }

  static Duration nextWake(Pass p, Phase phase, List<GateStatus> gates) {
    Duration wake = null;
    for (int i = 0; i < gates.size(); i++) {
      Duration d =
          Duration.between(p.now, Analyzer.nextDue(gates.get(i), phase.gates().get(i).analysis()));
      wake = wake == null ? d : min(wake, d);
    }
    if (wake == null) {
      wake = Pass.POLL;
    }
    return wake.isNegative() ? Duration.ZERO : wake;
  }

  private static Duration min(Duration a, Duration b) {
    Duration m = a.compareTo(b) <= 0 ? a : b;
    return m.isNegative() ? Duration.ZERO : m;
  }

  static String summary(List<GateStatus> gates) {
    List<String> parts = new ArrayList<>();
    for (GateStatus g : gates) {
      if (g.result() != GateResult.Passed) {
        parts.add(g.name() + " " + g.result() + " (" + g.message() + ")");
      }
    }
    return parts.isEmpty() ? "all gates passed" : String.join("; ", parts);
  }
}
