package dev.snailtrail.doctor;

import dev.snailtrail.provider.ProviderException;
import dev.snailtrail.provider.Providers;
import dev.snailtrail.provider.TaskDefinitionSpec;
import dev.snailtrail.rollout.PreflightHook;
import dev.snailtrail.spec.Rollout;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The preflight doctor: checks, before a phase deploys, the things that kept the service from
 * running the first time (a missing service, a port the target group does not use, a security group
 * without the rule, subnets without a route out, a missing log group, a rollback that could not
 * run). Each {@link CheckResult} says what was seen and the fix.
 *
 * <p>Every check reads the world; none changes it. A provider that cannot answer (no usable
 * credentials, denied access, throttling, an outage) gives UNCHECKED "could not check", never FAIL
 * and never a pass. Within one call each AWS question is asked once; nothing is kept between calls.
 */
public final class Preflight {
  private static final List<PreflightCheck> CHECKS =
      List.of(
          new ServiceExistsCheck(),
          new ImageInEcrCheck(),
          new PortsMatchTargetGroupCheck(),
          new AwsvpcBindingsCheck(),
          new SecurityGroupAdmitsPortCheck(),
          new PublicIpRoutableCheck(),
          new LogGroupExistsCheck(),
          new SecretsReadableCheck(),
          new ScalingRespectedCheck(),
          new RollbackReadyCheck(),
          new TrafficRoutingCheck(),
          new BlueGreenRoutingCheck());

  private final Providers providers;
  private final Function<Rollout, TaskDefinitionSpec> baseTaskDefinition;

  /**
   * Checks through these providers the task definitions the reconciler's deploy step would
   * register.
   */
  public Preflight(Providers providers) {
    this(providers, null);
  }

  /**
   * Checks through these providers, starting task definitions from {@code baseTaskDefinition}
   * instead of what the rollout declares (or, without a template, the task definition the service
   * runs now); null for those.
   */
  public Preflight(Providers providers, Function<Rollout, TaskDefinitionSpec> baseTaskDefinition) {
    this.providers = Objects.requireNonNull(providers, "providers");
    this.baseTaskDefinition = baseTaskDefinition;
  }

  /** Every check for deploying phase {@code phaseIndex}, with no revisions registered yet. */
  public List<CheckResult> check(Rollout rollout, int phaseIndex) {
    return check(rollout, phaseIndex, Map.of());
  }

  /**
   * Every check for deploying phase {@code phaseIndex}.
   *
   * @param revisions task definition ARNs registered so far, by phase name (the rollout status's
   *     revisions): the rollback target's revision is looked up there
   */
  public List<CheckResult> check(Rollout rollout, int phaseIndex, Map<String, String> revisions) {
    if (phaseIndex < 0 || phaseIndex >= rollout.spec().phases().size()) {
      throw new IllegalArgumentException(
          "rollout " + rollout.name() + " has no phase " + phaseIndex);
    }
    Facts facts = facts(rollout, revisions);
    List<CheckResult> results = new ArrayList<>();
    for (PreflightCheck c : CHECKS) {
      if (c.appliesTo(rollout)) {
        results.add(run(c, new Inspection(facts, phaseIndex)));
      }
    }
    return results;
  }

  /**
   * The checks of every phase: those that can differ between phases (images, rollback, alarms) for
   * each, the rest (service, ports, network, logs) once, under the first phase.
   */
  public List<CheckResult> checkAll(Rollout rollout) {
    Facts facts = facts(rollout, Map.of());
    List<CheckResult> results = new ArrayList<>();
    for (int i = 0; i < rollout.spec().phases().size(); i++) {
      for (PreflightCheck c : CHECKS) {
        if ((i == 0 || c.perPhase()) && c.appliesTo(rollout)) {
          results.add(run(c, new Inspection(facts, i)));
        }
      }
    }
    return results;
  }

  /** Whether any result is a FAIL. */
  public static boolean anyFailed(List<CheckResult> results) {
    return results.stream().anyMatch(CheckResult::failed);
  }

  /** The results of checks that could not be made (UNCHECKED), in order. */
  public static List<CheckResult> unchecked(List<CheckResult> results) {
    return results.stream().filter(r -> r.status() == Status.UNCHECKED).toList();
  }

  /**
   * The failed checks and their fixes in one paragraph, for a PreflightFailed event and the paused
   * rollout's message; empty when nothing failed.
   */
  public static String summary(List<CheckResult> results) {
    List<CheckResult> failed = results.stream().filter(CheckResult::failed).toList();
    if (failed.isEmpty()) {
      return "";
    }
    String phases =
        failed.stream().map(CheckResult::phase).distinct().collect(Collectors.joining(", "));
    StringBuilder b =
        new StringBuilder("Preflight failed for phase ")
            .append(phases)
            .append(" (")
            .append(failed.size())
            .append(failed.size() == 1 ? " check): " : " checks): ");
    for (int i = 0; i < failed.size(); i++) {
      CheckResult r = failed.get(i);
      if (i > 0) {
        b.append(' ');
      }
      b.append(r.check()).append(": ").append(r.title()).append(". Fix: ").append(r.fix());
      if (!r.fix().endsWith(".") && !r.fix().endsWith(")")) {
        b.append('.');
      }
    }
    return b.toString();
  }

  private Facts facts(Rollout rollout, Map<String, String> revisions) {
    return new Facts(
        rollout,
        providers,
        baseTaskDefinition == null ? null : baseTaskDefinition.apply(rollout),
        revisions);
  }

  private static CheckResult run(PreflightCheck check, Inspection in) {
    try {
      return check.run(in);
    } catch (ProviderException e) {
      if (e.isOutage()) {
        return in.unchecked(
            check.id(),
            "could not check: " + e.describe(),
            "the " + e.service() + " API did not answer (" + e.kind() + ")",
            whatToDo(e) + " This says nothing about the check either way.");
      }
      return in.fail(
          check.id(),
          check.id().label() + ": " + e.getMessage(),
          e.describe(),
          "Fix what the error names, then run doctor again.");
    }
  }

  /** What to do about a provider that did not answer, by why it did not. */
  private static String whatToDo(ProviderException e) {
    String call = e.service() + ":" + e.operation();
    return switch (e.kind()) {
      case ACCESS_DENIED ->
          "Check the credentials this runs with (aws sts get-caller-identity) and that they allow "
              + call
              + ", then run doctor again.";
      case THROTTLED -> "AWS throttled " + call + "; run doctor again in a moment.";
      case TRANSIENT ->
          "Check that the "
              + e.service()
              + " endpoint is reachable from here (network, proxy, --endpoint), then run doctor"
              + " again.";
      case UNAVAILABLE ->
          "Too many " + e.service() + " calls failed in a row; run doctor again in a minute.";
      case NOT_FOUND, INVALID -> "Fix what the error names, then run doctor again.";
    };
  }

  /**
   * These checks as the reconciler's hook: a failed check blocks the phase, with the summary. The
   * task definitions the pass described answer for themselves.
   */
  public PreflightHook asHook() {
    return (rollout, phaseIndex, base, revisions, described) -> {
      Facts facts = new Facts(rollout, providers, base, revisions);
      facts.described(described);
      List<CheckResult> results = new ArrayList<>();
      for (PreflightCheck c : CHECKS) {
        if (c.appliesTo(rollout)) {
          results.add(run(c, new Inspection(facts, phaseIndex)));
        }
      }
      return anyFailed(results)
          ? java.util.Optional.of(summary(results))
          : java.util.Optional.empty();
    };
  }
}
