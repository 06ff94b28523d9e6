package dev.snailtrail.aws;

import dev.snailtrail.provider.ClusterStatus;
import dev.snailtrail.provider.DeploymentRolloutState;
import dev.snailtrail.provider.DeploymentStatus;
import dev.snailtrail.provider.Ecs;
import dev.snailtrail.provider.HealthStatus;
import dev.snailtrail.provider.LaunchType;
import dev.snailtrail.provider.ProviderException;
import dev.snailtrail.provider.ServiceRef;
import dev.snailtrail.provider.ServiceStatus;
import dev.snailtrail.provider.TaskDefinitionSpec;
import dev.snailtrail.provider.TaskDefinitionStatus;
import dev.snailtrail.provider.TaskStatus;
import dev.snailtrail.provider.TaskStopCode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.services.ecs.model.AssignPublicIp;
import software.amazon.awssdk.services.ecs.model.Attachment;
import software.amazon.awssdk.services.ecs.model.AwsVpcConfiguration;
import software.amazon.awssdk.services.ecs.model.Cluster;
import software.amazon.awssdk.services.ecs.model.Container;
import software.amazon.awssdk.services.ecs.model.Deployment;
import software.amazon.awssdk.services.ecs.model.KeyValuePair;
import software.amazon.awssdk.services.ecs.model.LoadBalancer;
import software.amazon.awssdk.services.ecs.model.NetworkBinding;
import software.amazon.awssdk.services.ecs.model.NetworkConfiguration;
import software.amazon.awssdk.services.ecs.model.RegisterTaskDefinitionRequest;
import software.amazon.awssdk.services.ecs.model.Service;
import software.amazon.awssdk.services.ecs.model.ServiceEvent;
import software.amazon.awssdk.services.ecs.model.Tag;
import software.amazon.awssdk.services.ecs.model.Task;
import software.amazon.awssdk.services.ecs.model.TaskDefinition;

/** Conversions between ECS SDK shapes and the {@link Ecs} port's records. */
final class EcsMapping {

  private EcsMapping() {}

  static Ecs.ClusterState cluster(Cluster c) {
    return new Ecs.ClusterState(
        c.clusterArn(),
        c.clusterName(),
        ClusterStatus.of(c.status()),
        orZero(c.activeServicesCount()),
        orZero(c.runningTasksCount()));
  }

  static Ecs.ServiceState service(String region, String cluster, Service s) {
    List<Ecs.Deployment> deployments = new ArrayList<>();
    for (Deployment d : s.deployments()) {
      deployments.add(
          new Ecs.Deployment(
              d.id(),
              DeploymentStatus.of(d.status()),
              d.taskDefinition(),
              orZero(d.desiredCount()),
              orZero(d.runningCount()),
              orZero(d.pendingCount()),
              orZero(d.failedTasks()),
              DeploymentRolloutState.of(d.rolloutStateAsString()),
              d.rolloutStateReason(),
              d.createdAt(),
              d.updatedAt()));
    }
    // ECS lists PRIMARY first already; the port promises it, so make sure.
    deployments.sort(Comparator.comparing(d -> d.status() != DeploymentStatus.PRIMARY));
    List<Ecs.ServiceEvent> events = new ArrayList<>();
    for (ServiceEvent e : s.events()) {
      events.add(new Ecs.ServiceEvent(e.id(), e.createdAt(), e.message()));
    }
    List<Ecs.LoadBalancerBinding> lbs = new ArrayList<>();
    for (LoadBalancer lb : s.loadBalancers()) {
      lbs.add(
          new Ecs.LoadBalancerBinding(
              lb.targetGroupArn(),
              lb.containerName(),
              orZero(lb.containerPort()),
              EcsStrategies.routing(lb.advancedConfiguration())));
    }
    return new Ecs.ServiceState(
        new ServiceRef(region, cluster, s.serviceName()),
        s.serviceArn(),
        ServiceStatus.of(s.status()),
        s.taskDefinition(),
        orZero(s.desiredCount()),
        orZero(s.runningCount()),
        orZero(s.pendingCount()),
        LaunchType.of(s.launchTypeAsString()),
        network(s.networkConfiguration()),
        lbs,
        deployments,
        events,
        null,
        EcsStrategies.strategy(s.deploymentConfiguration()),
        s.currentServiceDeployment());
  }

