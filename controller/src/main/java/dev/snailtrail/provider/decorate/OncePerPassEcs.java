package dev.snailtrail.provider.decorate;

import dev.snailtrail.provider.DeploymentStrategy;
import dev.snailtrail.provider.Ecs;
import dev.snailtrail.provider.ServiceRef;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An {@link Ecs} port that describes each service at most once per pass: a pass looks at the world
 * once, so the reconciler's own look and its gates' (the {@code ecsTasks} gate describes the
 * service too) share one {@code DescribeServices}. Creating or updating a service forgets what was
 * seen, and so does {@link #newPass()}, which the loop calls before every pass; everything else
 * goes straight to the real port.
 */
public final class OncePerPassEcs extends ForwardingEcs {

  private final Map<String, Optional<ServiceState>> seen = new HashMap<>();

  public OncePerPassEcs(Ecs real) {
    super(real);
  }

  /** A new pass begins: what earlier passes saw is forgotten. */
  public synchronized void newPass() {
    seen.clear();
  }

  @Override
  public synchronized Map<String, ServiceState> describeServices(
      String region, String cluster, List<String> services) {
    List<String> missing = new ArrayList<>();
    for (String service : services) {
      if (!seen.containsKey(key(region, cluster, service)) && !missing.contains(service)) {
        missing.add(service);
      }
    }
    if (!missing.isEmpty()) {
      Map<String, ServiceState> found = real.describeServices(region, cluster, missing);
      for (String service : missing) {
        seen.put(key(region, cluster, service), Optional.ofNullable(found.get(service)));
      }
    }
    Map<String, ServiceState> out = new LinkedHashMap<>();
    for (String service : services) {
      seen.get(key(region, cluster, service)).ifPresent(s -> out.put(service, s));
    }
    return out;
  }

  @Override
  public synchronized ServiceState createService(CreateServiceRequest request) {
    seen.clear();
    return real.createService(request);
  }

  @Override
  public synchronized ServiceState updateService(
      ServiceRef ref, String taskDefinitionArn, Integer desiredCount) {
    seen.clear();
    return real.updateService(ref, taskDefinitionArn, desiredCount);
  }

  @Override
  public synchronized ServiceState updateService(
      ServiceRef ref, String taskDefinitionArn, Integer desiredCount, DeploymentStrategy strategy) {
    seen.clear();
    return real.updateService(ref, taskDefinitionArn, desiredCount, strategy);
  }

  @Override
  public synchronized void stopServiceDeployment(String region, String arn, boolean rollback) {
    seen.clear();
    real.stopServiceDeployment(region, arn, rollback);
  }

  private static String key(String region, String cluster, String service) {
    return region + "|" + cluster + "|" + service;
  }
}
