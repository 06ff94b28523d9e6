package dev.snailtrail.sim;

import dev.snailtrail.provider.Network;
import java.util.List;

/** The simulator's EC2: subnets, route tables and security groups. */
final class SimNetwork implements Network {
  private final Simulator sim;

  SimNetwork(Simulator sim) {
    this.sim = sim;
  }

  @Override
  public List<Subnet> describeSubnets(String region, List<String> subnetIds) {
    return sim.read(w -> subnetIds.stream().map(w.subnets::get).filter(s -> s != null).toList());
  }

  @Override
  public List<RouteTable> describeRouteTables(String region, String vpcId) {
    return sim.read(
        w -> w.routeTables.values().stream().filter(rt -> rt.vpcId().equals(vpcId)).toList());
  }

  @Override
  public List<SecurityGroup> describeSecurityGroups(String region, List<String> groupIds) {
    return sim.read(
        w -> groupIds.stream().map(w.securityGroups::get).filter(g -> g != null).toList());
  }
}
