package dev.snailtrail.gate;

import dev.snailtrail.provider.CloudWatch;
import dev.snailtrail.provider.Ecs;
import dev.snailtrail.provider.Endpoints;
import dev.snailtrail.provider.Images;
import dev.snailtrail.provider.LoadBalancing;
import dev.snailtrail.provider.Logs;
import dev.snailtrail.provider.ProviderException;
import dev.snailtrail.provider.Providers;
import dev.snailtrail.provider.Scaling;
import dev.snailtrail.provider.ServiceRef;
import dev.snailtrail.provider.TaskDefinition;
import dev.snailtrail.provider.TaskDefinitionSpec;
import dev.snailtrail.provider.TaskStatus;
import dev.snailtrail.spec.Gate.MetricQuery;
import dev.snailtrail.spec.ImageRef;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An in-memory world for the gates: tests put services, tasks, targets, alarms, datapoints, log
 * lines and images in, and the gates read them back through the ports. Setting {@link #failure}
 * makes every call throw it, as a throttled or unreachable AWS (or a bug) would.
 */
final class FakeProviders implements Ecs, LoadBalancing, CloudWatch, Logs, Images {

  final Map<String, ServiceState> services = new HashMap<>();
  final List<TaskState> tasks = new ArrayList<>();
  final Map<String, TaskDefinition> taskDefinitions = new HashMap<>();
  final Map<String, List<TargetHealth>> targetGroups = new HashMap<>();
  final Map<String, AlarmState> alarms = new HashMap<>();
  final List<MetricPoint> metricPoints = new ArrayList<>();
  final Map<String, List<LogEvent>> logGroups = new HashMap<>();
  final Map<String, Map<String, ImageInfo>> repositories = new HashMap<>();
  RuntimeException failure;

  Providers providers() {
    return new Providers(
        "fake", this, this, this, this, this, null, Endpoints.AS_DECLARED, Scaling.NONE);
  }

  private void maybeFail() {
    if (failure != null) {
      throw failure;
    }
  }

  // --- Ecs

  @Override
  public Optional<ClusterState> describeCluster(String region, String cluster) {
    maybeFail();
    return Optional.empty();
  }

  @Override
  public Map<String, ServiceState> describeServices(
      String region, String cluster, List<String> names) {
    maybeFail();
    Map<String, ServiceState> found = new LinkedHashMap<>();
    for (String n : names) {
      if (services.containsKey(n)) {
        found.put(n, services.get(n));
      }
    }
    return found;
  }

  @Override
  public TaskDefinition registerTaskDefinition(String region, TaskDefinitionSpec spec) {
    throw new UnsupportedOperationException("gates only read");
  }

  @Override
  public Optional<TaskDefinition> describeTaskDefinition(String region, String arn) {
    maybeFail();
    return Optional.ofNullable(taskDefinitions.get(arn));
  }

  @Override
  public Optional<TaskDefinition> findTaskDefinitionByHash(
      String region, String family, String contentHash) {
    throw new UnsupportedOperationException("gates only read");
  }

  @Override
  public ServiceState createService(CreateServiceRequest request) {
    throw new UnsupportedOperationException("gates only read");
  }

  @Override
  public ServiceState updateService(
      ServiceRef ref, String taskDefinitionArn, Integer desiredCount) {
    throw new UnsupportedOperationException("gates only read");
  }

  @Override
  public Map<String, String> serviceTags(String region, String serviceArn) {
    maybeFail();
    return Map.of();
  }

  @Override
  public void tagService(String region, String serviceArn, Map<String, String> tags) {
    maybeFail();
  }

  @Override
  public List<TaskState> listTasks(ServiceRef ref, boolean includeStopped) {
    maybeFail();
    return tasks.stream()
        .filter(t -> includeStopped || t.lastStatus() != TaskStatus.STOPPED)
        .toList();
  }

  // --- LoadBalancing

  @Override
  public List<TargetHealth> describeTargetHealth(String region, String targetGroupArn) {
    maybeFail();
    List<TargetHealth> targets = targetGroups.get(targetGroupArn);
    if (targets == null) {
      throw new ProviderException(
          ProviderException.Kind.NOT_FOUND,
          "elbv2",
          "DescribeTargetHealth",
          "TargetGroupNotFound: " + targetGroupArn);
    }
    return targets;
  }

  @Override
  public Optional<TargetGroup> describeTargetGroup(String region, String targetGroupArn) {
    maybeFail();
    return Optional.empty();
  }

  /** Forward weights set so far, by rule or listener ARN. */
  final Map<String, List<WeightedTargetGroup>> forwards = new HashMap<>();

  @Override
  public List<WeightedTargetGroup> forwardWeights(String region, String ruleOrListenerArn) {
    maybeFail();
    return forwards.getOrDefault(ruleOrListenerArn, List.of());
  }

  @Override
  public void setForwardWeights(
      String region, String ruleOrListenerArn, List<WeightedTargetGroup> groups) {
    maybeFail();
    forwards.put(ruleOrListenerArn, List.copyOf(groups));
  }

  @Override
  public List<String> loadBalancerSecurityGroups(String region, String loadBalancerArn) {
    maybeFail();
    return List.of();
  }

  // --- CloudWatch

  @Override
  public Map<String, AlarmState> describeAlarms(String region, List<String> names) {
    maybeFail();
    Map<String, AlarmState> found = new HashMap<>();
    for (String n : names) {
      if (alarms.containsKey(n)) {
        found.put(n, alarms.get(n));
      }
    }
    return found;
  }

  @Override
  public List<MetricPoint> getMetricData(
      String region, MetricQuery query, Instant start, Instant end) {
    maybeFail();
    return metricPoints.stream()
        .filter(p -> !p.timestamp().isBefore(start) && p.timestamp().isBefore(end))
        .toList();
  }

  // --- Logs

  /**
   * A small reading of CloudWatch filter patterns: {@code ?A ?B} matches lines with A or B; plain
   * terms must all appear; a quoted pattern is one term.
   */
  @Override
  public List<LogEvent> filterLogEvents(
      String region, String logGroup, String pattern, Instant start, Instant end, int limit) {
    maybeFail();
    List<LogEvent> events = logGroups.get(logGroup);
    if (events == null) {
      throw new ProviderException(
          ProviderException.Kind.NOT_FOUND,
          "logs",
          "FilterLogEvents",
          "ResourceNotFoundException: The specified log group does not exist.");
    }
    return events.stream()
        .filter(e -> !e.timestamp().isBefore(start) && !e.timestamp().isAfter(end))
        .filter(e -> matches(pattern, e.message()))
        .limit(limit)
        .toList();
  }

  private static boolean matches(String pattern, String line) {
    String p = pattern.strip();
    if (p.startsWith("\"") && p.endsWith("\"") && p.length() > 1) {
      return line.contains(p.substring(1, p.length() - 1));
    }
    List<String> terms = Arrays.asList(p.split("\\s+"));
    List<String> anyOf = terms.stream().filter(t -> t.startsWith("?")).toList();
    List<String> allOf = terms.stream().filter(t -> !t.startsWith("?")).toList();
    boolean any = anyOf.isEmpty() || anyOf.stream().anyMatch(t -> line.contains(t.substring(1)));
    return any && allOf.stream().allMatch(line::contains);
  }

  @Override
  public boolean logGroupExists(String region, String logGroup) {
    maybeFail();
    return logGroups.containsKey(logGroup);
  }

  // --- Images

  @Override
  public Optional<ImageInfo> describeImage(String region, ImageRef image) {
    maybeFail();
    Map<String, ImageInfo> repo = repositories.get(image.repository());
    if (repo == null) {
      throw new ProviderException(
          ProviderException.Kind.NOT_FOUND,
          "ecr",
          "DescribeImages",
          "RepositoryNotFoundException: " + image.repository());
    }
    return Optional.ofNullable(repo.get(image.effectiveTag()));
  }
}
