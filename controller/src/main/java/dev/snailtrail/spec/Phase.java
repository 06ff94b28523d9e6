package dev.snailtrail.spec;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * One target state of the service and the gates it must pass.
 *
 * @param name unique within the rollout
 * @param image image of the template's main container
 * @param images images of other containers by container name (sidecars)
 * @param env environment of the main container, merged over the template's
 * @param cpu task CPU units, or 0 to keep the template's
 * @param memory task memory in MiB, or 0 to keep the template's
 * @param desiredCount tasks to run, or null to keep the service's own count (what it runs, or what
 *     Application Auto Scaling sets)
 * @param gates health checks that must hold before the phase is done
 * @param bake how long gates must keep holding after they first pass
 * @param approval {@link Approval#MANUAL} pauses before the phase until promoted
 * @param rollbackTo the phase to return to when this one fails, or null for the previous phase (the
 *     baseline for the first)
 * @param marker the sentence the trail prints when the phase completes, or null
 * @param secrets secrets of the main container, name to {@code valueFrom}, merged over the
 *     template's
 */
public record Phase(
    String name,
    ImageRef image,
    Map<String, ImageRef> images,
    Map<String, String> env,
    int cpu,
    int memory,
    Integer desiredCount,
    List<Gate> gates,
    Duration bake,
    Approval approval,
    String rollbackTo,
    String marker,
    Map<String, String> secrets) {
  public Phase {
    images = Map.copyOf(images);
    env = Map.copyOf(env);
    gates = List.copyOf(gates);
    secrets = Map.copyOf(secrets);
  }

  /** Whether the phase sets the service's task count (without one it keeps the service's). */
  public boolean setsDesiredCount() {
    return desiredCount != null;
  }

  /** Whether a person must approve before the phase starts. */
  public enum Approval {
    NONE,
    MANUAL
  }

  /** The name a gate of this phase goes by in status and the trail: {@code kind/index}. */
  public String gateName(int index) {
    return gates.get(index).kind() + "/" + index;
  }
}
