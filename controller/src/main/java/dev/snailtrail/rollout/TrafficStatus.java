package dev.snailtrail.rollout;

import java.time.Instant;

/**
 * Where a phase that shifts traffic is ({@code status.traffic}).
 *
 * @param step the index of the traffic step under way; the number of steps once they are all done
 *     and the stable service takes the revision
 * @param weight the percent of requests the rule sends to the canary (under {@code mode: ecs}, to
 *     the new revision), as last set or seen
 * @param stepStartedAt when the step under way began (a pause ends this long after it)
 * @param ecs under {@code mode: ecs}: the service deployment and the verdict its lifecycle hook
 *     reads; null under {@code mode: alb}
 */
public record TrafficStatus(int step, int weight, Instant stepStartedAt, EcsShift ecs) {
  /** Before the first step: the canary deployed, no request sent to it. */
  public static TrafficStatus start(Instant now) {
    return new TrafficStatus(0, 0, now, null);
  }

  /** The next step, begun {@code now}, with the weight it leaves. */
  public TrafficStatus next(int weight, Instant now) {
    return new TrafficStatus(step + 1, weight, now, ecs);
  }

  /** The weight as set (after a rollback puts everything on stable, say). */
  public TrafficStatus withWeight(int weight) {
    return new TrafficStatus(step, weight, stepStartedAt, ecs);
  }

  /** The same with this ECS deployment's state. */
  public TrafficStatus withEcs(EcsShift newEcs) {
    return new TrafficStatus(step, weight, stepStartedAt, newEcs);
  }

  /**
   * An ECS blue/green, linear or canary deployment under way, and what the controller says of it.
   * The dead-man's switch (the lifecycle hook in {@code deploy/lambda/}) reads {@code verdict} and
   * {@code verdictAt} from the store: SUCCEEDED lets ECS finish, FAILED makes it roll back, and a
   * verdict not confirmed for longer than the hook's silence limit counts as FAILED.
   *
   * @param deployment the service deployment's ARN, or null until ECS names it
   * @param verdict what the controller says
   * @param verdictAt when the controller last said it (every pass while it analyses)
   * @param blueTargetGroup the target group that served production before the deployment: the new
   *     revision's weight is the rest
   */
  public record EcsShift(
      String deployment, HookVerdict verdict, Instant verdictAt, String blueTargetGroup) {
    /** A verdict with no target group known. */
    public EcsShift(String deployment, HookVerdict verdict, Instant verdictAt) {
      this(deployment, verdict, verdictAt, null);
    }

    /** The same deployment with this verdict, said {@code at}. */
    public EcsShift say(HookVerdict newVerdict, Instant at) {
      return new EcsShift(deployment, newVerdict, at, blueTargetGroup);
    }
  }

  /** The controller's word on an ECS deployment, as its lifecycle hook reads it. */
  public enum HookVerdict {
    /** The gates are being measured: hold at the hook's hold stage, go on before it. */
    ANALYSING,
    /** The gates held: ECS may finish the deployment. */
    SUCCEEDED,
    /** A gate failed (or the rollout rolls back): ECS rolls back. */
    FAILED
  }
}
