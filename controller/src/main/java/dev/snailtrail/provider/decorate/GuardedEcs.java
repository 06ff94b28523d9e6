package dev.snailtrail.provider.decorate;

import dev.snailtrail.provider.DeploymentStrategy;
import dev.snailtrail.provider.Ecs;
import dev.snailtrail.provider.ServiceRef;
import dev.snailtrail.provider.TaskDefinition;
import dev.snailtrail.provider.TaskDefinitionSpec;

/**
 * An {@link Ecs} that runs a check before every call that changes ECS (registering a task
 * definition, creating or updating a service) and sends the call only if the check returns. The
 * controller's check asks whether its replica still holds the rollout's lease: ECS has no
 * conditional writes, so a replica that lost the lease is stopped here, before the request.
 */
public final class GuardedEcs extends ForwardingEcs {
  private final Runnable check;

  /**
   * @param check throws to refuse the change; runs before each one
   */
  public GuardedEcs(Ecs real, Runnable check) {
    super(real);
    this.check = check;
  }

  @Override
  public TaskDefinition registerTaskDefinition(String region, TaskDefinitionSpec spec) {
    check.run();
    return real.registerTaskDefinition(region, spec);
  }

  @Override
  public ServiceState createService(CreateServiceRequest request) {
    check.run();
    return real.createService(request);
  }

  @Override
  public ServiceState updateService(
      ServiceRef ref, String taskDefinitionArn, Integer desiredCount) {
    check.run();
    return real.updateService(ref, taskDefinitionArn, desiredCount);
  }

  @Override
  public ServiceState updateService(
      ServiceRef ref, String taskDefinitionArn, Integer desiredCount, DeploymentStrategy strategy) {
    check.run();
    return real.updateService(ref, taskDefinitionArn, desiredCount, strategy);
  }

  @Override
  public void stopServiceDeployment(String region, String arn, boolean rollback) {
    check.run();
    real.stopServiceDeployment(region, arn, rollback);
  }
}
