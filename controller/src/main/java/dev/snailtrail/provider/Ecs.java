package dev.snailtrail.provider;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Amazon ECS, in the terms the reconciler and gates need. */
public interface Ecs {

  /** The cluster, or empty when it does not exist. */
  Optional<ClusterState> describeCluster(String region, String cluster);

  /**
   * Services of one cluster by name, with their tags; a missing service is absent from the map.
   * Implementations batch (ECS takes 10 names a call).
   */
  Map<String, ServiceState> describeServices(String region, String cluster, List<String> services);

  /** One service, or empty when it does not exist (or is INACTIVE). */
  default Optional<ServiceState> describeService(ServiceRef ref) {
    return Optional.ofNullable(
        describeServices(ref.region(), ref.cluster(), List.of(ref.service())).get(ref.service()));
  }

  /** Registers a new revision of the family, with the spec's tags as given. */
  TaskDefinition registerTaskDefinition(String region, TaskDefinitionSpec spec);

  /**
   * A task definition by ARN or {@code family:revision}, or empty; given a family alone, its newest
   * ACTIVE revision (as ECS answers), or empty when it has none.
   */
  Optional<TaskDefinition> describeTaskDefinition(String region, String arnOrFamilyRevision);

  /**
   * The newest ACTIVE revision of the family tagged with this content hash ({@link
   * TaskDefinitionSpec#HASH_TAG}), or empty.
   */
  Optional<TaskDefinition> findTaskDefinitionByHash(
      String region, String family, String contentHash);

  /** Creates the service. */
  ServiceState createService(CreateServiceRequest request);

  /**
   * Points the service at a task definition, starting a new deployment.
   *
   * @param desiredCount the tasks to run, or null to leave the service's count as it is (what it
   *     runs, or what Application Auto Scaling sets)
   */
  ServiceState updateService(ServiceRef ref, String taskDefinitionArn, Integer desiredCount);

  /**
   * Points the service at a task definition under a deployment strategy, starting a new deployment:
   * {@link #updateService(ServiceRef, String, Integer)} that also sets the strategy part of the
   * service's {@code deploymentConfiguration} (its other settings, such as the circuit breaker and
   * the minimum and maximum percent, stay as they are).
   *
   * @param strategy the strategy, with every lifecycle hook the service is to have
   * @throws ProviderException UNSUPPORTED where this ECS has no such strategies
   */
  default ServiceState updateService(
      ServiceRef ref, String taskDefinitionArn, Integer desiredCount, DeploymentStrategy strategy) {
    throw new ProviderException(
        ProviderException.Kind.INVALID,
        "ecs",
        "UpdateService",
        "this ECS does not offer deployment strategies (" + strategy.kind() + ")");
  }

  /**
   * A service deployment ({@code DescribeServiceDeployments}) by the ARN {@link
   * ServiceState#currentServiceDeployment()} gives, or empty when ECS does not know it.
   */
  default Optional<ServiceDeploymentState> describeServiceDeployment(String region, String arn) {
    return Optional.empty();
  }

  /**
   * Stops a service deployment ({@code StopServiceDeployment}): with {@code rollback}, ECS puts
   * every request back on the revision before and stops the new one's tasks.
   */
  default void stopServiceDeployment(String region, String arn, boolean rollback) {
    throw new ProviderException(
        ProviderException.Kind.INVALID,
        "ecs",
        "StopServiceDeployment",
        "this ECS does not stop service deployments");
  }

  /**
   * The tags of a service ({@code ListTagsForResource}), by the ARN {@link ServiceState#arn()}
   * gives; empty when it has none.
   */
  Map<String, String> serviceTags(String region, String serviceArn);

  /** Adds tags to a service, replacing those of the same keys ({@code TagResource}). */
  void tagService(String region, String serviceArn, Map<String, String> tags);

  /** Tasks of the service (running, and stopped ones ECS still remembers when asked). */
  List<TaskState> listTasks(ServiceRef ref, boolean includeStopped);

