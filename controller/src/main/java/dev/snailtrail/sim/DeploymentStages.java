package dev.snailtrail.sim;

import dev.snailtrail.provider.DeploymentStrategy;
import dev.snailtrail.provider.DeploymentStrategy.LifecycleHook;
import dev.snailtrail.provider.DeploymentStrategy.Stage;
import dev.snailtrail.sim.LifecycleHookTarget.HookAnswer;
import dev.snailtrail.sim.LifecycleHookTarget.HookInvocation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The lifecycle stages of a service deployment, in ECS's order, on the world's clock. Each stage
 * does its work (RECONCILE_SERVICE stops other revisions' tasks, SCALE_UP waits for green to be
 * healthy, the traffic shifts set the listener rules' weights, BAKE_TIME waits, CLEAN_UP stops
 * blue; the others have none), takes at least {@link Timings#DEPLOYMENT_STAGE} unless it waits for
 * something else, then asks the hooks listed for it one by one, and moves on once each has answered
 * SUCCEEDED. A timer set for a stage does nothing once the deployment has moved on or ended.
 */
final class DeploymentStages {
  private final World world;
  private final ServiceDeployments deployments;

  DeploymentStages(World world, ServiceDeployments deployments) {
    this.world = world;
    this.deployments = deployments;
  }

  /** The first stage: RECONCILE_SERVICE when there is something to reconcile, else PRE_SCALE_UP. */
  void begin(SimServiceDeployment sd, boolean reconcile) {
    enter(sd, reconcile ? Stage.RECONCILE_SERVICE : Stage.PRE_SCALE_UP);
  }

  private void enter(SimServiceDeployment sd, Stage stage) {
    sd.stage = stage;
    sd.epoch++;
    sd.worked = false;
    sd.hookIndex = 0;
    sd.carried = Map.of();
    sd.updatedAt = world.now;
    int at = sd.epoch;
    switch (stage) {
      case RECONCILE_SERVICE -> {
        route(sd, 0, sd.testWeight);
        deployments.stopOthers(sd);
        workFor(sd, at, Timings.DEPLOYMENT_STAGE);
      }
      case PRE_SCALE_UP, POST_SCALE_UP, POST_TEST_TRAFFIC_SHIFT, POST_PRODUCTION_TRAFFIC_SHIFT ->
          workFor(sd, at, Timings.DEPLOYMENT_STAGE);
      case SCALE_UP -> {} // the scheduler's pass launches green and says when it is healthy
      case TEST_TRAFFIC_SHIFT -> {
        route(sd, sd.weight, 100);
        workFor(sd, at, Timings.DEPLOYMENT_STAGE);
      }
      case PRODUCTION_TRAFFIC_SHIFT -> shift(sd, at);
      case BAKE_TIME -> {
        Duration bake = sd.strategy.bake();
        workFor(sd, at, bake == null ? Duration.ZERO : bake);
      }
      case CLEAN_UP ->
          deployments.stop(
              sd.service,
              sd.blue,
              "Scaling activity initiated by (service deployment " + sd.arn + ")");
    }
  }

  private void workFor(SimServiceDeployment sd, int at, Duration d) {
    world.after(
        d,
        sd.service,
        () -> {
          if (sd.current(at)) {
            worked(sd);
          }
        });
  }

  /** The stage's own work is done: its hooks are asked, then the next stage begins. */
  void worked(SimServiceDeployment sd) {
    if (!sd.worked) {
      sd.worked = true;
      askHooks(sd, sd.epoch);
    }
  }

  private void next(SimServiceDeployment sd) {
    if (sd.stage == Stage.CLEAN_UP) {
      deployments.succeed(sd);
    } else {
      enter(sd, Stage.values()[sd.stage.ordinal() + 1]);
    }
  }

  /** Sets the production and test rules' weights: these percents to green, the rest to blue. */
  void route(SimServiceDeployment sd, int production, int test) {
    sd.weight = production;
    sd.testWeight = test;
    sd.updatedAt = world.now;
    if (sd.routing == null) {
      return;
    }
    world.rules.split(
        sd.routing.productionListenerRule(), sd.blueTargetGroup, sd.greenTargetGroup, production);
    if (sd.routing.testListenerRule() != null) {
      world.rules.split(
          sd.routing.testListenerRule(), sd.blueTargetGroup, sd.greenTargetGroup, test);
    }
  }

  // ---------------------------------------------------------------- production traffic

  private void shift(SimServiceDeployment sd, int at) {
    if (!sd.current(at)) {
      return;
    }
    List<Integer> steps = steps(sd.strategy);
    route(sd, steps.get(sd.step), sd.testWeight);
    sd.step++;
    if (sd.step < steps.size()) {
      world.after(sd.strategy.stepBake(), sd.service, () -> shift(sd, at));
    } else {
      workFor(sd, at, Timings.DEPLOYMENT_STAGE);
    }
  }

  /**
   * Green's share after each production shift: 100 at once (BLUE_GREEN), the canary's percent then
   * 100 (CANARY), or the step percent more each step up to 100 (LINEAR); whole percents, rounded.
   */
  static List<Integer> steps(DeploymentStrategy st) {
    List<Integer> steps = new ArrayList<>();
    switch (st.kind()) {
      case ROLLING, BLUE_GREEN -> {}
      case CANARY -> steps.add(percent(st.percent()));
      case LINEAR -> {
        for (int k = 1; percent(k * st.percent()) < 100; k++) {
          steps.add(percent(k * st.percent()));
        }
      }
    }
    steps.removeIf(w -> w >= 100);
    steps.add(100);
    return steps;
  }

  private static int percent(double p) {
    return (int) Math.max(1, Math.min(100, Math.round(p)));
  }

  // ---------------------------------------------------------------- hooks

  private void askHooks(SimServiceDeployment sd, int at) {
    if (!sd.current(at)) {
      return;
    }
    List<LifecycleHook> hooks = sd.hooksAt(sd.stage);
    if (sd.hookIndex >= hooks.size()) {
      next(sd);
      return;
    }
    LifecycleHook hook = hooks.get(sd.hookIndex);
    Map<String, String> details = new LinkedHashMap<>(hook.details());
    details.putAll(sd.carried);
    HookInvocation invocation =
        new HookInvocation(
            sd.green.id + "/hook-" + sd.invocations,
            sd.stage,
            sd.arn,
            sd.service.arn,
            SimServiceDeployment.revisionArn(sd.service, sd.green),
            sd.weights(sd.testWeight),
            sd.weights(sd.weight),
            details);
    world.hooks.ask(
        hook.targetArn(),
        invocation,
        sd.arn + "#" + sd.invocations,
        sd.service,
        () -> askHooks(sd, at),
        answer -> answered(sd, at, hook, answer));
  }

  private void answered(SimServiceDeployment sd, int at, LifecycleHook hook, HookAnswer answer) {
    sd.invocations++;
    sd.updatedAt = world.now;
    switch (answer.hookStatus()) {
      case SUCCEEDED -> {
        sd.hookIndex++;
        sd.carried = Map.of();
        askHooks(sd, at);
      }
      case IN_PROGRESS -> {
        sd.carried = answer.hookDetails();
        Duration delay =
            answer.callBackDelay() > 0
                ? Duration.ofSeconds(answer.callBackDelay())
                : Timings.HOOK_CALLBACK;
        world.after(delay, sd.service, () -> askHooks(sd, at));
      }
      case FAILED ->
          deployments.rollback(
              sd,
              "Lifecycle hook "
                  + hook.targetArn()
                  + " answered FAILED at "
                  + sd.stage
                  + (answer.reason() == null ? "." : ": " + answer.reason()));
    }
  }
}
