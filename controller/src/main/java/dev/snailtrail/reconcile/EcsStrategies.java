package dev.snailtrail.reconcile;

import dev.snailtrail.provider.DeploymentStrategy;
import dev.snailtrail.provider.DeploymentStrategy.LifecycleHook;
import dev.snailtrail.provider.DeploymentStrategy.Stage;
import dev.snailtrail.provider.Ecs.ServiceState;
import dev.snailtrail.provider.Providers;
import dev.snailtrail.provider.ServiceRef;
import dev.snailtrail.spec.Phase;
import dev.snailtrail.spec.Target;
import dev.snailtrail.spec.Traffic.EcsStrategy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Which ECS deployment strategy an update of the service goes under. A phase with {@code
 * traffic.mode: ecs} asks for its own, with the spec's lifecycle hook; every other phase, and every
 * rollback, deploys under the strategy the service had before the rollout, so a strategy the
 * rollout set lasts only for the phase that asked for it.
 */
final class EcsStrategies {
  /** The stages the dead-man's switch is called at: ECS calls neither during a rollback. */
  static final List<Stage> HOOK_STAGES =
      List.of(Stage.POST_TEST_TRAFFIC_SHIFT, Stage.POST_PRODUCTION_TRAFFIC_SHIFT);

  private EcsStrategies() {}

  /** The strategy a phase under {@code mode: ecs} asks for, the service's other hooks kept. */
  static DeploymentStrategy wanted(Pass p, Phase phase, ServiceState live) {
    EcsStrategy s = phase.traffic().strategy();
    Target.LifecycleHook hook = p.rollout.spec().target().lifecycleHook();
    List<LifecycleHook> hooks = new ArrayList<>();
    for (LifecycleHook h : live.strategy().hooks()) {
      if (hook == null || !h.targetArn().equals(hook.functionArn())) {
        hooks.add(h);
      }
    }
    if (hook != null) {
      hooks.add(
          new LifecycleHook(
              hook.functionArn(),
              hook.roleArn(),
              HOOK_STAGES,
              Map.of(
                  "rollout",
                  p.rollout.name(),
                  "silenceSeconds",
                  Long.toString(hook.silence().toSeconds()))));
    }
    return new DeploymentStrategy(
        DeploymentStrategy.Kind.valueOf(s.kind().name()),
        s.percent(),
        s.stepBake(),
        s.bake(),
        hooks);
  }

  /**
   * Points the service at a revision for a phase without {@code mode: ecs}, or a rollback: under
   * the strategy the service had before the rollout when one since differs (a phase under {@code
   * mode: ecs} set its own), else leaving the strategy alone.
   */
  static ServiceState update(
      Pass p, Providers providers, ServiceRef ref, ServiceState live, String arn, Integer count) {
    DeploymentStrategy baseline = p.status.baselineStrategy();
    if (baseline != null && live != null && !baseline.equals(live.strategy())) {
      return providers.ecs().updateService(ref, arn, count, baseline);
    }
    return providers.ecs().updateService(ref, arn, count);
  }

  /** In words, for the trail: {@code CANARY 10% for 5m, then 100%}. */
  static String describe(DeploymentStrategy s) {
    String steps =
        switch (s.kind()) {
          case ROLLING -> "ROLLING";
          case BLUE_GREEN -> "BLUE_GREEN: 100% at once";
          case CANARY ->
              "CANARY: "
                  + Math.round(s.percent())
                  + "% for "
                  + dev.snailtrail.spec.Durations.format(s.stepBake())
                  + ", then 100%";
          case LINEAR ->
              "LINEAR: "
                  + Math.round(s.percent())
                  + "% more every "
                  + dev.snailtrail.spec.Durations.format(s.stepBake());
        };
    return s.hooks().isEmpty() ? steps : steps + " (lifecycle hooks: " + s.hooks().size() + ")";
  }
}
