package dev.snailtrail.trail;

import dev.snailtrail.spec.Rollout;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * How each phase stands after a trail, for {@link ProgressLog}: the phases of the spec and then any
 * other the trail names, each pending until the trail starts it, and the marker each completed
 * phase left.
 */
final class PhaseStandings {

  /** How a phase stands in the log. */
  enum State {
    DONE("✅", "[x]", "complete"),
    CURRENT("🔄", "[~]", "in progress"),
    FAILED("❌", "[!]", "failed"),
    PENDING("⏳", "[ ]", "pending");

    final String icon;
    final String plain;
    final String words;

    State(String icon, String plain, String words) {
      this.icon = icon;
      this.plain = plain;
      this.words = words;
    }
  }

  private final List<String> phases;
  private final Map<String, State> states = new LinkedHashMap<>();
  private final Map<String, String> markers = new LinkedHashMap<>();

  /**
   * @param spec the rollout's spec (for every phase, pending ones too), or null
   * @param events the trail, in order
   */
  PhaseStandings(Rollout spec, List<TrailEvent> events) {
    this.phases = phaseNames(spec, events);
    phases.forEach(p -> states.put(p, State.PENDING));
    for (TrailEvent e : events) {
      track(e);
    }
  }

  private static List<String> phaseNames(Rollout spec, List<TrailEvent> events) {
    Set<String> names = new LinkedHashSet<>();
    if (spec != null) {
      spec.spec().phases().forEach(p -> names.add(p.name()));
    }
    events.stream().map(TrailEvent::phase).filter(p -> p != null).forEach(names::add);
    return List.copyOf(names);
  }

  private void track(TrailEvent e) {
    switch (e.type()) {
      case PhaseStarted, Retried -> {
        if (e.phase() != null) {
          states.put(e.phase(), State.CURRENT);
        }
      }
      case PhaseCompleted -> {
        states.put(e.phase(), State.DONE);
        markers.put(e.phase(), e.message());
      }
      case RollbackStarted -> states.put(e.data().getOrDefault("from", e.phase()), State.FAILED);
      case RolloutStarted,
          TaskDefinitionRegistered,
          TaskDefinitionReused,
          ServiceCreated,
          ServiceUpdated,
          DeploymentCompleted,
          DeploymentFailed,
          GatePassed,
          GateFailed,
          GateInconclusive,
          BakeStarted,
          ApprovalRequired,
          Promoted,
          Paused,
          Resumed,
          RollbackCompleted,
          RollbackFailed,
          DriftDetected,
          DriftEnded,
          ProviderUnavailable,
          ProviderRecovered,
          ServiceAdopted,
          PreflightFailed,
          SpecChanged,
          RolloutCompleted,
          Aborted -> {
        // Logged, but a phase's standing follows only its start, completion and rollback.
      }
    }
  }

  /** The phases in the order the log lists them. */
  List<String> phases() {
    return phases;
  }

  State of(String phase) {
    return states.get(phase);
  }

  /** Whether the phase completed at some point, leaving a marker. */
  boolean hasMarker(String phase) {
    return markers.containsKey(phase);
  }

  /** The marker the phase's last completion left. */
  String marker(String phase) {
    return markers.get(phase);
  }

  /** How many phases stand complete. */
  long done() {
    return states.values().stream().filter(s -> s == State.DONE).count();
  }
}
