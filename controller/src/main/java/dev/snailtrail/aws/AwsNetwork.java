package dev.snailtrail.aws;

import dev.snailtrail.provider.Network;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.DescribeRouteTablesResponse;
import software.amazon.awssdk.services.ec2.model.DescribeSecurityGroupsResponse;
import software.amazon.awssdk.services.ec2.model.DescribeSubnetsResponse;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.IpPermission;
import software.amazon.awssdk.services.ec2.model.IpRange;
import software.amazon.awssdk.services.ec2.model.Ipv6Range;
import software.amazon.awssdk.services.ec2.model.RouteTableAssociation;
import software.amazon.awssdk.services.ec2.model.UserIdGroupPair;

/**
 * {@link Network} on Amazon EC2. Ids are passed as filters, not as id lists: EC2 fails a whole
 * request naming an unknown id, while the port promises unknown ids are merely absent.
 */
final class AwsNetwork implements Network {

  private static final String EC2 = "ec2";

  private final ClientCache clients;
  private final AwsCalls calls;
  private final AssumedRole role;

  AwsNetwork(ClientCache clients, AwsCalls calls, AssumedRole role) {
    this.clients = clients;
    this.calls = calls;
    this.role = role;
  }

  @Override
  public List<Subnet> describeSubnets(String region, List<String> subnetIds) {
    if (subnetIds.isEmpty()) {
      return List.of(); // an empty filter would match every subnet
    }
    Ec2Client ec2 = clients.ec2(region, role);
    List<Subnet> subnets = new ArrayList<>();
    String token = null;
    do {
      String page = token;
      DescribeSubnetsResponse response =
          calls.call(
              EC2,
              "DescribeSubnets",
              () ->
                  ec2.describeSubnets(
                      r ->
                          r.filters(Filter.builder().name("subnet-id").values(subnetIds).build())
                              .nextToken(page)));
      for (var s : response.subnets()) {
        subnets.add(
            new Subnet(
                s.subnetId(),
                s.vpcId(),
                s.availabilityZone(),
                s.cidrBlock(),
                Boolean.TRUE.equals(s.mapPublicIpOnLaunch())));
      }
      token = response.nextToken();
    } while (token != null);
    return subnets;
  }

  @Override
  public List<RouteTable> describeRouteTables(String region, String vpcId) {
    Ec2Client ec2 = clients.ec2(region, role);
    List<RouteTable> tables = new ArrayList<>();
    String token = null;
    do {
      String page = token;
      DescribeRouteTablesResponse response =
          calls.call(
              EC2,
              "DescribeRouteTables",
              () ->
                  ec2.describeRouteTables(
                      r ->
                          r.filters(Filter.builder().name("vpc-id").values(vpcId).build())
                              .nextToken(page)));
      for (var t : response.routeTables()) {
        boolean main = false;
        List<String> subnets = new ArrayList<>();
        for (RouteTableAssociation a : t.associations()) {
          main |= Boolean.TRUE.equals(a.main());
          if (a.subnetId() != null) {
            subnets.add(a.subnetId());
          }
        }
        List<Route> routes = new ArrayList<>();
        for (var r : t.routes()) {
          routes.add(new Route(destination(r), target(r)));
        }
        tables.add(new RouteTable(t.routeTableId(), t.vpcId(), main, subnets, routes));
      }
      token = response.nextToken();
    } while (token != null);
    return tables;
  }

  private static String destination(software.amazon.awssdk.services.ec2.model.Route r) {
    if (r.destinationCidrBlock() != null) {
      return r.destinationCidrBlock();
    }
    if (r.destinationIpv6CidrBlock() != null) {
      return r.destinationIpv6CidrBlock();
    }
    return r.destinationPrefixListId();
  }

  private static String target(software.amazon.awssdk.services.ec2.model.Route r) {
    for (String t :
        new String[] {
          r.gatewayId(),
          r.natGatewayId(),
          r.transitGatewayId(),
          r.vpcPeeringConnectionId(),
          r.egressOnlyInternetGatewayId(),
          r.localGatewayId(),
          r.carrierGatewayId(),
          r.networkInterfaceId(),
          r.instanceId()
        }) {
      if (t != null) {
        return t;
      }
    }
    return null;
  }

  @Override
  public List<SecurityGroup> describeSecurityGroups(String region, List<String> groupIds) {
    if (groupIds.isEmpty()) {
      return List.of(); // an empty filter would match every group
    }
    Ec2Client ec2 = clients.ec2(region, role);
    List<SecurityGroup> groups = new ArrayList<>();
    String token = null;
    do {
      String page = token;
      DescribeSecurityGroupsResponse response =
          calls.call(
              EC2,
              "DescribeSecurityGroups",
              () ->
                  ec2.describeSecurityGroups(
                      r ->
                          r.filters(Filter.builder().name("group-id").values(groupIds).build())
                              .nextToken(page)));
      for (var g : response.securityGroups()) {
        List<IngressRule> rules = new ArrayList<>();
        for (IpPermission p : g.ipPermissions()) {
          rules.add(rule(p));
        }
        groups.add(new SecurityGroup(g.groupId(), g.groupName(), g.vpcId(), rules));
      }
      token = response.nextToken();
    } while (token != null);
    return groups;
  }

  private static IngressRule rule(IpPermission p) {
    List<String> cidrs = new ArrayList<>();
    for (IpRange r : p.ipRanges()) {
      cidrs.add(r.cidrIp());
    }
    for (Ipv6Range r : p.ipv6Ranges()) {
      cidrs.add(r.cidrIpv6());
    }
    List<String> sources = new ArrayList<>();
    for (UserIdGroupPair pair : p.userIdGroupPairs()) {
      sources.add(pair.groupId());
    }
    // "All traffic" (-1) rules carry no ports.
    int from = p.fromPort() == null ? 0 : p.fromPort();
    int to = p.toPort() == null ? 65535 : p.toPort();
    return new IngressRule(p.ipProtocol(), from, to, cidrs, sources);
  }
}