  /**
   * Tasks of several services of one cluster, by service name (every service asked for is in the
   * map, with no tasks when it has none), as {@link #listTasks(ServiceRef, boolean)} would answer
   * each. On AWS one listing of the whole cluster ({@code ListTasks} by cluster, then {@code
   * DescribeTasks} of 100 tasks a call) rather than one per service; by default, one per service.
   */
  default Map<String, List<TaskState>> listTasks(
      String region, String cluster, Set<String> services, boolean includeStopped) {
    Map<String, List<TaskState>> out = new java.util.TreeMap<>();
    for (String service : services) {
      out.put(service, listTasks(new ServiceRef(region, cluster, service), includeStopped));
    }
    return out;
  }

  /**
   * A request to create a service.
   *
   * @param ref where
   * @param taskDefinitionArn the task definition to run
   * @param desiredCount how many tasks
   * @param network awsvpc networking, or null
   * @param loadBalancers target group registrations
   */
  record CreateServiceRequest(
      ServiceRef ref,
      String taskDefinitionArn,
      int desiredCount,
      LaunchType launchType,
      NetworkConfig network,
      List<LoadBalancerBinding> loadBalancers) {
    public CreateServiceRequest {
      loadBalancers = List.copyOf(loadBalancers);
    }
  }

  /** A cluster. */
  record ClusterState(
      String arn, String name, ClusterStatus status, int activeServices, int runningTasks) {}

  /**
   * A service as ECS reports it.
   *
   * @param taskDefinitionArn the task definition of the PRIMARY deployment
   * @param deployments PRIMARY first
   * @param events newest first
   * @param tags the service's tags when the read asked for them ({@code DescribeServices} with
   *     {@code include: TAGS}), else null: then {@link Ecs#serviceTags} tells them
   * @param strategy the strategy part of its {@code deploymentConfiguration}, with its lifecycle
   *     hooks; {@link DeploymentStrategy#ROLLING} when ECS says none
   * @param currentServiceDeployment the ARN of its newest service deployment, or null when ECS does
   *     not say
   */
  record ServiceState(
      ServiceRef ref,
      String arn,
      ServiceStatus status,
      String taskDefinitionArn,
      int desiredCount,
      int runningCount,
      int pendingCount,
      LaunchType launchType,
      NetworkConfig network,
      List<LoadBalancerBinding> loadBalancers,
      List<Deployment> deployments,
      List<ServiceEvent> events,
      Map<String, String> tags,
      DeploymentStrategy strategy,
      String currentServiceDeployment) {
    public ServiceState {
      loadBalancers = List.copyOf(loadBalancers);
      deployments = List.copyOf(deployments);
      events = List.copyOf(events);
      tags = tags == null ? null : Map.copyOf(tags);
      strategy = strategy == null ? DeploymentStrategy.ROLLING : strategy;
    }

    /** A service read without its tags. */
    public ServiceState(
        ServiceRef ref,
        String arn,
        ServiceStatus status,
        String taskDefinitionArn,
        int desiredCount,
        int runningCount,
        int pendingCount,
        LaunchType launchType,
        NetworkConfig network,
        List<LoadBalancerBinding> loadBalancers,
        List<Deployment> deployments,
        List<ServiceEvent> events) {
      this(
          ref,
          arn,
          status,
          taskDefinitionArn,
          desiredCount,
          runningCount,
          pendingCount,
          launchType,
          network,
          loadBalancers,
          deployments,
          events,
          null,
          DeploymentStrategy.ROLLING,
          null);
    }

    /** A service read with its tags, under the rolling strategy. */
    public ServiceState(
        ServiceRef ref,
        String arn,
        ServiceStatus status,
        String taskDefinitionArn,
        int desiredCount,
        int runningCount,
        int pendingCount,
        LaunchType launchType,
        NetworkConfig network,
        List<LoadBalancerBinding> loadBalancers,
        List<Deployment> deployments,
        List<ServiceEvent> events,
        Map<String, String> tags) {
      this(
          ref,
          arn,
          status,
          taskDefinitionArn,
          desiredCount,
          runningCount,
          pendingCount,
          launchType,
          network,
          loadBalancers,
          deployments,
          events,
          tags,
          DeploymentStrategy.ROLLING,
          null);
    }

    /** The same service with these tags. */
    public ServiceState withTags(Map<String, String> newTags) {
      return new ServiceState(
          ref,
          arn,
          status,
          taskDefinitionArn,
          desiredCount,
          runningCount,
          pendingCount,
          launchType,
          network,
          loadBalancers,
          deployments,
          events,
          newTags,
          strategy,
          currentServiceDeployment);
    }

    /** The PRIMARY deployment, or empty. */
    public Optional<Deployment> primary() {
      return deployments.stream().filter(d -> d.status() == DeploymentStatus.PRIMARY).findFirst();
    }
  }

