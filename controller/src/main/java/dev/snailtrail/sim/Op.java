package dev.snailtrail.sim;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import dev.snailtrail.provider.DeploymentStrategy;
import dev.snailtrail.provider.Ecs.BlueGreenRouting;
import dev.snailtrail.provider.Ecs.CreateServiceRequest;
import dev.snailtrail.provider.ServiceRef;
import dev.snailtrail.provider.TaskDefinitionSpec;
import java.time.Instant;

/**
 * One change made to the simulated world from outside, at a world time. The world is a function of
 * its seed and these, so a snapshot is the list of them and a restore replays it.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "op")
@JsonSubTypes({
  @JsonSubTypes.Type(value = Op.SeedWorld.class, name = "seed"),
  @JsonSubTypes.Type(value = Op.ApplyScenario.class, name = "scenario"),
  @JsonSubTypes.Type(value = Op.SetAlarm.class, name = "alarm"),
  @JsonSubTypes.Type(value = Op.SetImageBehavior.class, name = "imageBehavior"),
  @JsonSubTypes.Type(value = Op.SetCircuitBreaker.class, name = "circuitBreaker"),
  @JsonSubTypes.Type(value = Op.CreateCluster.class, name = "createCluster"),
  @JsonSubTypes.Type(value = Op.CreateLogGroup.class, name = "createLogGroup"),
  @JsonSubTypes.Type(value = Op.PushImage.class, name = "pushImage"),
  @JsonSubTypes.Type(value = Op.RemoveImage.class, name = "removeImage"),
  @JsonSubTypes.Type(value = Op.RegisterTaskDefinition.class, name = "registerTaskDefinition"),
  @JsonSubTypes.Type(value = Op.DeregisterTaskDefinition.class, name = "deregisterTaskDefinition"),
  @JsonSubTypes.Type(value = Op.CreateService.class, name = "createService"),
  @JsonSubTypes.Type(value = Op.UpdateService.class, name = "updateService"),
  @JsonSubTypes.Type(value = Op.SetScalableTarget.class, name = "scalableTarget"),
  @JsonSubTypes.Type(value = Op.TagService.class, name = "tagService"),
  @JsonSubTypes.Type(value = Op.SetForwardWeights.class, name = "forwardWeights"),
  @JsonSubTypes.Type(value = Op.StopServiceDeployment.class, name = "stopServiceDeployment"),
  @JsonSubTypes.Type(value = Op.SeedBlueGreen.class, name = "seedBlueGreen"),
  @JsonSubTypes.Type(value = Op.HookAnswered.class, name = "hookAnswered")
})
sealed interface Op {
  Instant at();

  record SeedWorld(Instant at, Seeder.Input input, Seed options) implements Op {}

  record ApplyScenario(Instant at, String yaml) implements Op {}

  record SetAlarm(Instant at, String name, String state, String reason) implements Op {}

  record SetImageBehavior(Instant at, String image, Behavior behavior) implements Op {}

  record SetCircuitBreaker(Instant at, boolean enabled) implements Op {}

  record CreateCluster(Instant at, String region, String name) implements Op {}

  record CreateLogGroup(Instant at, String region, String name) implements Op {}

  record PushImage(Instant at, String region, String image) implements Op {}

  record RemoveImage(Instant at, String region, String image) implements Op {}

  record RegisterTaskDefinition(Instant at, String region, TaskDefinitionSpec spec) implements Op {}

  record DeregisterTaskDefinition(Instant at, String region, String taskDefinition) implements Op {}

  record CreateService(Instant at, CreateServiceRequest request) implements Op {}

  /** UpdateService; {@code strategy} null keeps the service's (snapshots before it have none). */
  record UpdateService(
      Instant at,
      ServiceRef ref,
      String taskDefinitionArn,
      Integer desiredCount,
      DeploymentStrategy strategy)
      implements Op {}

  /** StopServiceDeployment, with or without a rollback. */
  record StopServiceDeployment(Instant at, String region, String arn, boolean rollback)
      implements Op {}

  /** Blue/green routing seeded onto a service's load balancer; null ARNs are made up. */
  record SeedBlueGreen(Instant at, ServiceRef ref, BlueGreenRouting routing) implements Op {}

  /**
   * What a lifecycle hook answered, at the instant ECS took it: the answer comes from outside the
   * world, so a restore takes it from here rather than asking again.
   *
   * @param invocation the service deployment's ARN and the invocation's number
   */
  record HookAnswered(Instant at, String invocation, LifecycleHookTarget.HookAnswer answer)
      implements Op {}

  /** TagResource on a service. */
  record TagService(
      Instant at, String region, String serviceArn, java.util.Map<String, String> tags)
      implements Op {}

  /** ModifyRule or ModifyListener: a forward action's weighted target groups. */
  record SetForwardWeights(
      Instant at,
      String region,
      String arn,
      java.util.List<dev.snailtrail.provider.LoadBalancing.WeightedTargetGroup> groups)
      implements Op {}

  /** Application Auto Scaling on a service's desired count; null bounds remove it. */
  record SetScalableTarget(Instant at, ServiceRef ref, Integer min, Integer max) implements Op {}
}
