package dev.snailtrail.aws;

import static org.assertj.core.api.Assertions.assertThat;

import dev.snailtrail.moto.MotoServer;
import dev.snailtrail.provider.Network;
import dev.snailtrail.provider.Network.RouteTable;
import dev.snailtrail.provider.Network.SecurityGroup;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.IpPermission;
import software.amazon.awssdk.services.ec2.model.IpRange;
import software.amazon.awssdk.services.ec2.model.UserIdGroupPair;

@ExtendWith(MotoServer.Extension.class)
class AwsNetworkIT {

  private static final String REGION = MotoServer.REGION;
  private static AwsProviders aws;
  private static Network network;

  @BeforeAll
  static void open() {
    aws = AwsProviders.open(MotoServer.get().settings());
    network = aws.providers().network();
  }

  @AfterAll
  static void close() {
    aws.close();
  }

  @Test
  void describesSubnetsAndLeavesUnknownIdsOut(MotoServer moto) {
    Ec2Client ec2 = moto.client(Ec2Client.class, Ec2Client::builder);
    String vpc = ec2.createVpc(r -> r.cidrBlock("10.1.0.0/16")).vpc().vpcId();
    String a =
        ec2.createSubnet(r -> r.vpcId(vpc).cidrBlock("10.1.1.0/24").availabilityZone("us-east-1a"))
            .subnet()
            .subnetId();
    String b =
        ec2.createSubnet(r -> r.vpcId(vpc).cidrBlock("10.1.2.0/24").availabilityZone("us-east-1b"))
            .subnet()
            .subnetId();
    ec2.modifySubnetAttribute(r -> r.subnetId(a).mapPublicIpOnLaunch(v -> v.value(true)));

    List<Network.Subnet> subnets =
        network.describeSubnets(REGION, List.of(a, b, "subnet-0000000000000dead"));

    assertThat(subnets)
        .containsExactlyInAnyOrder(
            new Network.Subnet(a, vpc, "us-east-1a", "10.1.1.0/24", true),
            new Network.Subnet(b, vpc, "us-east-1b", "10.1.2.0/24", false));
    assertThat(network.describeSubnets(REGION, List.of())).isEmpty();
  }

  @Test
  void describesRouteTablesWithTheMainTableAssociationsAndInternetGatewayRoutes(MotoServer moto) {
    Ec2Client ec2 = moto.client(Ec2Client.class, Ec2Client::builder);
    String vpc = ec2.createVpc(r -> r.cidrBlock("10.2.0.0/16")).vpc().vpcId();
    String subnet =
        ec2.createSubnet(r -> r.vpcId(vpc).cidrBlock("10.2.1.0/24")).subnet().subnetId();
    String igw = ec2.createInternetGateway(r -> {}).internetGateway().internetGatewayId();
    ec2.attachInternetGateway(r -> r.vpcId(vpc).internetGatewayId(igw));
    String table = ec2.createRouteTable(r -> r.vpcId(vpc)).routeTable().routeTableId();
    ec2.createRoute(r -> r.routeTableId(table).destinationCidrBlock("0.0.0.0/0").gatewayId(igw));
    ec2.associateRouteTable(r -> r.routeTableId(table).subnetId(subnet));

    List<RouteTable> tables = network.describeRouteTables(REGION, vpc);

    assertThat(tables).hasSize(2);
    RouteTable main = tables.stream().filter(RouteTable::main).findFirst().orElseThrow();
    assertThat(main.subnetIds()).isEmpty();
    assertThat(main.routes()).contains(new Network.Route("10.2.0.0/16", "local"));
    RouteTable custom = tables.stream().filter(t -> t.id().equals(table)).findFirst().orElseThrow();
    assertThat(custom.main()).isFalse();
    assertThat(custom.vpcId()).isEqualTo(vpc);
    assertThat(custom.subnetIds()).containsExactly(subnet);
    assertThat(custom.routes()).contains(new Network.Route("0.0.0.0/0", igw));
  }

  @Test
  void describesSecurityGroupsWithIngressFromCidrsAndOtherGroups(MotoServer moto) {
    Ec2Client ec2 = moto.client(Ec2Client.class, Ec2Client::builder);
    String vpc = ec2.createVpc(r -> r.cidrBlock("10.3.0.0/16")).vpc().vpcId();
    String lb =
        ec2.createSecurityGroup(r -> r.groupName("alb").description("alb").vpcId(vpc)).groupId();
    String tasks =
        ec2.createSecurityGroup(r -> r.groupName("tasks").description("tasks").vpcId(vpc))
            .groupId();
    ec2.authorizeSecurityGroupIngress(
        r ->
            r.groupId(tasks)
                .ipPermissions(
                    IpPermission.builder()
                        .ipProtocol("tcp")
                        .fromPort(5000)
                        .toPort(5000)
                        .userIdGroupPairs(UserIdGroupPair.builder().groupId(lb).build())
                        .build(),
                    IpPermission.builder()
                        .ipProtocol("tcp")
                        .fromPort(443)
                        .toPort(443)
                        .ipRanges(IpRange.builder().cidrIp("0.0.0.0/0").build())
                        .build()));

    List<SecurityGroup> groups =
        network.describeSecurityGroups(REGION, List.of(tasks, "sg-0000000000000dead"));

    assertThat(groups).hasSize(1);
    SecurityGroup group = groups.get(0);
    assertThat(group.name()).isEqualTo("tasks");
    assertThat(group.vpcId()).isEqualTo(vpc);
    assertThat(group.ingress())
        .containsExactlyInAnyOrder(
            new Network.IngressRule("tcp", 5000, 5000, List.of(), List.of(lb)),
            new Network.IngressRule("tcp", 443, 443, List.of("0.0.0.0/0"), List.of()));
    assertThat(
            group.ingress().stream()
                .anyMatch(r -> r.admitsTcp(5000) && r.sourceGroupIds().contains(lb)))
        .isTrue();
  }
}
