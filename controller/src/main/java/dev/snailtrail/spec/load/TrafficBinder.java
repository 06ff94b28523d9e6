package dev.snailtrail.spec.load;

import dev.snailtrail.spec.Target;
import dev.snailtrail.spec.Target.TrafficRouting;
import dev.snailtrail.spec.Traffic;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/** Reads a phase's {@code traffic} and {@code target.traffic}, the routing it shifts through. */
final class TrafficBinder {
  static final Set<String> KEYS = Set.of("mode", "steps");
  static final Set<String> STEP_KEYS = Set.of("setWeight", "pause");
  static final Set<String> ROUTING_KEYS =
      Set.of(
          "listenerRuleArn",
          "listenerArn",
          "stableTargetGroupArn",
          "canaryTargetGroupArn",
          "canaryService");

  static final Pattern LISTENER_RULE_ARN =
      Pattern.compile(
          "arn:aws[a-z-]*:elasticloadbalancing:[a-z0-9-]+:\\d{12}:listener-rule/app/[^/]+/[^/]+/[^/]+/[^/]+");
  static final Pattern LISTENER_ARN =
      Pattern.compile(
          "arn:aws[a-z-]*:elasticloadbalancing:[a-z0-9-]+:\\d{12}:listener/app/[^/]+/[^/]+/[^/]+");

  private TrafficBinder() {}

  /**
   * A phase's {@code traffic}; problems are reported where they are.
   *
   * @param target the bound target, for the routing a phase with traffic needs
   */
  static Traffic bind(Value value, Target target) {
    Fields f = value.fields(KEYS);
    if (f == null) {
      return null;
    }
    Traffic.Mode mode = mode(f.require("mode"));
    if (mode == Traffic.Mode.ECS) {
      Value stepsValue = f.get("steps");
      List<Value> items = stepsValue == null ? List.of() : stepsValue.items();
      List<Traffic.Step> steps =
          items == null ? null : items.isEmpty() ? List.of() : steps(stepsValue);
      Traffic.EcsStrategy strategy =
          steps == null ? null : EcsSteps.derive(stepsValue == null ? value : stepsValue, steps);
      return strategy == null ? null : new Traffic(mode, steps, strategy);
    }
    List<Traffic.Step> steps = steps(f.require("steps"));
    if (mode == Traffic.Mode.ALB && target != null && target.traffic() == null) {
      value.problem(
          "a phase with traffic shifts it through spec.target.traffic: give its listenerRuleArn"
              + " (or listenerArn), stableTargetGroupArn, canaryTargetGroupArn and canaryService");
    }
    return mode == null || steps == null ? null : new Traffic(mode, steps);
  }

  private static Traffic.Mode mode(Value v) {
    String s = v == null ? null : v.string();
    if (s == null) {
      return null;
    }
    return switch (s) {
      case "alb" -> Traffic.Mode.ALB;
      case "ecs" -> Traffic.Mode.ECS;
      default -> {
        v.problem("'" + s + "' is not a traffic mode; expected alb or ecs");
        yield null;
      }
    };
  }

  private static List<Traffic.Step> steps(Value value) {
    List<Value> items = value == null ? null : value.items();
    if (items == null) {
      return null;
    }
    if (items.isEmpty()) {
      value.problem("give at least one step, e.g. - setWeight: 10");
      return null;
    }
    List<Traffic.Step> steps = new ArrayList<>();
    boolean ok = true;
    int lastWeight = -1;
    Traffic.Step previous = null;
    for (Value item : items) {
      Traffic.Step step = step(item, lastWeight, previous);
      if (step == null) {
        ok = false;
        continue;
      }
      if (step instanceof Traffic.SetWeight w) {
        lastWeight = w.weight();
      }
      steps.add(step);
      previous = step;
    }
    if (ok && lastWeight < 0) {
      value.problem("the steps set no weight; give at least one setWeight");
      return null;
    }
    return ok ? steps : null;
  }

  private static Traffic.Step step(Value item, int lastWeight, Traffic.Step previous) {
    Fields f = item.fields(STEP_KEYS);
    if (f == null) {
      return null;
    }
    if (f.keys().size() != 1) {
      item.problem("a step is one of setWeight: PERCENT or pause: DURATION");
      return null;
    }
    if (f.has("setWeight")) {
      Integer w = f.integer("setWeight");
      if (w == null) {
        return null;
      }
      if (w < 0 || w > 100) {
        f.problem("setWeight", "a weight is a percentage, 0 to 100; found " + w);
        return null;
      }
      if (w <= lastWeight) {
        f.problem(
            "setWeight",
            "weights only increase: " + w + " after " + lastWeight + " (a failure rolls back)");
        return null;
      }
      return new Traffic.SetWeight(w);
    }
    Value v = f.get("pause");
    Duration d = v.duration();
    if (d == null) {
      return null;
    }
    if (d.isZero() || d.isNegative()) {
      v.problem("a pause must be positive");
      return null;
    }
    if (!(previous instanceof Traffic.SetWeight)) {
      v.problem("a pause holds the weight set before it: put a setWeight before this pause");
      return null;
    }
    return new Traffic.Pause(d);
  }

