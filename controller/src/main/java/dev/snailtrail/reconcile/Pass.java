package dev.snailtrail.reconcile;

import dev.snailtrail.provider.ServiceRef;
import dev.snailtrail.provider.TaskDefinition;
import dev.snailtrail.rollout.Condition;
import dev.snailtrail.rollout.PhaseRef;
import dev.snailtrail.rollout.Reason;
import dev.snailtrail.rollout.RolloutStatus;
import dev.snailtrail.spec.Phase;
import dev.snailtrail.spec.Rollout;
import dev.snailtrail.trail.EventType;
import dev.snailtrail.trail.Severity;
import dev.snailtrail.trail.TrailEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * One reconcile pass: what it observed, the status it is building and the events it emits. Lives
 * for a single pass; nothing here survives it except through {@link #result(Duration)}.
 */
final class Pass {
  /** How often a pass looks again while ECS works (deployments, rollbacks). */
  static final Duration POLL = Duration.ofSeconds(5);

  final Rollout rollout;
  final long generation;
  final Instant now;
  final ServiceRef service;
  RolloutStatus status;
  private final List<TrailEvent> events = new ArrayList<>();

  /**
   * Task definitions this pass described, by what it asked for (an ARN, or a family for its newest
   * revision): a revision is asked about once a pass, and preflight takes what the pass read.
   */
  final Map<String, Optional<TaskDefinition>> described = new HashMap<>();

  Pass(Rollout rollout, long generation, RolloutStatus status, Instant now) {
    this.rollout = rollout;
    this.generation = generation;
    this.status = status;
    this.now = now;
    var t = rollout.spec().target();
    this.service = new ServiceRef(t.region(), t.cluster(), t.service());
  }

  Phase phase(int index) {
    return rollout.spec().phases().get(index);
  }

  Phase currentPhase() {
    return phase(status.currentPhase().index());
  }

  int phaseCount() {
    return rollout.spec().phases().size();
  }

  PhaseRef ref(int index) {
    return index < 0 ? PhaseRef.BASELINE : new PhaseRef(index, phase(index).name());
  }

  /**
   * Changes the bookkeeping of the status (gates, revisions, messages, times). The phase and step
   * change only through {@link Transitions}, so this refuses a change to them.
   */
  void update(UnaryOperator<RolloutStatus.Builder> change) {
    RolloutStatus next = change.apply(status.toBuilder()).build();
    if (next.phase() != status.phase() || next.step() != status.step()) {
      throw new IllegalStateException(
          "status phase and step change only through Transitions, not in an update");
    }
    status = next;
  }

  /** Changes the phase and step: for {@link Transitions} alone. */
  void move(UnaryOperator<RolloutStatus.Builder> change) {
    status = change.apply(status.toBuilder()).build();
  }

  /** The condition of {@code type} the status carries, if any. */
  Optional<Condition> condition(Condition.Type type) {
    return status.conditions().stream().filter(c -> c.type() == type).findFirst();
  }

  /**
   * Sets a condition that holds, with its message; since when it first held (this pass, unless it
   * already did). Only for the conditions {@link Progress} carries from pass to pass.
   */
  void raise(Condition.Type type, Reason reason, String message) {
    Instant since = condition(type).map(Condition::lastTransitionTime).orElse(now);
    List<Condition> next = new ArrayList<>(status.conditions());
    next.removeIf(c -> c.type() == type);
    next.add(new Condition(type, Condition.Status.True, reason, message, since));
    update(b -> b.conditions(next));
  }

  /** Removes a carried condition: what it said is over. */
  void clear(Condition.Type type) {
    List<Condition> next = new ArrayList<>(status.conditions());
    next.removeIf(c -> c.type() == type);
    update(b -> b.conditions(next));
  }

  /** Records the revision registered (or found) for a phase. */
  void recordRevision(String phaseName, String arn) {
    Map<String, String> copy = new LinkedHashMap<>(status.revisions());
    copy.put(phaseName, arn);
    update(b -> b.revisions(copy));
  }

  /** The task definitions this pass described, by ARN. */
  Map<String, TaskDefinition> describedByArn() {
    Map<String, TaskDefinition> out = new HashMap<>();
    described.values().forEach(td -> td.ifPresent(t -> out.put(t.arn(), t)));
    return out;
  }

  /** Event data from key/value pairs; pairs whose value is null are left out. */
  static Map<String, String> data(String... keyValues) {
    Map<String, String> m = new HashMap<>();
    for (int i = 0; i + 1 < keyValues.length; i += 2) {
      if (keyValues[i + 1] != null) {
        m.put(keyValues[i], keyValues[i + 1]);
      }
    }
    return m;
  }

  void emit(EventType type, Severity severity, Reason reason, String message) {
    emit(type, severity, reason, message, Map.of());
  }

  void emit(
      EventType type, Severity severity, Reason reason, String message, Map<String, String> data) {
    String phaseName = status.currentPhase().name().isEmpty() ? null : status.currentPhase().name();
    emitFor(phaseName, type, severity, reason, message, data);
  }

  void emitFor(
      String phaseName,
      EventType type,
      Severity severity,
      Reason reason,
      String message,
      Map<String, String> data) {
    long seq = status.eventSeq() + 1;
    events.add(
        new TrailEvent(
            TrailEvent.id(rollout.name(), generation, seq),
            now,
            rollout.name(),
            generation,
            phaseName,
            type,
            severity,
            reason,
            message,
            data));
    status = status.toBuilder().eventSeq(seq).build();
  }

  ReconcileResult result(Duration requeueAfter) {
    Reason cause = events.isEmpty() ? null : events.get(events.size() - 1).reason();
    status = Progress.annotate(rollout, status, now, cause);
    return new ReconcileResult(status, events, requeueAfter);
  }
}
