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
   * Whether the other event records the same thing: all but the id and the time are equal. A pass
   * run again after a crash re-emits what it decided before with its own time.
   */
  public boolean sameAs(TrailEvent other) {
    return Objects.equals(rollout, other.rollout)
        && generation == other.generation
        && Objects.equals(phase, other.phase)
        && type == other.type
        && severity == other.severity
        && reason == other.reason
        && Objects.equals(message, other.message)
        && data.equals(other.data);
  }
}
