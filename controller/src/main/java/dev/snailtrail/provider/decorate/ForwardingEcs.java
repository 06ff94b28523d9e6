package dev.snailtrail.provider.decorate;

import dev.snailtrail.provider.DeploymentStrategy;
import dev.snailtrail.provider.Ecs;
import dev.snailtrail.provider.ServiceDeploymentState;
import dev.snailtrail.provider.ServiceRef;
import dev.snailtrail.provider.TaskDefinition;
import dev.snailtrail.provider.TaskDefinitionSpec;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * An {@link Ecs} that passes every call to another: decorators (per-pass caches, batching,
 * counting) extend it and override only the calls they change.
 */
public abstract class ForwardingEcs implements Ecs {
  protected final Ecs real;

  protected ForwardingEcs(Ecs real) {
    this.real = java.util.Objects.requireNonNull(real, "real");
  }

  @Override
  public Optional<ClusterState> describeCluster(String region, String cluster) {
    return real.describeCluster(region, cluster);
  }

  @Override
  public Map<String, ServiceState> describeServices(
      String region, String cluster, List<String> services) {
    return real.describeServices(region, cluster, services);
  }

  @Override
  public TaskDefinition registerTaskDefinition(String region, TaskDefinitionSpec spec) {
    return real.registerTaskDefinition(region, spec);
  }

  @Override
  public Optional<TaskDefinition> describeTaskDefinition(
      String region, String arnOrFamilyRevision) {
    return real.describeTaskDefinition(region, arnOrFamilyRevision);
  }

  @Override
  public Optional<TaskDefinition> findTaskDefinitionByHash(
      String region, String family, String contentHash) {
    return real.findTaskDefinitionByHash(region, family, contentHash);
  }

  @Override
  public ServiceState createService(CreateServiceRequest request) {
    return real.createService(request);
  }

  @Override
  public ServiceState updateService(
      ServiceRef ref, String taskDefinitionArn, Integer desiredCount) {
    return real.updateService(ref, taskDefinitionArn, desiredCount);
  }

  @Override
  public ServiceState updateService(
      ServiceRef ref, String taskDefinitionArn, Integer desiredCount, DeploymentStrategy strategy) {
    return real.updateService(ref, taskDefinitionArn, desiredCount, strategy);
  }

  @Override
  public Optional<ServiceDeploymentState> describeServiceDeployment(String region, String arn) {
    return real.describeServiceDeployment(region, arn);
  }

  @Override
  public void stopServiceDeployment(String region, String arn, boolean rollback) {
    real.stopServiceDeployment(region, arn, rollback);
  }

  @Override
  public Map<String, String> serviceTags(String region, String serviceArn) {
    return real.serviceTags(region, serviceArn);
  }

  @Override
  public void tagService(String region, String serviceArn, Map<String, String> tags) {
    real.tagService(region, serviceArn, tags);
  }

  @Override
  public List<TaskState> listTasks(ServiceRef ref, boolean includeStopped) {
    return real.listTasks(ref, includeStopped);
  }

  @Override
  public Map<String, List<TaskState>> listTasks(
      String region, String cluster, Set<String> services, boolean includeStopped) {
    return real.listTasks(region, cluster, services, includeStopped);
  }
}