  /** {@code target.traffic}, or null when absent or wrong. */
  static TrafficRouting routing(Value value, String service) {
    if (value == null) {
      return null;
    }
    Fields f = value.fields(ROUTING_KEYS);
    if (f == null) {
      return null;
    }
    String rule = arn(f, "listenerRuleArn", LISTENER_RULE_ARN, "an ALB listener rule ARN");
    String listener = arn(f, "listenerArn", LISTENER_ARN, "an ALB listener ARN");
    if (f.has("listenerRuleArn") == f.has("listenerArn")) {
      value.problem(
          "give one of listenerRuleArn (a rule whose forward action is weighted) or listenerArn"
              + " (its default action)");
    }
    String stable = targetGroup(f, "stableTargetGroupArn");
    String canary = targetGroup(f, "canaryTargetGroupArn");
    if (stable != null && stable.equals(canary)) {
      f.problem("canaryTargetGroupArn", "the canary needs a target group of its own");
    }
    String canaryService = f.requiredString("canaryService");
    if (canaryService != null && !Formats.ECS_NAME.matcher(canaryService).matches()) {
      f.problem("canaryService", "'" + canaryService + "' is not a valid service name");
      canaryService = null;
    } else if (canaryService != null && canaryService.equals(service)) {
      f.problem("canaryService", "the canary is a service of its own, not target.service");
      canaryService = null;
    }
    if ((rule == null && listener == null) || stable == null || canary == null) {
      return null;
    }
    return canaryService == null
        ? null
        : new TrafficRouting(rule, listener, stable, canary, canaryService);
  }

  private static String targetGroup(Fields f, String key) {
    Value v = f.require(key);
    String s = v == null ? null : v.string();
    if (s != null && !Formats.TARGET_GROUP_ARN.matcher(s).matches()) {
      v.problem(
          "'"
              + s
              + "' is not a target group ARN"
              + " (arn:aws:elasticloadbalancing:REGION:ACCOUNT:targetgroup/NAME/ID)");
      return null;
    }
    return s;
  }

  private static String arn(Fields f, String key, Pattern pattern, String what) {
    Value v = f.get(key);
    String s = v == null ? null : v.string();
    if (s != null && !pattern.matcher(s).matches()) {
      v.problem("'" + s + "' is not " + what);
      return null;
    }
    return s;
  }

  static final Set<String> HOOK_KEYS = Set.of("functionArn", "roleArn", "silence");
  static final Pattern LAMBDA_ARN =
      Pattern.compile("arn:aws[a-z-]*:lambda:[a-z0-9-]+:\\d{12}:function:[A-Za-z0-9_-]{1,64}");

  /** The silence a lifecycle hook allows the controller when the spec gives none. */
  static final Duration DEFAULT_SILENCE = Duration.ofMinutes(2);

  /** {@code target.lifecycleHook}, or null when absent or wrong. */
  static Target.LifecycleHook hook(Value value) {
    if (value == null) {
      return null;
    }
    Fields f = value.fields(HOOK_KEYS);
    if (f == null) {
      return null;
    }
    Value fn = f.require("functionArn");
    String function = fn == null ? null : fn.string();
    if (function != null && !LAMBDA_ARN.matcher(function).matches()) {
      fn.problem(
          "'"
              + function
              + "' is not a Lambda function ARN"
              + " (arn:aws:lambda:REGION:ACCOUNT:function:NAME, the snailtrail-hook function of"
              + " deploy/lambda)");
      function = null;
    }
    Value r = f.require("roleArn");
    String role = r == null ? null : r.string();
    if (role != null && !Formats.ROLE_ARN.matcher(role).matches()) {
      r.problem("'" + role + "' is not an IAM role ARN (the role ECS assumes to invoke the hook)");
      role = null;
    }
    Duration silence = DEFAULT_SILENCE;
    Value sv = f.get("silence");
    if (sv != null) {
      silence = sv.duration();
      if (silence != null && silence.compareTo(Duration.ofSeconds(30)) < 0) {
        sv.problem(
            "the controller confirms its verdict every pass: allow it at least 30s of silence"
                + " before the hook fails the deployment");
        silence = null;
      }
    }
    return function == null || role == null || silence == null
        ? null
        : new Target.LifecycleHook(function, role, silence);
  }
}
