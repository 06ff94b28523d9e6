package dev.snailtrail.controller;

import dev.snailtrail.provider.Ecs;
import dev.snailtrail.provider.Providers;
import dev.snailtrail.provider.decorate.ForwardingEcs;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Wraps an {@link Ecs} and counts its {@code describeServices} calls and the names they ask for,
 * and the {@code DescribeServices} requests of 10 names the AWS port would make of them.
 */
final class DescribeCounter extends ForwardingEcs {
  final AtomicLong calls = new AtomicLong();
  final AtomicLong names = new AtomicLong();
  final AtomicLong awsRequests = new AtomicLong();
  final AtomicLong maxNames = new AtomicLong();

  DescribeCounter(Ecs real) {
    super(real);
  }

  /** The ports with ECS counted. */
  static Providers around(Providers p, DescribeCounter counter) {
    return p.withEcs(counter);
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
}
