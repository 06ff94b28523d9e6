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
 * @param templateUses which of the gates came from analysis templates, in gate order (empty: every
 *     gate is written in the phase)
 * @param traffic how the phase shifts users to its revision in steps, or null to deploy it to the
 *     service at once
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
    Map<String, String> secrets,
    List<TemplateUse> templateUses,
    Traffic traffic) {
  public Phase {
    images = Map.copyOf(images);
    env = Map.copyOf(env);
    gates = List.copyOf(gates);
    secrets = Map.copyOf(secrets);
    templateUses = List.copyOf(templateUses);
    int next = 0;
    for (TemplateUse u : templateUses) {
      if (u.first() < next || u.first() + u.count() > gates.size()) {
        throw new IllegalArgumentException(
            "template uses must cover gates in order, without overlap, within the phase's "
                + gates.size()
                + " gates: "
                + templateUses);
      }
      next = u.first() + u.count();
    }
  }

  /** A phase that deploys its revision to the service at once, without traffic steps. */
  public Phase(
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
      Map<String, String> secrets,
      List<TemplateUse> templateUses) {
    this(
        name,
        image,
        images,
        env,
        cpu,
        memory,
        desiredCount,
        gates,
        bake,
        approval,
        rollbackTo,
        marker,
        secrets,
        templateUses,
        null);
  }

  /** Whether the phase shifts traffic in steps to a canary service ({@code traffic.mode: alb}). */
  public boolean shiftsTraffic() {
    return traffic != null && traffic.mode() == Traffic.Mode.ALB;
  }

  /** Whether ECS's own deployment strategy shifts the phase's traffic ({@code mode: ecs}). */
  public boolean shiftsTrafficWithEcs() {
    return traffic != null && traffic.mode() == Traffic.Mode.ECS;
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

  /**
   * The name a gate of this phase goes by in status and the trail: {@code kind/index}, the index
   * being the gate's place in the phase's written {@code gates} list; for a gate from a template,
   * {@code use/kind/index}, the index its place in the template ({@code ml-ready/http/0}).
   */
  public String gateName(int index) {
    String kind = gates.get(index).kind();
    int written = index;
    for (TemplateUse u : templateUses) {
      if (u.covers(index)) {
        return u.gateName(index, kind);
      }
      if (u.first() < index) {
        written -= u.count() - 1; // a use is one item of the written list
      }
    }
    return kind + "/" + written;
  }
}
