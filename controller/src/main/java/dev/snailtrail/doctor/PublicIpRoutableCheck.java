package dev.snailtrail.doctor;

import dev.snailtrail.provider.Ecs.NetworkConfig;
import dev.snailtrail.provider.LaunchType;
import dev.snailtrail.provider.Network.Route;
import dev.snailtrail.provider.Network.RouteTable;
import dev.snailtrail.provider.Network.Subnet;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Check 6: tasks meant to get a public IP get one and can use it. The story's fifth blocker: tasks
 * never got a public IP although the VPC "looked right". EC2-launch tasks never get one; a subnet
 * is public only through a 0.0.0.0/0 route to an internet gateway in the route table it uses (its
 * associated one, else the main one). MapPublicIpOnLaunch decides neither.
 */
final class PublicIpRoutableCheck implements PreflightCheck {

  @Override
  public Check id() {
    return Check.PublicIpRoutable;
  }

  @Override
  public boolean perPhase() {
    return false;
  }

  @Override
  public CheckResult run(Inspection in) {
    Facts f = in.facts;
    NetworkConfig net = f.network();
    if (net == null || !f.awsvpc()) {
      return in.skipped(id(), "no awsvpc network configuration: no public IP to assign", "");
    }
    if (!net.assignPublicIp()) {
      return in.skipped(
          id(),
          "assignPublicIp is DISABLED",
          "tasks reach ECR through a NAT gateway or VPC endpoints (not checked)");
    }
    LaunchType launch = f.launchType();
    if (launch != null && launch != LaunchType.FARGATE) {
      return in.fail(
          id(),
          "assignPublicIp is ENABLED but the launch type is "
              + launch
              + ": tasks on EC2 never get a public IP",
          "launch type " + launch + ", assignPublicIp ENABLED",
          "Use launchType FARGATE (template.launchType), or turn assignPublicIp off and route the"
              + " subnets through a NAT gateway.");
    }
    List<Subnet> subnets = f.subnets(net.subnets());
    Set<String> known = subnets.stream().map(Subnet::id).collect(Collectors.toSet());
    for (String id : net.subnets()) {
      if (!known.contains(id)) {
        return in.fail(
            id(),
            "subnet " + id + " does not exist",
            "the service's network names " + net.subnets(),
            "Fix target.network.subnets (or the service's network configuration).");
      }
    }
    List<String> routed = new ArrayList<>();
    for (Subnet s : subnets) {
      List<RouteTable> tables = f.routeTables(s.vpcId());
      RouteTable table = tableOf(s.id(), tables);
      String igw = table == null ? null : internetRoute(table);
      if (igw == null) {
        return noInternetRoute(in, s, table, tables);
      }
      routed.add(s.id() + " → " + igw + " via " + table.id());
    }
    return in.pass(
        id(),
        (launch == null ? "" : launch + " ")
            + "tasks get public IPs; every subnet routes 0.0.0.0/0 to an internet gateway",
        String.join(", ", routed));
  }

  /**
   * A subnet whose route table ({@code table}, null when there is none) has no 0.0.0.0/0 route to
   * an internet gateway: what it routes instead, and the route to add.
   */
  private CheckResult noInternetRoute(
      Inspection in, Subnet s, RouteTable table, List<RouteTable> tables) {
    String which =
        table == null
            ? "no route table"
            : (table.subnetIds().contains(s.id()) ? "route table " : "the main route table ")
                + table.id();
    String route = table == null ? "" : defaultRoute(table);
    String gateway = anyGateway(tables);
    return in.fail(
        id(),
        "subnet "
            + s.id()
            + " has no 0.0.0.0/0 route to an internet gateway: tasks cannot pull images",
        s.id()
            + " uses "
            + which
            + route
            + (s.mapPublicIpOnLaunch()
                ? "; MapPublicIpOnLaunch is true, but that does not make the subnet public"
                    + " without the route"
                : ""),
        table == null
            ? "Associate a route table with a 0.0.0.0/0 route to an internet gateway with "
                + s.id()
                + "."
            : "Add the route: aws ec2 create-route --route-table-id "
                + table.id()
                + " --destination-cidr-block 0.0.0.0/0 --gateway-id "
                + (gateway == null
                    ? "<an internet gateway attached to " + s.vpcId() + ">"
                    : gateway)
                + " --region "
                + in.facts.region()
                + (table.subnetIds().contains(s.id())
                    ? ""
                    : " (or associate " + s.id() + " with a route table that has it)"));
  }

  /** The table a subnet uses: its explicit association, else the VPC's main table. */
  static RouteTable tableOf(String subnet, List<RouteTable> tables) {
    for (RouteTable t : tables) {
      if (t.subnetIds().contains(subnet)) {
        return t;
      }
    }
    return tables.stream().filter(RouteTable::main).findFirst().orElse(null);
  }

  private static String internetRoute(RouteTable t) {
    for (Route r : t.routes()) {
      if ("0.0.0.0/0".equals(r.destinationCidr())
          && r.target() != null
          && r.target().startsWith("igw-")) {
        return r.target();
      }
    }
    return null;
  }

  private static String defaultRoute(RouteTable t) {
    return t.routes().stream()
        .filter(r -> "0.0.0.0/0".equals(r.destinationCidr()))
        .map(r -> " whose 0.0.0.0/0 goes to " + r.target())
        .findFirst()
        .orElse(" with no 0.0.0.0/0 route");
  }

  private static String anyGateway(List<RouteTable> tables) {
    for (RouteTable t : tables) {
      String igw = internetRoute(t);
      if (igw != null) {
        return igw;
      }
    }
    return null;
  }
}
