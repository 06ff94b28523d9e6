package dev.snailtrail.provider;

import java.util.List;

/** The VPC facts preflight needs. */
public interface Network {

  /** Subnets by id; unknown ids are absent. */
  List<Subnet> describeSubnets(String region, List<String> subnetIds);

  /** Every route table of the VPC. */
  List<RouteTable> describeRouteTables(String region, String vpcId);

  /** Security groups by id; unknown ids are absent. */
  List<SecurityGroup> describeSecurityGroups(String region, List<String> groupIds);

  /** A subnet. */
  record Subnet(
      String id, String vpcId, String availabilityZone, String cidr, boolean mapPublicIpOnLaunch) {}

  /**
   * A route table.
   *
   * @param main whether this is the VPC's main table (used by subnets with no association)
   * @param subnetIds explicitly associated subnets
   */
  record RouteTable(
      String id, String vpcId, boolean main, List<String> subnetIds, List<Route> routes) {
    public RouteTable {
      subnetIds = List.copyOf(subnetIds);
      routes = List.copyOf(routes);
    }
  }

  /**
   * A route.
   *
   * @param target e.g. igw-…, nat-…, local
   */
  record Route(String destinationCidr, String target) {}

  /** A security group with its inbound rules. */
  record SecurityGroup(String id, String name, String vpcId, List<IngressRule> ingress) {
    public SecurityGroup {
      ingress = List.copyOf(ingress);
    }
  }

  /**
   * An inbound rule: a protocol and port range from CIDRs or other groups.
   *
   * @param protocol tcp, udp, icmp or -1 (all)
   */
  record IngressRule(
      String protocol, int fromPort, int toPort, List<String> cidrs, List<String> sourceGroupIds) {
    public IngressRule {
      cidrs = List.copyOf(cidrs);
      sourceGroupIds = List.copyOf(sourceGroupIds);
    }

    /** Whether the rule admits TCP on this port. */
    public boolean admitsTcp(int port) {
      boolean proto =
          protocol.equals("-1") || protocol.equalsIgnoreCase("tcp") || protocol.equals("6");
      return proto && (protocol.equals("-1") || (fromPort <= port && port <= toPort));
    }
  }
}
