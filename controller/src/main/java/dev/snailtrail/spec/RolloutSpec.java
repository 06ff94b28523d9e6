package dev.snailtrail.spec;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The desired course of a rollout.
 *
 * @param target the ECS service being rolled
 * @param template the base task definition every phase starts from
 * @param analysis analysis rules every gate inherits unless it overrides them
 * @param progressDeadline how long a phase may take to deploy and pass its gates (bake excluded)
 * @param phases ordered target states of the service; at least one
 * @param driftPolicy what to do when a settled (Healthy or Degraded) rollout's service drifts from
 *     what the rollout left it running
 */
public record RolloutSpec(
    Target target,
    Template template,
    Analysis analysis,
    Duration progressDeadline,
    List<Phase> phases,
    DriftPolicy driftPolicy) {
  public RolloutSpec {
    phases = List.copyOf(phases);
    driftPolicy = driftPolicy == null ? DriftPolicy.REPORT : driftPolicy;
  }

  /** A spec with the default drift policy ({@link DriftPolicy#REPORT}). */
  public RolloutSpec(
      Target target,
      Template template,
      Analysis analysis,
      Duration progressDeadline,
      List<Phase> phases) {
    this(target, template, analysis, progressDeadline, phases, DriftPolicy.REPORT);
  }

  /** This spec with other phases. */
  public RolloutSpec withPhases(List<Phase> newPhases) {
    return new RolloutSpec(target, template, analysis, progressDeadline, newPhases, driftPolicy);
  }

  /** This spec with another progress deadline. */
  public RolloutSpec withProgressDeadline(Duration deadline) {
    return new RolloutSpec(target, template, analysis, deadline, phases, driftPolicy);
  }

  /** The index of the phase with this name, or -1. */
  public int indexOf(String phaseName) {
    for (int i = 0; i < phases.size(); i++) {
      if (phases.get(i).name().equals(phaseName)) {
        return i;
      }
    }
    return -1;
  }

  public Optional<Phase> phase(String name) {
    int i = indexOf(name);
    return i < 0 ? Optional.empty() : Optional.of(phases.get(i));
  }
}
