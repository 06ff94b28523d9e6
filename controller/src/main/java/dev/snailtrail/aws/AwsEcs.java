package dev.snailtrail.aws;

import dev.snailtrail.provider.DeploymentStrategy;
import dev.snailtrail.provider.Ecs;
import dev.snailtrail.provider.ProviderException;
import dev.snailtrail.provider.ServiceDeploymentState;
import dev.snailtrail.provider.ServiceRef;
import dev.snailtrail.provider.ServiceStatus;
import dev.snailtrail.provider.TaskDefinition;
import dev.snailtrail.provider.TaskDefinitionSpec;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.ClientException;
import software.amazon.awssdk.services.ecs.model.DeploymentConfiguration;
import software.amazon.awssdk.services.ecs.model.DescribeServiceDeploymentsResponse;
import software.amazon.awssdk.services.ecs.model.DescribeServicesResponse;
import software.amazon.awssdk.services.ecs.model.DescribeTaskDefinitionResponse;
import software.amazon.awssdk.services.ecs.model.ListTaskDefinitionsResponse;
import software.amazon.awssdk.services.ecs.model.RegisterTaskDefinitionResponse;
import software.amazon.awssdk.services.ecs.model.Service;
import software.amazon.awssdk.services.ecs.model.ServiceDeploymentNotFoundException;
import software.amazon.awssdk.services.ecs.model.ServiceField;
import software.amazon.awssdk.services.ecs.model.SortOrder;
import software.amazon.awssdk.services.ecs.model.StopServiceDeploymentStopType;
import software.amazon.awssdk.services.ecs.model.Tag;
import software.amazon.awssdk.services.ecs.model.TaskDefinitionField;
import software.amazon.awssdk.services.ecs.model.TaskDefinitionStatus;

/** {@link Ecs} on Amazon ECS. */
final class AwsEcs implements Ecs {

  private static final String ECS = "ecs";
  private static final int SERVICES_PER_CALL = 10;
  // The newest revisions looked at when searching by content hash: a phase's revision is almost
  // always among the last few, and each candidate costs a DescribeTaskDefinition.
  private static final int HASH_SEARCH_DEPTH = 50;

  private final ClientCache clients;
  private final AwsCalls calls;
  private final AssumedRole role;
  private final KnownRevisions known = new KnownRevisions();
  private final AwsTaskReads tasks;

  AwsEcs(ClientCache clients, AwsCalls calls, AssumedRole role) {
    this.clients = clients;
    this.calls = calls;
    this.role = role;
    this.tasks = new AwsTaskReads(clients, calls, role);
  }

  @Override
  public Optional<ClusterState> describeCluster(String region, String cluster) {
    EcsClient ecs = clients.ecs(region, role);
    var response =
        calls.call(ECS, "DescribeClusters", () -> ecs.describeClusters(r -> r.clusters(cluster)));
    // A missing cluster comes back as a failure entry (reason MISSING), not as an error.
    return response.clusters().stream().findFirst().map(EcsMapping::cluster);
  }

  @Override
  public Map<String, ServiceState> describeServices(
      String region, String cluster, List<String> services) {
    EcsClient ecs = clients.ecs(region, role);
    Map<String, ServiceState> found = new LinkedHashMap<>();
    List<String> distinct = services.stream().distinct().toList();
    for (int i = 0; i < distinct.size(); i += SERVICES_PER_CALL) {
      List<String> batch = distinct.subList(i, Math.min(distinct.size(), i + SERVICES_PER_CALL));
      DescribeServicesResponse response =
          calls.call(
              ECS,
              "DescribeServices",
              () ->
                  ecs.describeServices(
                      r -> r.cluster(cluster).services(batch).include(ServiceField.TAGS)));
      // Names in failures (MISSING) are simply absent; an INACTIVE service is a deleted one.
      for (Service s : response.services()) {
        Map<String, String> tags = new LinkedHashMap<>();
        s.tags().forEach(t -> tags.put(t.key(), t.value()));
        ServiceState state = EcsMapping.service(region, cluster, s).withTags(tags);
        if (state.status() != ServiceStatus.INACTIVE) {
          found.put(s.serviceName(), state);
        }
      }
    }
    return found;
  }

  @Override
  public TaskDefinition registerTaskDefinition(String region, TaskDefinitionSpec spec) {
    EcsClient ecs = clients.ecs(region, role);
    var request = EcsMapping.register(spec);
    RegisterTaskDefinitionResponse response =
        calls.call(ECS, "RegisterTaskDefinition", () -> ecs.registerTaskDefinition(request));
    // The tags sent are the revision's tags; not every endpoint echoes them in the answer.
    List<Tag> tags =
        response.hasTags() && !response.tags().isEmpty() ? response.tags() : request.tags();
    return known.remember(EcsMapping.taskDefinition(response.taskDefinition(), tags));
  }

