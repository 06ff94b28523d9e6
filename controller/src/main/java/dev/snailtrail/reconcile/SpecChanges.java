package dev.snailtrail.reconcile;

import dev.snailtrail.rollout.Reason;
import dev.snailtrail.rollout.StatusPhase;
import dev.snailtrail.spec.Analysis;
import dev.snailtrail.spec.Gate;
import dev.snailtrail.spec.Phase;
import dev.snailtrail.spec.Rollout;
import dev.snailtrail.trail.EventType;
import dev.snailtrail.trail.Severity;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * A new spec generation: the same content changes nothing; a change to the current or an earlier
 * phase restarts from the earliest changed phase; a change to a later phase waits until reached.
 */
final class SpecChanges {
  private SpecChanges() {}

  /**
   * What each phase's content is, by phase name: the phase, the template (with the task definition
   * it starts from) and the analysis defaults determine everything a phase registers and measures.
   * (A rollout on the live service starts from the revision it recorded when it began, which no
   * spec changes.)
   */
  static Map<String, String> fingerprints(Rollout rollout) {
    Map<String, String> out = new LinkedHashMap<>();
    List<Phase> phases = rollout.spec().phases();
    for (int i = 0; i < phases.size(); i++) {
      Phase phase = phases.get(i);
      out.put(
          phase.name(),
          Fingerprints.of(
              asBefore(rollout.spec().analysis()),
              i,
              phase,
              rollout.spec().template(),
              rollout.spec().analysis()));
    }
    return out;
  }

  /**
   * A {@code cloudwatchAlarm} gate used to inherit the rollout's {@code failureLimit}; now it
   * tolerates none unless it says so. Fingerprinted as before, an alarm gate left at the new
   * default keeps the fingerprint it had, so a controller upgrade does not make the next spec of
   * every alarm-gated rollout look changed (and restart its phases).
   */
  private static UnaryOperator<Object> asBefore(Analysis rollout) {
    return v ->
        v instanceof Gate.CloudWatchAlarm g
                && g.analysis().failureLimit() == Gate.CloudWatchAlarm.DEFAULT_FAILURE_LIMIT
                && rollout.failureLimit() != Gate.CloudWatchAlarm.DEFAULT_FAILURE_LIMIT
            ? new Gate.CloudWatchAlarm(
                g.names(), g.analysis().withFailureLimit(rollout.failureLimit()))
            : v;
  }

  static void apply(Pass p) {
    Map<String, String> now = fingerprints(p.rollout);
    Map<String, String> before = p.status.phaseFingerprints();
    List<String> changed = new ArrayList<>();
    int earliest = -1;
    List<Phase> phases = p.rollout.spec().phases();
    for (int i = 0; i < phases.size(); i++) {
      String name = phases.get(i).name();
      if (!now.get(name).equals(before.get(name))) {
        changed.add(name);
        if (earliest < 0) {
          earliest = i;
        }
      }
    }
    Map<String, String> revisions = new LinkedHashMap<>(p.status.revisions());
    revisions.keySet().removeIf(name -> changed.contains(name) || !now.containsKey(name));
    p.update(b -> b.observedGeneration(p.generation).phaseFingerprints(now).revisions(revisions));
    if (changed.isEmpty()) {
      return;
    }
    p.emit(
        EventType.SpecChanged,
        Severity.Normal,
        Reason.SpecChanged,
        "Spec generation " + p.generation + " changes " + String.join(", ", changed));
    int current = Math.min(p.status.currentPhase().index(), phases.size() - 1);
    boolean settled = p.status.phase() != StatusPhase.Progressing;
    if (!settled && earliest > current) {
      return; // takes effect when reached
    }
    int from = earliest;
    if (p.status.phase() == StatusPhase.Degraded && p.status.failedPhase() != null) {
      from = Math.min(earliest, p.status.failedPhase().index());
    }
    Transitions.restart(p, Math.min(from, phases.size() - 1));
  }
}