  /** One deployment of a service. */
  record Deployment(
      String id,
      DeploymentStatus status,
      String taskDefinitionArn,
      int desiredCount,
      int runningCount,
      int pendingCount,
      int failedTasks,
      DeploymentRolloutState rolloutState,
      String rolloutStateReason,
      Instant createdAt,
      Instant updatedAt) {}

  /** A service event message. */
  record ServiceEvent(String id, Instant createdAt, String message) {}

  /** awsvpc networking of a service. */
  record NetworkConfig(List<String> subnets, List<String> securityGroups, boolean assignPublicIp) {
    public NetworkConfig {
      subnets = List.copyOf(subnets);
      securityGroups = List.copyOf(securityGroups);
    }
  }

  /**
   * A service's registration with a target group.
   *
   * @param blueGreen the second target group and the rules a blue/green, linear or canary
   *     deployment steps, or null
   */
  record LoadBalancerBinding(
      String targetGroupArn, String containerName, int containerPort, BlueGreenRouting blueGreen) {
    /** A registration without blue/green routing. */
    public LoadBalancerBinding(String targetGroupArn, String containerName, int containerPort) {
      this(targetGroupArn, containerName, containerPort, null);
    }
  }

  /**
   * What a blue/green, linear or canary deployment moves traffic with ({@code
   * loadBalancers[].advancedConfiguration}): ECS registers the new revision with whichever of the
   * two target groups does not serve, and steps the production rule's weights between them.
   *
   * @param alternateTargetGroupArn the second target group
   * @param productionListenerRule the rule (or listener) production requests arrive by
   * @param testListenerRule the rule test requests arrive by, or null
   * @param roleArn the role ECS changes the rules with
   */
  record BlueGreenRouting(
      String alternateTargetGroupArn,
      String productionListenerRule,
      String testListenerRule,
      String roleArn) {
    /**
     * The routing a spec gives a service it creates ({@code loadBalancers[].blueGreen}), or null.
     */
    public static BlueGreenRouting of(dev.snailtrail.spec.Target.BlueGreen bg) {
      return bg == null
          ? null
          : new BlueGreenRouting(
              bg.alternateTargetGroupArn(),
              bg.productionListenerRule(),
              bg.testListenerRule(),
              bg.roleArn());
    }
  }

  /**
   * A task.
   *
   * @param stopCode why it stopped, or null while it has not
   * @param privateIp the ENI's private address under awsvpc, or null
   */
  record TaskState(
      String taskArn,
      String taskDefinitionArn,
      TaskStatus lastStatus,
      TaskStatus desiredStatus,
      HealthStatus healthStatus,
      TaskStopCode stopCode,
      String stoppedReason,
      LaunchType launchType,
      List<ContainerState> containers,
      String privateIp,
      String publicIp,
      Instant startedAt,
      Instant stoppedAt) {
    public TaskState {
      containers = List.copyOf(containers);
    }
  }

  /**
   * A container of a task.
   *
   * @param exitCode the exit code once stopped, or null
   * @param reason why it stopped (e.g. CannotPullContainerError: ...), or null
   * @param networkBindings host port bindings (empty under awsvpc)
   */
  record ContainerState(
      String name,
      String image,
      TaskStatus lastStatus,
      HealthStatus healthStatus,
      Integer exitCode,
      String reason,
      List<PortMapping> networkBindings) {
    public ContainerState {
      networkBindings = List.copyOf(networkBindings);
    }
  }

  /** A port mapping or network binding. */
  record PortMapping(int containerPort, int hostPort, String protocol) {}
}
