package dev.snailtrail.sim;

import dev.snailtrail.provider.ClusterStatus;
import dev.snailtrail.provider.DeploymentStatus;
import dev.snailtrail.provider.DeploymentStrategy;
import dev.snailtrail.provider.Ecs.ClusterState;
import dev.snailtrail.provider.Ecs.CreateServiceRequest;
import dev.snailtrail.provider.Ecs.ServiceState;
import dev.snailtrail.provider.LaunchType;
import dev.snailtrail.provider.ProviderException;
import dev.snailtrail.provider.ServiceRef;
import dev.snailtrail.provider.ServiceStatus;
import dev.snailtrail.provider.TaskDefinition;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The ECS calls on clusters and services: create, describe and update, each starting a deployment
 * that the {@link ServiceScheduler} carries out.
 */
final class EcsServices {
  private final World world;

  EcsServices(World world) {
    this.world = world;
  }

  void createCluster(String region, String name) {
    world.clusters.putIfAbsent(
        World.key(region, name),
        "arn:aws:ecs:" + region + ":" + World.ACCOUNT + ":cluster/" + name);
  }

  Optional<ClusterState> describeCluster(String region, String cluster) {
    String name = World.clusterName(cluster);
    String arn = world.clusters.get(World.key(region, name));
    if (arn == null) {
      return Optional.empty();
    }
    int active = 0;
    int running = 0;
    for (SimService s : world.services.values()) {
      if (s.ref.region().equals(region) && s.ref.cluster().equals(name)) {
        active += s.status == ServiceStatus.ACTIVE ? 1 : 0;
        running += (int) s.tasks.stream().filter(SimTask::running).count();
      }
    }
    return Optional.of(new ClusterState(arn, name, ClusterStatus.ACTIVE, active, running));
  }

  /** Throws NOT_FOUND unless the cluster exists, as ECS answers ClusterNotFoundException. */
  void requireCluster(String region, String cluster, String operation) {
    if (!world.clusters.containsKey(World.key(region, World.clusterName(cluster)))) {
      throw new ProviderException(
          ProviderException.Kind.NOT_FOUND,
          "ecs",
          operation,
          "ClusterNotFoundException: Cluster not found: " + cluster);
    }
  }

  /** The services of the cluster that exist, by name, as DescribeServices answers. */
  Map<String, ServiceState> describeServices(String region, String cluster, List<String> names) {
    requireCluster(region, cluster, "DescribeServices");
    Map<String, ServiceState> found = new LinkedHashMap<>();
    for (String name : names) {
      SimService s = service(new ServiceRef(region, cluster, name));
      if (s != null) {
        found.put(name, PortViews.serviceState(s).withTags(s.tags));
      }
    }
    return found;
  }

  /** The service, or null when it does not exist (or was deleted). */
  SimService service(ServiceRef ref) {
    ServiceRef n = World.normalize(ref);
    SimService s = world.services.get(World.key(n.region(), n.cluster(), n.service()));
    return s != null && s.status == ServiceStatus.ACTIVE ? s : null;
  }

  private SimService requireService(ServiceRef ref, String operation) {
    SimService s = service(ref);
    if (s == null) {
      throw new ProviderException(
          ProviderException.Kind.NOT_FOUND,
          "ecs",
          operation,
          "ServiceNotFoundException: Service not found: " + ref);
    }
    return s;
  }

  ServiceState createService(CreateServiceRequest request) {
    ServiceRef ref = World.normalize(request.ref());
    requireCluster(ref.region(), ref.cluster(), "CreateService");
    if (service(ref) != null) {
      throw new ProviderException(
          ProviderException.Kind.INVALID,
          "ecs",
          "CreateService",
          "InvalidParameterException: Creation of service was not idempotent.");
    }
    TaskDefinition td =
        world
            .taskDefinitions
            .describe(ref.region(), request.taskDefinitionArn())
            .orElseThrow(
                () -> TaskDefinitionRegistry.unknown("CreateService", request.taskDefinitionArn()));
    LaunchType launchType =
        request.launchType() == null ? LaunchType.FARGATE : request.launchType();
    SimService s =
        new SimService(
            ref,
            "arn:aws:ecs:"
                + ref.region()
                + ":"
                + World.ACCOUNT
                + ":service/"
                + ref.cluster()
                + "/"
                + ref.service(),
            launchType,
            request.network(),
            request.loadBalancers(),
            request.desiredCount());
    world.services.put(World.key(ref.region(), ref.cluster(), ref.service()), s);
    s.deployments.add(0, new SimDeployment(deploymentId(), td, request.desiredCount(), world.now));
    inProgress(s);
    world.scheduler.reconcile(s);
    return PortViews.serviceState(s);
  }

