package dev.snailtrail.cli;

import dev.snailtrail.moto.MotoServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.Service;

/**
 * A small world on moto for the CLI's commands over the wire, made through the AWS SDK as a team
 * would make it: an ECS cluster, a VPC subnet and a task security group, and a two-phase rollout
 * file whose second phase needs approval. The images are outside ECR and the tasks log nowhere, so
 * preflight has nothing to look up there; the one gate counts ECS tasks.
 */
final class MotoWorld {
  static final String CLUSTER = "snail-cluster";
  static final String SERVICE = "snail-api";

  private static final String SPEC =
      """
      apiVersion: snailtrail.dev/v1
      kind: Rollout
      metadata:
        name: snail-api
      spec:
        target:
          region: us-east-1
          cluster: snail-cluster
          service: snail-api
          createIfMissing: true
          network:
            subnets: [${SUBNET}]
            securityGroups: [${SECURITY_GROUP}]
        template:
          family: snail-api
          container: api
          port: 8080
        analysis:
          interval: 1s
          count: 1
        progressDeadline: 2m
        phases:
          - name: first-steps
            image: ghcr.io/snail-trail/snail-api:simple
            desiredCount: 1
            gates:
              - ecsTasks: {}
            bake: 1s
          - name: exploration
            approval: manual
            image: ghcr.io/snail-trail/snail-api:hybrid
            desiredCount: 2
            gates:
              - ecsTasks: {}
            bake: 1s
      """;

  final MotoServer moto;

  /** The rollout file. */
  final Path spec;

  private MotoWorld(MotoServer moto, Path spec) {
    this.moto = moto;
    this.spec = spec;
  }

  /** Makes the world on a freshly reset moto and writes the rollout file into {@code dir}. */
  static MotoWorld create(MotoServer moto, Path dir) throws IOException {
    moto.client(EcsClient.class, EcsClient::builder).createCluster(r -> r.clusterName(CLUSTER));
    Ec2Client ec2 = moto.client(Ec2Client.class, Ec2Client::builder);
    String vpc = ec2.createVpc(r -> r.cidrBlock("10.0.0.0/16")).vpc().vpcId();
    String subnet =
        ec2.createSubnet(r -> r.vpcId(vpc).cidrBlock("10.0.1.0/24")).subnet().subnetId();
    String group =
        ec2.createSecurityGroup(r -> r.groupName("snail-api").description("tasks").vpcId(vpc))
            .groupId();
    Path file = dir.resolve("snail-api.yaml");
    Files.writeString(file, SPEC.replace("${SUBNET}", subnet).replace("${SECURITY_GROUP}", group));
    return new MotoWorld(moto, file);
  }

  /** The options that point a command at this moto. */
  List<String> aws() {
    return List.of("--provider", "aws", "--endpoint", moto.endpoint().toString());
  }

  EcsClient ecs() {
    return moto.client(EcsClient.class, EcsClient::builder);
  }

  /** The service as moto describes it now, or null when it does not exist. */
  Service service() {
    List<Service> found =
        ecs().describeServices(r -> r.cluster(CLUSTER).services(SERVICE)).services();
    return found.isEmpty() ? null : found.get(0);
  }
}