  static Ecs.NetworkConfig network(NetworkConfiguration n) {
    if (n == null || n.awsvpcConfiguration() == null) {
      return null;
    }
    AwsVpcConfiguration v = n.awsvpcConfiguration();
    return new Ecs.NetworkConfig(
        v.subnets(), v.securityGroups(), AssignPublicIp.ENABLED == v.assignPublicIp());
  }

  static NetworkConfiguration network(Ecs.NetworkConfig n) {
    return NetworkConfiguration.builder()
        .awsvpcConfiguration(
            a ->
                a.subnets(n.subnets())
                    .securityGroups(n.securityGroups())
                    .assignPublicIp(
                        n.assignPublicIp() ? AssignPublicIp.ENABLED : AssignPublicIp.DISABLED))
        .build();
  }

  static LoadBalancer loadBalancer(Ecs.LoadBalancerBinding b) {
    return LoadBalancer.builder()
        .targetGroupArn(b.targetGroupArn())
        .containerName(b.containerName())
        .containerPort(b.containerPort())
        .advancedConfiguration(b.blueGreen() == null ? null : EcsStrategies.advanced(b.blueGreen()))
        .build();
  }

  /**
   * The registration request of a spec, every field of it, its tags (the content hash among them)
   * included.
   *
   * @throws ProviderException (INVALID) when the spec holds fields this SDK cannot send: sending
   *     the rest would register a task definition that silently lacks them
   */
  static RegisterTaskDefinitionRequest register(TaskDefinitionSpec spec) {
    Set<String> unknown = new LinkedHashSet<>();
    RegisterTaskDefinitionRequest request =
        SdkJson.fromJson(spec.json(), RegisterTaskDefinitionRequest::builder, unknown);
    if (!unknown.isEmpty()) {
      throw new ProviderException(
          ProviderException.Kind.INVALID,
          "ECS",
          "RegisterTaskDefinition",
          "task definition "
              + spec.family()
              + " has fields this controller's AWS SDK does not know, so it cannot register them"
              + " without dropping them: "
              + String.join(", ", unknown)
              + "; remove them, or run a newer snailtrail");
    }
    return request;
  }

  /** A registered revision, as the registration that would make it again plus what ECS knows. */
  static dev.snailtrail.provider.TaskDefinition taskDefinition(TaskDefinition td, List<Tag> tags) {
    Map<String, String> tagMap = new LinkedHashMap<>();
    for (Tag t : tags) {
      tagMap.put(t.key(), t.value() == null ? "" : t.value());
    }
    return new dev.snailtrail.provider.TaskDefinition(
        td.taskDefinitionArn(),
        td.family(),
        orZero(td.revision()),
        TaskDefinitionStatus.of(td.statusAsString()),
        TaskDefinitionSpec.described(SdkJson.toJson(td), tagMap));
  }

  static Ecs.TaskState task(Task t, String publicIp) {
    List<Ecs.ContainerState> containers = new ArrayList<>();
    for (Container c : t.containers()) {
      List<Ecs.PortMapping> bindings = new ArrayList<>();
      for (NetworkBinding nb : c.networkBindings()) {
        bindings.add(
            new Ecs.PortMapping(
                orZero(nb.containerPort()),
                orZero(nb.hostPort()),
                nb.protocolAsString() == null ? "tcp" : nb.protocolAsString()));
      }
      containers.add(
          new Ecs.ContainerState(
              c.name(),
              c.image(),
              TaskStatus.of(c.lastStatus()),
              HealthStatus.of(c.healthStatusAsString()),
              c.exitCode(),
              c.reason(),
              bindings));
    }
    return new Ecs.TaskState(
        t.taskArn(),
        t.taskDefinitionArn(),
        TaskStatus.of(t.lastStatus()),
        TaskStatus.of(t.desiredStatus()),
        HealthStatus.of(t.healthStatusAsString()),
        TaskStopCode.of(t.stopCodeAsString()),
        t.stoppedReason(),
        LaunchType.of(t.launchTypeAsString()),
        containers,
        eniDetail(t, "privateIPv4Address"),
        publicIp,
        t.startedAt(),
        t.stoppedAt());
  }

  /** A detail of the task's elastic network interface attachment (awsvpc), or null. */
  static String eniDetail(Task t, String name) {
    for (Attachment a : t.attachments()) {
      if (!"ElasticNetworkInterface".equals(a.type())) {
        continue;
      }
      for (KeyValuePair kv : a.details()) {
        if (name.equals(kv.name())) {
          return kv.value();
        }
      }
    }
    return null;
  }

  private static int orZero(Integer i) {
    return i == null ? 0 : i;
  }
}
