package dev.snailtrail.doctor;

import dev.snailtrail.provider.Ecs.LoadBalancerBinding;
import dev.snailtrail.provider.Ecs.ServiceState;
import dev.snailtrail.provider.LoadBalancing.TargetGroup;
import dev.snailtrail.provider.LoadBalancing.WeightedTargetGroup;
import dev.snailtrail.provider.ProviderException;
import dev.snailtrail.provider.ServiceRef;
import dev.snailtrail.spec.Rollout;
import dev.snailtrail.spec.Target.TrafficRouting;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * For a rollout with {@code target.traffic}: the rule (or listener) forwards to exactly the stable
 * and the canary target groups, both forward to the container's port, and the canary service exists
 * bound to the canary group. Without it a phase with traffic would pause at its first step.
 */
final class TrafficRoutingCheck implements PreflightCheck {

  @Override
  public Check id() {
    return Check.TrafficRouting;
  }

  @Override
  public boolean perPhase() {
    return false;
  }

  @Override
  public boolean appliesTo(Rollout rollout) {
    return rollout.spec().target().traffic() != null;
  }

  @Override
  public CheckResult run(Inspection in) {
    Facts f = in.facts;
    TrafficRouting r = f.rollout.spec().target().traffic();
    String arn = r.forwardArn();
    List<WeightedTargetGroup> groups;
    try {
      groups = f.providers.loadBalancing().forwardWeights(f.region(), arn);
    } catch (ProviderException e) {
      if (e.kind() != ProviderException.Kind.NOT_FOUND) {
        throw e;
      }
      return in.fail(
          id(),
          "listener rule " + arn + " not found",
          e.getMessage(),
          "Fix target.traffic.listenerRuleArn (or listenerArn), or create the rule with a forward"
              + " action to both target groups.");
    }
    Set<String> forwarded =
        groups.stream().map(WeightedTargetGroup::targetGroupArn).collect(Collectors.toSet());
    if (!forwarded.equals(Set.of(r.stableTargetGroupArn(), r.canaryTargetGroupArn()))) {
      return in.fail(
          id(),
          "the rule does not forward to exactly the stable and the canary target groups",
          "it forwards to " + (forwarded.isEmpty() ? "no target group" : forwarded),
          "Give the rule one forward action with two weighted target groups (stable 100, canary"
              + " 0): aws elbv2 modify-rule --rule-arn "
              + arn
              + " --actions Type=forward,ForwardConfig=...");
    }
    Optional<CheckResult> ports = ports(in, r);
    if (ports.isPresent()) {
      return ports.get();
    }
    ServiceRef canary = new ServiceRef(f.region(), f.ref.cluster(), r.canaryService());
    Optional<ServiceState> service = f.providers.ecs().describeService(canary);
    if (service.isEmpty()) {
      return in.fail(
          id(),
          "canary service " + r.canaryService() + " not found in cluster " + f.ref.cluster(),
          "DescribeServices found no ACTIVE service " + r.canaryService(),
          "Create it with 0 tasks, registered with "
              + r.canaryTargetGroupArn()
              + " on the container's port; the controller gives it the phase's revision and count.");
    }
    boolean bound =
        service.get().loadBalancers().stream()
            .map(LoadBalancerBinding::targetGroupArn)
            .anyMatch(r.canaryTargetGroupArn()::equals);
    if (!bound) {
      return in.fail(
          id(),
          "canary service " + r.canaryService() + " is not registered with the canary target group",
          "its target groups: " + service.get().loadBalancers(),
          "Recreate the canary service with loadBalancers targetGroupArn="
              + r.canaryTargetGroupArn()
              + ".");
    }
    return in.pass(
        id(),
        "the rule forwards to " + f.ref.service() + " and " + r.canaryService() + " by weight",
        "rule " + arn + "; weights " + groups);
  }

  private static Optional<CheckResult> ports(Inspection in, TrafficRouting r) {
    Facts f = in.facts;
    int port = f.mainPort();
    for (String tg : List.of(r.stableTargetGroupArn(), r.canaryTargetGroupArn())) {
      Optional<TargetGroup> group = f.targetGroup(tg);
      if (group.isEmpty()) {
        return Optional.of(
            in.fail(
                Check.TrafficRouting,
                "target group " + tg + " not found",
                "DescribeTargetGroups found no " + tg,
                "Fix target.traffic, or create the target group."));
      }
      if (port > 0 && group.get().port() != port) {
        return Optional.of(
            in.fail(
                Check.TrafficRouting,
                "container "
                    + f.mainContainer()
                    + " listens on "
                    + port
                    + " but target group "
                    + group.get().name()
                    + " forwards to "
                    + group.get().port(),
                "target group " + tg + " port " + group.get().port(),
                "Make both target groups forward to the container's port " + port + "."));
      }
    }
    return Optional.empty();
  }
}
