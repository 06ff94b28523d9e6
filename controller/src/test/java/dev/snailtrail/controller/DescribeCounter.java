package dev.snailtrail.controller;

import dev.snailtrail.provider.Ecs;
import dev.snailtrail.provider.Providers;
import dev.snailtrail.provider.ServiceRef;
import dev.snailtrail.provider.TaskDefinition;
import dev.snailtrail.provider.TaskDefinitionSpec;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Wraps an {@link Ecs} and counts its {@code describeServices} calls and the names they ask for,
 * and the {@code DescribeServices} requests of 10 names the AWS port would make of them.
 */
final class DescribeCounter implements Ecs {
  private final Ecs real;
  final AtomicLong calls = new AtomicLong();
  final AtomicLong names = new AtomicLong();
  final AtomicLong awsRequests = new AtomicLong();
  final AtomicLong maxNames = new AtomicLong();

  DescribeCounter(Ecs real) {
    this.real = real;
  }

  /** The ports with ECS counted. */
  static Providers around(Providers p, DescribeCounter counter) {
    return new Providers(
        p.name(),
        counter,
        p.loadBalancing(),
        p.cloudWatch(),
        p.logs(),
        p.images(),
        p.network(),
        p.endpoints());
  }

  /** e.g. {@code 40 calls, 12.5 names a call (max 24), 80 DescribeServices requests}. */
  String figures() {
    long c = calls.get();
    return String.format(
        Locale.ROOT,
        "%d describeServices calls, %.1f names a call (max %d), %d DescribeServices requests of"
            + " up to 10",
        c,
        c == 0 ? 0.0 : (double) names.get() / c,
        maxNames.get(),
        awsRequests.get());
  }

  @Override
  public Map<String, ServiceState> describeServices(
      String region, String cluster, List<String> services) {
    int n = (int) services.stream().distinct().count();
    calls.incrementAndGet();
    names.addAndGet(n);
    awsRequests.addAndGet((n + 9) / 10);
    maxNames.accumulateAndGet(n, Math::max);
    return real.describeServices(region, cluster, services);
  }

  @Override
  public Optional<ClusterState> describeCluster(String region, String cluster) {
    return real.describeCluster(region, cluster);
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
  public ServiceState updateService(ServiceRef ref, String taskDefinitionArn, int desiredCount) {
    return real.updateService(ref, taskDefinitionArn, desiredCount);
  }

  @Override
  public List<TaskState> listTasks(ServiceRef ref, boolean includeStopped) {
    return real.listTasks(ref, includeStopped);
  }
}
