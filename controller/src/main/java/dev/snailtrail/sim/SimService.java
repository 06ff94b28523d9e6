package dev.snailtrail.sim;

import dev.snailtrail.provider.DeploymentStrategy;
import dev.snailtrail.provider.Ecs.LoadBalancerBinding;
import dev.snailtrail.provider.Ecs.NetworkConfig;
import dev.snailtrail.provider.Ecs.ServiceEvent;
import dev.snailtrail.provider.LaunchType;
import dev.snailtrail.provider.ServiceRef;
import dev.snailtrail.provider.ServiceStatus;
import java.util.ArrayList;
import java.util.List;

/** One simulated ECS service. */
final class SimService {
  static final int MAX_EVENTS = 100;

  final ServiceRef ref;
  final String arn;
  final LaunchType launchType;
  final NetworkConfig network;

  /** Replaced whole when blue/green routing is seeded onto a binding. */
  List<LoadBalancerBinding> loadBalancers;

  ServiceStatus status = ServiceStatus.ACTIVE;

  /** The strategy part of its deploymentConfiguration, with its lifecycle hooks. */
  DeploymentStrategy strategy = DeploymentStrategy.ROLLING;

  /** Its newest blue/green, linear or canary deployment, or null since a rolling one began. */
  SimServiceDeployment serviceDeployment;

  /** Its blue/green, linear and canary deployments, newest first, as many as ECS describes. */
  final List<SimServiceDeployment> serviceDeployments = new ArrayList<>();

  /** Where the load balancer's round robin goes next. */
  int nextTarget;

  int desiredCount;

  /** ECS tags, by key. */
  final java.util.Map<String, String> tags = new java.util.TreeMap<>();

  /** Newest first. */
  final List<SimDeployment> deployments = new ArrayList<>();

  /** Newest first. */
  final List<ServiceEvent> events = new ArrayList<>();

  final List<SimTask> tasks = new ArrayList<>();

  SimService(
      ServiceRef ref,
      String arn,
      LaunchType launchType,
      NetworkConfig network,
      List<LoadBalancerBinding> loadBalancers,
      int desiredCount) {
    this.ref = ref;
    this.arn = arn;
    this.launchType = launchType;
    this.network = network;
    this.loadBalancers = List.copyOf(loadBalancers);
    this.desiredCount = desiredCount;
  }

  SimDeployment primary() {
    return deployments.isEmpty() ? null : deployments.get(0);
  }

  void event(ServiceEvent e) {
    events.add(0, e);
    if (events.size() > MAX_EVENTS) {
      events.remove(events.size() - 1);
    }
  }

  /** {@code (service name)}, how ECS starts its event messages. */
  String tag() {
    return "(service " + ref.service() + ")";
  }
}
