package dev.snailtrail.sim;

import dev.snailtrail.provider.Ecs.PortMapping;
import dev.snailtrail.provider.LaunchType;
import dev.snailtrail.provider.Network.RouteTable;
import dev.snailtrail.provider.Network.Subnet;
import dev.snailtrail.provider.NetworkMode;
import dev.snailtrail.provider.TaskDefinition;
import dev.snailtrail.provider.TaskDefinitionSpec.ContainerDefinition;
import java.util.ArrayList;
import java.util.List;

/**
 * Where a task sits on the network: the subnet, addresses and host port bindings it gets at launch,
 * and whether its subnet routes to an image registry.
 */
final class TaskNetwork {
  private final World world;

  TaskNetwork(World world) {
    this.world = world;
  }

  /** What a launched task is given. */
  record Addresses(
      String subnetId, String privateIp, String publicIp, List<PortMapping> bindings) {}

  private static boolean awsvpc(TaskDefinition td) {
    return td.spec().networkMode() == null || td.spec().networkMode() == NetworkMode.AWSVPC;
  }

  /**
   * The next task's place: under awsvpc a private IP in the service's next subnet (and a public one
   * on Fargate when the service assigns it), else host port bindings.
   */
  Addresses assign(SimService s, TaskDefinition td, ContainerDefinition main) {
    boolean vpc = awsvpc(td);
    String subnet = null;
    int n = world.ipCounter++;
    if (s.network != null && !s.network.subnets().isEmpty()) {
      subnet = s.network.subnets().get(n % s.network.subnets().size());
    }
    String privateIp = vpc ? privateIp(subnet, n) : null;
    String publicIp =
        vpc && s.network != null && s.network.assignPublicIp() && s.launchType == LaunchType.FARGATE
            ? (3 + world.random.nextInt(50))
                + "."
                + world.random.nextInt(256)
                + "."
                + world.random.nextInt(256)
                + "."
                + (1 + world.random.nextInt(254))
            : null;
    List<PortMapping> bindings = new ArrayList<>();
    if (!vpc) {
      for (PortMapping m : main.portMappings()) {
        bindings.add(
            new PortMapping(
                m.containerPort(), m.hostPort() != 0 ? m.hostPort() : 32768 + n % 28000, "tcp"));
      }
    }
    return new Addresses(subnet, privateIp, publicIp, bindings);
  }

  private String privateIp(String subnetId, int n) {
    int third = 0;
    Subnet subnet = subnetId == null ? null : world.subnets.get(subnetId);
    if (subnet != null) {
      String[] octets = subnet.cidr().split("[./]");
      third = Integer.parseInt(octets[2]);
    } else if (subnetId != null) {
      third = Math.floorMod(subnetId.hashCode(), 200);
    }
    return "10.0." + third + "." + (10 + n % 240);
  }

  /**
   * Whether the task's subnet can reach a registry: a default route through a NAT gateway, or
   * through an internet gateway when the task has a public IP. Subnets the simulator does not know
   * are assumed to route.
   */
  boolean registryReachable(SimTask t) {
    if (t.subnetId == null || !world.subnets.containsKey(t.subnetId)) {
      return true;
    }
    RouteTable table = routeTableOf(world.subnets.get(t.subnetId));
    if (table == null) {
      return true;
    }
    for (var route : table.routes()) {
      if (route.destinationCidr().equals("0.0.0.0/0")) {
        if (route.target().startsWith("nat-")) {
          return true;
        }
        if (route.target().startsWith("igw-")) {
          return t.publicIp != null;
        }
      }
    }
    return false;
  }

  private RouteTable routeTableOf(Subnet subnet) {
    RouteTable main = null;
    for (RouteTable rt : world.routeTables.values()) {
      if (rt.subnetIds().contains(subnet.id())) {
        return rt;
      }
      if (rt.main() && rt.vpcId().equals(subnet.vpcId())) {
        main = rt;
      }
    }
    return main;
  }
}
