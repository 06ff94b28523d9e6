package dev.snailtrail.controller;

import dev.snailtrail.provider.CloudWatch;
import dev.snailtrail.provider.Ecs;
import dev.snailtrail.provider.Providers;
import dev.snailtrail.provider.ServiceRef;
import dev.snailtrail.provider.TaskDefinition;
import dev.snailtrail.provider.TaskDefinitionSpec;
import dev.snailtrail.provider.TaskStatus;
import dev.snailtrail.provider.decorate.ForwardingEcs;
import dev.snailtrail.spec.Gate.MetricQuery;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts the AWS requests the ECS and CloudWatch ports of a provider would send, by action, as the
 * AWS port makes them: DescribeServices of 10 names, DescribeAlarms of 100, ListTasks then
 * DescribeTasks of 100 tasks (of a service, or pages of 100 of a cluster), a hash search as one
 * ListTaskDefinitions, the owner tags' TagResource and ListTagsForResource. For the simulator,
 * whose calls cost nothing, in benchmarks that report what the same work would cost against AWS.
 */
final class RequestCounter {
  final Map<String, AtomicLong> byAction = new ConcurrentHashMap<>();

  void count(String action, long requests) {
    byAction.computeIfAbsent(action, a -> new AtomicLong()).addAndGet(requests);
  }

  long get(String action) {
    AtomicLong n = byAction.get(action);
    return n == null ? 0 : n.get();
  }

  long total() {
    return byAction.values().stream().mapToLong(AtomicLong::get).sum();
  }

  /** A copy of the counts, sorted by action. */
  Map<String, Long> snapshot() {
    Map<String, Long> out = new TreeMap<>();
    byAction.forEach((k, v) -> out.put(k, v.get()));
    return out;
  }

  /** The ports with ECS and CloudWatch counted. */
  Providers around(Providers p) {
    return p.withEcs(new CountingEcs(p.ecs()))
        .withCloudWatch(new CountingCloudWatch(p.cloudWatch()));
  }

  private final class CountingEcs extends ForwardingEcs {
    CountingEcs(Ecs real) {
      super(real);
    }

    @Override
    public Optional<ClusterState> describeCluster(String region, String cluster) {
      count("ecs:DescribeClusters", 1);
      return real.describeCluster(region, cluster);
    }

    @Override
    public Map<String, ServiceState> describeServices(
        String region, String cluster, List<String> services) {
      count("ecs:DescribeServices", (services.stream().distinct().count() + 9) / 10);
      return real.describeServices(region, cluster, services);
    }

    @Override
    public TaskDefinition registerTaskDefinition(String region, TaskDefinitionSpec spec) {
      count("ecs:RegisterTaskDefinition", 1);
      return real.registerTaskDefinition(region, spec);
    }

    @Override
    public Optional<TaskDefinition> describeTaskDefinition(String region, String arn) {
      count("ecs:DescribeTaskDefinition", 1);
      return real.describeTaskDefinition(region, arn);
    }

    @Override
    public Optional<TaskDefinition> findTaskDefinitionByHash(
        String region, String family, String contentHash) {
      count("ecs:ListTaskDefinitions", 1);
      return real.findTaskDefinitionByHash(region, family, contentHash);
    }

    @Override
    public Map<String, String> serviceTags(String region, String serviceArn) {
      count("ecs:ListTagsForResource", 1);
      return real.serviceTags(region, serviceArn);
    }

    @Override
    public void tagService(String region, String serviceArn, Map<String, String> tags) {
      count("ecs:TagResource", 1);
      real.tagService(region, serviceArn, tags);
    }

    @Override
    public ServiceState createService(CreateServiceRequest request) {
      count("ecs:CreateService", 1);
      return real.createService(request);
    }

    @Override
    public ServiceState updateService(ServiceRef ref, String arn, Integer desiredCount) {
      count("ecs:UpdateService", 1);
      return real.updateService(ref, arn, desiredCount);
    }

    @Override
    public List<TaskState> listTasks(ServiceRef ref, boolean includeStopped) {
      List<TaskState> tasks = real.listTasks(ref, includeStopped);
      count("ecs:ListTasks", includeStopped ? 2 : 1);
      count("ecs:DescribeTasks", tasks.isEmpty() ? 0 : (tasks.size() + 99) / 100);
      return tasks;
    }

    /** As the AWS port lists a cluster: pages of 100 ARNs per desired status, then describes. */
    @Override
    public Map<String, List<TaskState>> listTasks(
        String region, String cluster, Set<String> services, boolean includeStopped) {
      Map<String, List<TaskState>> tasks =
          real.listTasks(region, cluster, services, includeStopped);
      long all = tasks.values().stream().mapToLong(List::size).sum();
      long stopped =
          tasks.values().stream()
              .flatMap(List::stream)
              .filter(t -> t.desiredStatus() == TaskStatus.STOPPED)
              .count();
      count("ecs:ListTasks", pages(all - stopped) + (includeStopped ? pages(stopped) : 0));
      count("ecs:DescribeTasks", (all + 99) / 100);
      return tasks;
    }

    private static long pages(long arns) {
      return Math.max(1, (arns + 99) / 100);
    }
  }

  private final class CountingCloudWatch implements CloudWatch {
    private final CloudWatch real;

    CountingCloudWatch(CloudWatch real) {
      this.real = real;
    }

    @Override
    public Map<String, AlarmState> describeAlarms(String region, List<String> names) {
      count("cloudwatch:DescribeAlarms", (names.stream().distinct().count() + 99) / 100);
      return real.describeAlarms(region, names);
    }

    @Override
    public List<MetricPoint> getMetricData(
        String region, MetricQuery query, Instant start, Instant end) {
      count("cloudwatch:GetMetricData", 1);
      return real.getMetricData(region, query, start, end);
    }
  }
}
