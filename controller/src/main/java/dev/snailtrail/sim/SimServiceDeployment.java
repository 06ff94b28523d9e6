package dev.snailtrail.sim;

import dev.snailtrail.provider.DeploymentStrategy;
import dev.snailtrail.provider.DeploymentStrategy.LifecycleHook;
import dev.snailtrail.provider.DeploymentStrategy.Stage;
import dev.snailtrail.provider.Ecs.BlueGreenRouting;
import dev.snailtrail.provider.ServiceDeploymentState;
import dev.snailtrail.provider.ServiceDeploymentState.Status;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One blue/green, linear or canary service deployment: the revision serving before (blue), the one
 * deployed (green), the stage it is at and the share of production traffic green has.
 */
final class SimServiceDeployment {
  final String arn;
  final SimService service;
  final SimDeployment blue;
  final SimDeployment green;
  final DeploymentStrategy strategy;

  /** The load balancer's blue/green routing, or null for a service without a load balancer. */
  final BlueGreenRouting routing;

  final String blueTargetGroup;
  final String greenTargetGroup;
  final Instant createdAt;
  Instant updatedAt;
  Status status = Status.IN_PROGRESS;
  String statusReason;
  Stage stage;

  /** Percent of production (and of test) traffic on green. */
  int weight;

  int testWeight;

  /** Production traffic steps taken. */
  int step;

  /** Which of the stage's hooks is being asked. */
  int hookIndex;

  /** What the hook being asked returned with IN_PROGRESS, for its next invocation. */
  Map<String, String> carried = Map.of();

  /** Hook invocations answered so far: numbers the next one (its recorded answer's key). */
  int invocations;

  /** Changes with every stage and with the end: a timer of an earlier one does nothing. */
  int epoch;

  /** Whether the stage's own work is done (its hooks are being asked, or it has moved on). */
  boolean worked;

  SimServiceDeployment(
      SimService service,
      SimDeployment blue,
      SimDeployment green,
      DeploymentStrategy strategy,
      BlueGreenRouting routing,
      String blueTargetGroup,
      String greenTargetGroup,
      Instant now) {
    this.service = service;
    this.blue = blue;
    this.green = green;
    this.strategy = strategy;
    this.routing = routing;
    this.blueTargetGroup = blueTargetGroup;
    this.greenTargetGroup = greenTargetGroup;
    this.createdAt = now;
    this.updatedAt = now;
    this.arn =
        "arn:aws:ecs:"
            + service.ref.region()
            + ":"
            + World.ACCOUNT
            + ":service-deployment/"
            + service.ref.cluster()
            + "/"
            + service.ref.service()
            + "/"
            + number(green);
  }

  /** The ARN of a deployment's service revision, as lifecycle hooks name it. */
  static String revisionArn(SimService s, SimDeployment d) {
    return "arn:aws:ecs:"
        + s.ref.region()
        + ":"
        + World.ACCOUNT
        + ":service-revision/"
        + s.ref.cluster()
        + "/"
        + s.ref.service()
        + "/"
        + number(d);
  }

  private static String number(SimDeployment d) {
    return d.id.substring(d.id.indexOf('/') + 1);
  }

  /** The hooks that run at this stage, in the order the service lists them. */
  List<LifecycleHook> hooksAt(Stage s) {
    return strategy.hooks().stream().filter(h -> h.stages().contains(s)).toList();
  }

  /** Whether the stages still move: the deployment has not ended, stopped or begun rolling back. */
  boolean walking() {
    return status == Status.IN_PROGRESS;
  }

  /** Whether the timer set at {@code epoch} still concerns the deployment as it is. */
  boolean current(int at) {
    return walking() && epoch == at;
  }

  /** The share each revision has of a kind of traffic, by revision ARN. */
  Map<String, Integer> weights(int greenPercent) {
    return Map.of(
        revisionArn(service, blue), 100 - greenPercent, revisionArn(service, green), greenPercent);
  }

  ServiceDeploymentState view() {
    return new ServiceDeploymentState(
        arn, status, statusReason, walking() ? stage : null, createdAt, updatedAt);
  }
}