  @Override
  public Optional<TaskDefinition> describeTaskDefinition(
      String region, String arnOrFamilyRevision) {
    EcsClient ecs = clients.ecs(region, role);
    Optional<DescribeTaskDefinitionResponse> response =
        calls.call(
            ECS,
            "DescribeTaskDefinition",
            () -> {
              try {
                return Optional.of(
                    ecs.describeTaskDefinition(
                        r ->
                            r.taskDefinition(arnOrFamilyRevision)
                                .include(TaskDefinitionField.TAGS)));
              } catch (ClientException e) {
                // ECS has no dedicated "not found" error for task definitions.
                if (isMissingTaskDefinition(e)) {
                  return Optional.empty();
                }
                throw e;
              }
            });
    return response.map(
        r -> known.remember(EcsMapping.taskDefinition(r.taskDefinition(), r.tags())));
  }

  private static boolean isMissingTaskDefinition(ClientException e) {
    String message = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorMessage();
    return message != null && message.contains("Unable to describe task definition");
  }

  @Override
  public Optional<TaskDefinition> findTaskDefinitionByHash(
      String region, String family, String contentHash) {
    for (String arn : newestRevisions(region, family)) {
      // Listed ACTIVE just now; its content and tags are what they were when seen.
      Optional<TaskDefinition> seen = known.get(arn);
      if (seen.isPresent()) {
        if (contentHash.equals(seen.get().spec().tags().get(TaskDefinitionSpec.HASH_TAG))) {
          return seen;
        }
        continue;
      }
      Optional<TaskDefinition> td = describeTaskDefinition(region, arn);
      if (td.isPresent()
          && td.get().status() == dev.snailtrail.provider.TaskDefinitionStatus.ACTIVE
          && contentHash.equals(td.get().spec().tags().get(TaskDefinitionSpec.HASH_TAG))) {
        return td;
      }
    }
    return Optional.empty();
  }

  /** ARNs of the newest ACTIVE revisions of exactly this family, newest first. */
  private List<String> newestRevisions(String region, String family) {
    EcsClient ecs = clients.ecs(region, role);
    List<String> arns = new ArrayList<>();
    String token = null;
    do {
      String page = token;
      ListTaskDefinitionsResponse response =
          calls.call(
              ECS,
              "ListTaskDefinitions",
              () ->
                  ecs.listTaskDefinitions(
                      r ->
                          r.familyPrefix(family)
                              .status(TaskDefinitionStatus.ACTIVE)
                              .sort(SortOrder.DESC)
                              .maxResults(HASH_SEARCH_DEPTH)
                              .nextToken(page)));
      // familyPrefix is a prefix: "api" also lists "api-worker".
      for (String arn : response.taskDefinitionArns()) {
        if (family.equals(familyOf(arn))) {
          arns.add(arn);
        }
      }
      token = response.nextToken();
    } while (token != null && arns.size() < HASH_SEARCH_DEPTH);
    arns.sort(Comparator.comparingInt(AwsEcs::revisionOf).reversed());
    return arns.size() > HASH_SEARCH_DEPTH ? arns.subList(0, HASH_SEARCH_DEPTH) : arns;
  }

  private static String familyOf(String arn) {
    String name = arn.substring(arn.lastIndexOf('/') + 1);
    int colon = name.lastIndexOf(':');
    return colon < 0 ? name : name.substring(0, colon);
  }

