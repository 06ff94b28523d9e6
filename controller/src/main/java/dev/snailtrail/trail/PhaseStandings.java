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
  private final Map<String, TrailEvent> started = new LinkedHashMap<>();
  private final Map<String, TrailEvent> ended = new LinkedHashMap<>();
  private final Map<String, Integer> attempts = new LinkedHashMap<>();

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
      case PhaseStarted -> {
        if (e.phase() != null) {
          states.put(e.phase(), State.CURRENT);
          started.putIfAbsent(e.phase(), e);
          attempts.merge(e.phase(), 1, Integer::sum);
          ended.remove(e.phase());
        }
      }
      case PhaseCompleted -> {
        states.put(e.phase(), State.DONE);
        markers.put(e.phase(), e.message());
        ended.put(e.phase(), e);
      }
      case RollbackStarted -> {
        String from = e.data().getOrDefault("from", e.phase());
        states.put(from, State.FAILED);
        ended.put(from, e);
      }
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
          Retried,
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
          Aborted,
          DesiredCountLimited,
          Note -> {
        // Logged, but a phase's standing follows only its start, completion and rollback; a
        // retry is seen in the start of the phase it retries (Retried names the phase rolled
        // back to).
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

  /** The phase's first start, or null when it never started. */
  TrailEvent started(String phase) {
    return started.get(phase);
  }

  /** What ended the phase's last attempt (its completion or rollback), or null while it runs. */
  TrailEvent ended(String phase) {
    return ended.get(phase);
  }

  /** How many times the phase started (a retry or a new spec starts it again). */
  int attempts(String phase) {
    return attempts.getOrDefault(phase, 0);
  }

  /** How many phases stand complete. */
  long done() {
    return states.values().stream().filter(s -> s == State.DONE).count();
  }
}
