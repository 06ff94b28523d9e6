package dev.snailtrail.store;

import dev.snailtrail.rollout.RolloutStatus;
import dev.snailtrail.spec.Rollout;
import java.time.Instant;

/**
 * A rollout as the store holds it.
 *
 * @param generation moves when the spec changes
 * @param resourceVersion moves on every write (spec or status); status writes must name it
 */
public record StoredRollout(
    String name,
    long generation,
    long resourceVersion,
    Rollout spec,
    RolloutStatus status,
    Instant createdAt,
    Instant updatedAt) {}
