package dev.snailtrail.trail;

import dev.snailtrail.rollout.Reason;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * An immutable record of something the controller saw or did.
 *
 * @param id unique and stable: {@code rollout/generation/sequence}, the sequence counting a
 *     rollout's events from 1 across its generations; an event re-emitted after a crash carries the
 *     same id, so stores and sinks can drop the duplicate
 * @param phase the phase it concerns, or null
 * @param data small structured facts (revision, gate, from/to phase); never secrets
 */
public record TrailEvent(
    String id,
    Instant time,
    String rollout,
    long generation,
    String phase,
    EventType type,
    Severity severity,
    Reason reason,
    String message,
    Map<String, String> data) {
  public TrailEvent {
    data = Map.copyOf(data);
  }

  /** The id of a rollout's event number {@code sequence}, emitted at spec {@code generation}. */
  public static String id(String rollout, long generation, long sequence) {
    return rollout + "/" + generation + "/" + sequence;
  }

  /** The sequence number: the last part of the id; 0 for an id without one. */
  public long sequence() {
    try {
      return Long.parseLong(id.substring(id.lastIndexOf('/') + 1));
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  /** This event under another sequence number (same rollout and generation). */
  public TrailEvent withSequence(long sequence) {
    return new TrailEvent(
        id(rollout, generation, sequence),
        time,
        rollout,
        generation,
        phase,
        type,
        severity,
        reason,
        message,
        data);
  }

  /**
   * Whether the other event records the same thing: the same rollout, generation, phase, type,
   * severity and reason, and the same facts. The facts are the data; the message is prose written
   * at the moment (a gate's latest value, an elapsed time), so it counts only for an event without
   * data, whose message is all it says. A pass run again after a crash re-emits what it decided
   * before, at its own time and in its own words.
   */
  public boolean sameAs(TrailEvent other) {
    return Objects.equals(rollout, other.rollout)
        && generation == other.generation
        && Objects.equals(phase, other.phase)
        && type == other.type
        && severity == other.severity
        && reason == other.reason
        && data.equals(other.data)
        && (!data.isEmpty() || Objects.equals(message, other.message));
  }
}