  private static int revisionOf(String arn) {
    try {
      return Integer.parseInt(arn.substring(arn.lastIndexOf(':') + 1));
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  @Override
  public ServiceState createService(CreateServiceRequest request) {
    ServiceRef ref = request.ref();
    EcsClient ecs = clients.ecs(ref.region(), role);
    var b =
        software.amazon.awssdk.services.ecs.model.CreateServiceRequest.builder()
            .cluster(ref.cluster())
            .serviceName(ref.service())
            .taskDefinition(request.taskDefinitionArn())
            .desiredCount(request.desiredCount())
            .loadBalancers(request.loadBalancers().stream().map(EcsMapping::loadBalancer).toList())
            // The controller decides about rollbacks itself; ECS only reports a failed deployment.
            .deploymentConfiguration(
                c -> c.deploymentCircuitBreaker(cb -> cb.enable(true).rollback(false)));
    if (request.launchType() != null) {
      b.launchType(request.launchType().toString());
    }
    if (request.network() != null) {
      b.networkConfiguration(EcsMapping.network(request.network()));
    }
    software.amazon.awssdk.services.ecs.model.CreateServiceRequest sdkRequest = b.build();
    var response = calls.call(ECS, "CreateService", () -> ecs.createService(sdkRequest));
    return EcsMapping.service(ref.region(), ref.cluster(), response.service());
  }

  @Override
  public ServiceState updateService(
      ServiceRef ref, String taskDefinitionArn, Integer desiredCount) {
    EcsClient ecs = clients.ecs(ref.region(), role);
    var response =
        calls.call(
            ECS,
            "UpdateService",
            () ->
                ecs.updateService(
                    r ->
                        r.cluster(ref.cluster())
                            .service(ref.service())
                            .taskDefinition(taskDefinitionArn)
                            .desiredCount(desiredCount)
                            .forceNewDeployment(false)));
    return EcsMapping.service(ref.region(), ref.cluster(), response.service());
  }

  @Override
  public ServiceState updateService(
      ServiceRef ref, String taskDefinitionArn, Integer desiredCount, DeploymentStrategy strategy) {
    EcsClient ecs = clients.ecs(ref.region(), role);
    // UpdateService replaces the whole deploymentConfiguration: what is not sent is gone, so the
    // live settings go along with the strategy.
    DeploymentConfiguration merged =
        EcsStrategies.merged(liveDeploymentConfiguration(ecs, ref), strategy);
    var response =
        calls.call(
            ECS,
            "UpdateService",
            () ->
                ecs.updateService(
                    r ->
                        r.cluster(ref.cluster())
                            .service(ref.service())
                            .taskDefinition(taskDefinitionArn)
                            .desiredCount(desiredCount)
                            .deploymentConfiguration(merged)
                            .forceNewDeployment(false)));
    return EcsMapping.service(ref.region(), ref.cluster(), response.service());
  }

  private DeploymentConfiguration liveDeploymentConfiguration(EcsClient ecs, ServiceRef ref) {
    DescribeServicesResponse response =
        calls.call(
            ECS,
            "DescribeServices",
            () -> ecs.describeServices(r -> r.cluster(ref.cluster()).services(ref.service())));
    Service live =
        response.services().stream()
            .filter(s -> ServiceStatus.of(s.status()) != ServiceStatus.INACTIVE)
            .findFirst()
            .orElseThrow(
                () ->
                    new ProviderException(
                        ProviderException.Kind.NOT_FOUND,
                        ECS,
                        "UpdateService",
                        "service "
                            + ref.service()
                            + " is not in cluster "
                            + ref.cluster()
                            + " ("
                            + ref.region()
                            + "), so its deployment strategy cannot be set; create the service"
                            + " first, or correct the rollout's target"));
    return live.deploymentConfiguration();
  }

  @Override
  public Optional<ServiceDeploymentState> describeServiceDeployment(String region, String arn) {
    EcsClient ecs = clients.ecs(region, role);
    Optional<DescribeServiceDeploymentsResponse> response =
        calls.call(
            ECS,
            "DescribeServiceDeployments",
            () -> {
              try {
                return Optional.of(
                    ecs.describeServiceDeployments(r -> r.serviceDeploymentArns(arn)));
              } catch (ServiceDeploymentNotFoundException e) {
                return Optional.empty();
              }
            });
    // An unknown ARN usually comes back as a failure entry (MISSING), not as an error.
    return response
        .flatMap(r -> r.serviceDeployments().stream().findFirst())
        .map(EcsStrategies::deployment);
  }

  @Override
  public void stopServiceDeployment(String region, String arn, boolean rollback) {
    EcsClient ecs = clients.ecs(region, role);
    StopServiceDeploymentStopType type =
        rollback ? StopServiceDeploymentStopType.ROLLBACK : StopServiceDeploymentStopType.ABORT;
    calls.call(
        ECS,
        "StopServiceDeployment",
        () -> ecs.stopServiceDeployment(r -> r.serviceDeploymentArn(arn).stopType(type)));
  }

  @Override
  public Map<String, String> serviceTags(String region, String serviceArn) {
    EcsClient ecs = clients.ecs(region, role);
    var response =
        calls.call(
            ECS,
            "ListTagsForResource",
            () -> ecs.listTagsForResource(r -> r.resourceArn(serviceArn)));
    Map<String, String> tags = new LinkedHashMap<>();
    response.tags().forEach(t -> tags.put(t.key(), t.value()));
    return tags;
  }

  @Override
  public void tagService(String region, String serviceArn, Map<String, String> tags) {
    EcsClient ecs = clients.ecs(region, role);
    List<software.amazon.awssdk.services.ecs.model.Tag> sdkTags =
        tags.entrySet().stream()
            .map(
                e ->
                    software.amazon.awssdk.services.ecs.model.Tag.builder()
                        .key(e.getKey())
                        .value(e.getValue())
                        .build())
            .toList();
    calls.call(
        ECS, "TagResource", () -> ecs.tagResource(r -> r.resourceArn(serviceArn).tags(sdkTags)));
  }

  @Override
  public List<TaskState> listTasks(ServiceRef ref, boolean includeStopped) {
    return tasks.ofService(ref, includeStopped);
  }

  @Override
  public Map<String, List<TaskState>> listTasks(
      String region, String cluster, Set<String> services, boolean includeStopped) {
    return tasks.ofServices(region, cluster, services, includeStopped);
  }
}
