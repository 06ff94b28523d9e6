package dev.snailtrail.trail;

import dev.snailtrail.rollout.Reason;
import java.time.Instant;
import java.util.Map;

/**
 * An immutable record of something the controller saw or did.
 *
 * @param id unique and stable: {@code rollout/generation/sequence}; an event re-emitted after a
 *     crash carries the same id, so stores and sinks can drop the duplicate
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
}