  /**
   * UpdateService: a new deployment of the revision under the service's strategy, the one given
   * (null: the service's own). A rolling one replaces tasks in place; a blue/green, linear or
   * canary one opens a service deployment ({@link ServiceDeployments}). Either stops a service
   * deployment under way where it is.
   */
  ServiceState updateService(
      ServiceRef ref, String taskDefinitionArn, Integer desiredCount, DeploymentStrategy strategy) {
    SimService s = requireService(ref, "UpdateService");
    TaskDefinition td =
        world
            .taskDefinitions
            .describe(s.ref.region(), taskDefinitionArn)
            .orElseThrow(() -> TaskDefinitionRegistry.unknown("UpdateService", taskDefinitionArn));
    DeploymentStrategy next = world.serviceDeployments.effective(s, strategy);
    SimDeployment serving = world.serviceDeployments.serving(s);
    world.serviceDeployments.supersede(s);
    s.strategy = next;
    for (SimDeployment old : s.deployments) {
      if (old.status == DeploymentStatus.PRIMARY) {
        old.status = DeploymentStatus.ACTIVE;
        old.updatedAt = world.now;
      }
    }
    if (desiredCount != null) { // as ECS: an update without a count keeps the service's
      s.desiredCount = desiredCount;
    }
    SimDeployment d = new SimDeployment(deploymentId(), td, s.desiredCount, world.now);
    s.deployments.add(0, d);
    while (s.deployments.size() > 6) {
      s.deployments.remove(s.deployments.size() - 1);
    }
    if (next.kind() == DeploymentStrategy.Kind.ROLLING) {
      d.targetGroup = serving == null ? null : serving.targetGroup;
      s.serviceDeployment = null;
    } else {
      world.serviceDeployments.start(s, serving, d);
    }
    inProgress(s);
    world.scheduler.reconcile(s);
    return PortViews.serviceState(s);
  }

  private void inProgress(SimService s) {
    SimDeployment d = s.primary();
    world.events.deployment(
        s,
        d,
        "SERVICE_DEPLOYMENT_IN_PROGRESS",
        "ECS deployment " + d.id + " in progress.",
        world.now);
  }

  /**
   * The active service of that ARN ({@code arn:aws:ecs:REGION:ACCOUNT:service/CLUSTER/NAME}),
   * looked up by its key, not by going over every service of the world.
   */
  private SimService byArn(String arn) {
    String[] parts = arn.split(":", 6);
    String[] path = parts.length == 6 ? parts[5].split("/") : new String[0];
    if (path.length != 3 || !path[0].equals("service")) {
      return null;
    }
    SimService s = service(new ServiceRef(parts[3], path[1], path[2]));
    return s != null && s.arn.equals(arn) ? s : null;
  }

  /** ListTagsForResource on a service's ARN. */
  Map<String, String> serviceTags(String arn) {
    return Map.copyOf(requireArn(arn, "ListTagsForResource").tags);
  }

  /** TagResource on a service's ARN: the keys given replace those there. */
  void tagService(String arn, Map<String, String> tags) {
    requireArn(arn, "TagResource").tags.putAll(tags);
  }

  private SimService requireArn(String arn, String operation) {
    SimService s = byArn(arn);
    if (s == null) {
      throw new ProviderException(
          ProviderException.Kind.NOT_FOUND,
          "ecs",
          operation,
          "ServiceNotFoundException: Service not found: " + arn);
    }
    return s;
  }

  private String deploymentId() {
    return "ecs-svc/" + world.digits(19);
  }
}
