package dev.snailtrail.doctor;

import dev.snailtrail.provider.Ecs.BlueGreenRouting;
import dev.snailtrail.provider.Ecs.LoadBalancerBinding;
import dev.snailtrail.provider.Ecs.ServiceState;
import dev.snailtrail.provider.LoadBalancing.TargetGroup;
import dev.snailtrail.provider.LoadBalancing.WeightedTargetGroup;
import dev.snailtrail.provider.ProviderException;
import dev.snailtrail.spec.Phase;
import dev.snailtrail.spec.Rollout;
import dev.snailtrail.spec.Target;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * For a rollout with a phase under {@code traffic.mode: ecs}: the service has the routing ECS's
 * blue/green, linear and canary deployments move traffic with (an alternate target group and a
 * production listener rule on its load balancer), the rule forwards to the two groups, the
 * alternate group forwards to the container's port, and the dead-man's switch is configured.
 * Without the routing such a phase would pause before it deploys.
 */
final class BlueGreenRoutingCheck implements PreflightCheck {

  @Override
  public Check id() {
    return Check.BlueGreenRouting;
  }

  @Override
  public boolean perPhase() {
    return false;
  }

  @Override
  public boolean appliesTo(Rollout rollout) {
    return rollout.spec().phases().stream().anyMatch(Phase::shiftsTrafficWithEcs);
  }

  @Override
  public CheckResult run(Inspection in) {
    Facts f = in.facts;
    Optional<ServiceState> service = f.service();
    LoadBalancerBinding binding =
        service.isPresent() ? routed(service.get()) : created(f.rollout.spec().target());
    if (binding == null && service.isEmpty()) {
      return in.fail(
          id(),
          "service " + f.ref.service() + " not found, and the spec gives no blue/green routing",
          "DescribeServices found no ACTIVE service " + f.ref.service(),
          "Create the service with its load balancer's advancedConfiguration, or let the rollout"
              + " create it with spec.target.loadBalancers[].blueGreen.");
    }
    if (binding == null) {
      return in.fail(
          id(),
          "service " + f.ref.service() + " has no blue/green routing",
          "its load balancers: " + service.get().loadBalancers(),
          "Give the service's load balancer an advancedConfiguration (alternateTargetGroupArn,"
              + " productionListenerRule, roleArn): aws ecs update-service --load-balancers"
              + " 'targetGroupArn=...,containerName=...,containerPort=...,advancedConfiguration="
              + "{alternateTargetGroupArn=...,productionListenerRule=...,roleArn=...}'");
    }
    BlueGreenRouting r = binding.blueGreen();
    Set<String> groups = Set.of(binding.targetGroupArn(), r.alternateTargetGroupArn());
    Set<String> forwarded;
    try {
      forwarded =
          f
              .providers
              .loadBalancing()
              .forwardWeights(f.region(), r.productionListenerRule())
              .stream()
              .map(WeightedTargetGroup::targetGroupArn)
              .collect(Collectors.toSet());
    } catch (ProviderException e) {
      if (e.kind() != ProviderException.Kind.NOT_FOUND) {
        throw e;
      }
      return in.fail(
          id(),
          "production listener rule " + r.productionListenerRule() + " not found",
          e.getMessage(),
          "Fix the service's advancedConfiguration.productionListenerRule, or create the rule"
              + " with a forward action to both target groups.");
    }
    if (!forwarded.equals(groups)) {
      return in.fail(
          id(),
          "the production rule does not forward to exactly the service's two target groups",
          "it forwards to " + (forwarded.isEmpty() ? "no target group" : forwarded),
          "Give the rule one forward action with " + groups + " (the serving one at 100).");
    }
    Optional<CheckResult> unfit = portAndHook(in, r);
    if (unfit.isPresent()) {
      return unfit.get();
    }
    return in.pass(
        id(),
        "ECS moves traffic between " + groups.size() + " target groups on the production rule",
        "rule "
            + r.productionListenerRule()
            + "; hook "
            + f.rollout.spec().target().lifecycleHook().functionArn());
  }

  private static LoadBalancerBinding routed(ServiceState s) {
    return s.loadBalancers().stream().filter(b -> b.blueGreen() != null).findFirst().orElse(null);
  }

  /** The routing a service the rollout creates will have: its spec's first load balancer's. */
  private static LoadBalancerBinding created(Target t) {
    if (!t.createIfMissing() || t.loadBalancers().isEmpty()) {
      return null;
    }
    Target.LoadBalancer lb = t.loadBalancers().get(0);
    return lb.blueGreen() == null
        ? null
        : new LoadBalancerBinding(
            lb.targetGroupArn(),
            lb.containerName(),
            lb.containerPort(),
            BlueGreenRouting.of(lb.blueGreen()));
  }

  private Optional<CheckResult> portAndHook(Inspection in, BlueGreenRouting r) {
    Facts f = in.facts;
    int port = f.mainPort();
    Optional<TargetGroup> alternate = f.targetGroup(r.alternateTargetGroupArn());
    if (alternate.isEmpty() || (port > 0 && alternate.get().port() != port)) {
      return Optional.of(
          in.fail(
              id(),
              alternate.isEmpty()
                  ? "alternate target group " + r.alternateTargetGroupArn() + " not found"
                  : "the alternate target group forwards to "
                      + alternate.get().port()
                      + ", the container listens on "
                      + port,
              "alternate target group " + r.alternateTargetGroupArn(),
              "Make the alternate target group forward to the container's port " + port + "."));
    }
    if (f.rollout.spec().target().lifecycleHook() == null) {
      return Optional.of(
          in.warn(
              id(),
              "no dead-man's switch: ECS finishes a deployment by itself if the controller stops",
              "spec.target.lifecycleHook is not set",
              "Deploy deploy/lambda/snailtrail-hook and give its ARN and invoke role in"
                  + " spec.target.lifecycleHook."));
    }
    return Optional.empty();
  }
}
