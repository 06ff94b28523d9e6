package dev.snailtrail.reconcile;

import dev.snailtrail.trail.Reason;
import java.time.Instant;

/**
 * A Kubernetes-style condition.
 *
 * @param type Available, Progressing or Paused
 * @param status "True", "False" or "Unknown"
 */
public record Condition(
    String type, String status, Reason reason, String message, Instant lastTransitionTime) {}
