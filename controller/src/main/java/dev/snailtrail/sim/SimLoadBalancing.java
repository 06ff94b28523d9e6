package dev.snailtrail.sim;

import dev.snailtrail.provider.LoadBalancing;
import java.util.List;
import java.util.Optional;

/** The simulator's Elastic Load Balancing v2: target groups, load balancers and weighted rules. */
final class SimLoadBalancing implements LoadBalancing {
  private final Simulator sim;

  SimLoadBalancing(Simulator sim) {
    this.sim = sim;
  }

  @Override
  public List<TargetHealth> describeTargetHealth(String region, String targetGroupArn) {
    return sim.read(w -> PortViews.targetHealth(w.targetGroups, targetGroupArn));
  }

  @Override
  public Optional<TargetGroup> describeTargetGroup(String region, String targetGroupArn) {
    return sim.read(w -> PortViews.targetGroup(w.targetGroups, targetGroupArn));
  }

  @Override
  public List<String> loadBalancerSecurityGroups(String region, String loadBalancerArn) {
    return sim.read(w -> PortViews.loadBalancerSecurityGroups(w.loadBalancers, loadBalancerArn));
  }

  @Override
  public List<WeightedTargetGroup> forwardWeights(String region, String ruleOrListenerArn) {
    return sim.read(world -> world.rules.describe(ruleOrListenerArn));
  }

  @Override
  public void setForwardWeights(
      String region, String ruleOrListenerArn, List<WeightedTargetGroup> groups) {
    sim.apply(now -> new Op.SetForwardWeights(now, region, ruleOrListenerArn, List.copyOf(groups)));
  }
}
