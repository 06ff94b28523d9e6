package dev.snailtrail.sim;

import dev.snailtrail.provider.CloudWatch.MetricPoint;
import dev.snailtrail.provider.ServiceStatus;
import dev.snailtrail.spec.Gate.MetricQuery;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * CloudWatch metrics derived from task history: a datapoint per period from the tasks that ran in
 * it, each task contributing a value its behaviour implies plus a little jitter. The jitter is a
 * hash of the seed, task and period, so asking twice gives the same answer.
 */
final class MetricModel {
  private final World world;

  MetricModel(World world) {
    this.world = world;
  }

  List<MetricPoint> query(String region, MetricQuery q, Instant start, Instant end) {
    Duration period =
        q.period() == null || q.period().isZero() ? Duration.ofSeconds(60) : q.period();
    List<SimService> services = matching(region, q);
    List<MetricPoint> points = new ArrayList<>();
    if (services.isEmpty()) {
      return points;
    }
    for (Instant t = start; t.isBefore(end) && t.isBefore(world.now); t = t.plus(period)) {
      Instant to = min(min(t.plus(period), end), world.now);
      List<Double> values = new ArrayList<>();
      for (SimService s : services) {
        for (SimTask task : s.tasks) {
          if (task.ranDuring(t, to) && inGroup(task, q.dimensions().get("TargetGroup"))) {
            Double v = value(q.namespace(), q.metric(), task, t, period);
            if (v != null) {
              values.add(v);
            }
          }
        }
      }
      if (!values.isEmpty()) {
        Double v = statistic(q.stat(), q.metric(), values);
        if (v != null) {
          points.add(new MetricPoint(t, v));
        }
      }
    }
    return points;
  }

  private static Instant min(Instant a, Instant b) {
    return a.isBefore(b) ? a : b;
  }

  /**
   * Whether a task counts for a TargetGroup dimension (always without one): it is registered with
   * that group. Under blue/green routing the two revisions are in different groups, so each group's
   * metrics are its revision's.
   */
  private boolean inGroup(SimTask task, String dimension) {
    if (dimension == null
        || world.targetGroups.values().stream().noneMatch(g -> named(g, dimension))) {
      return true; // no such group: the service the query falls back to counts whole
    }
    for (var lb : task.service.loadBalancers) {
      SimTargetGroup tg = world.targetGroups.get(TaskTargets.targetGroupOf(task, lb));
      if (tg != null && named(tg, dimension)) {
        return true;
      }
    }
    return false;
  }

  private static boolean named(SimTargetGroup tg, String dimension) {
    return tg.dimension().equals(dimension)
        || tg.arn.equals(dimension)
        || tg.name.equals(dimension);
  }

  /** The service's target groups, a blue/green binding's alternate one too. */
  private static List<String> groupsOf(SimService s) {
    List<String> groups = new ArrayList<>();
    for (var lb : s.loadBalancers) {
      groups.add(lb.targetGroupArn());
      if (lb.blueGreen() != null) {
        groups.add(lb.blueGreen().alternateTargetGroupArn());
      }
    }
    return groups;
  }

  /** Services the query's dimensions point at; the only service when they point nowhere. */
  private List<SimService> matching(String region, MetricQuery q) {
    Map<String, String> dims = q.dimensions();
    Collection<SimService> all = world.services.values();
    List<SimService> found = new ArrayList<>();
    String tgDim = dims.get("TargetGroup");
    String lbDim = dims.get("LoadBalancer");
    String serviceName = dims.get("ServiceName");
    String clusterName = dims.get("ClusterName");
    for (SimService s : all) {
      if (s.status != ServiceStatus.ACTIVE) {
        continue;
      }
      boolean match;
      if (tgDim != null) {
        match =
            groupsOf(s).stream()
                .map(world.targetGroups::get)
                .anyMatch(
                    tg ->
                        tg != null
                            && (tg.dimension().equals(tgDim)
                                || tg.arn.equals(tgDim)
                                || tg.name.equals(tgDim)));
      } else if (lbDim != null) {
        match =
            s.loadBalancers.stream()
                .map(lb -> world.targetGroups.get(lb.targetGroupArn()))
                .anyMatch(
                    tg ->
                        tg != null
                            && tg.loadBalancerArn != null
                            && tg.loadBalancerArn.endsWith(lbDim));
      } else if (serviceName != null) {
        match =
            s.ref.service().equals(serviceName)
                && (clusterName == null || s.ref.cluster().equals(World.clusterName(clusterName)));
      } else {
        match = false;
      }
      if (match && (region == null || s.ref.region().equals(region))) {
        found.add(s);
      }
    }
    if (found.isEmpty()) {
      List<SimService> active = all.stream().filter(s -> s.status == ServiceStatus.ACTIVE).toList();
      if (active.size() == 1) {
        found.add(active.get(0));
      }
    }
    return found;
  }

  /** One task's value for the period, or null when the task contributes no data. */
  private Double value(String namespace, String metric, SimTask t, Instant period, Duration len) {
    double j = jitter(t, period, metric);
    double minutes = len.toSeconds() / 60.0;
    double requests = Math.round(120 * minutes * (0.8 + 0.4 * j));
    Behavior b = t.behavior;
    if ("AWS/ApplicationELB".equals(namespace)) {
      return switch (metric) {
        case "TargetResponseTime" ->
            switch (b) {
              case HEALTHY -> 0.05 + 0.04 * j;
              case SLOW_START, ML_DOWN -> 0.115 + 0.01 * j;
              case UNHEALTHY, WRONG_PORT, CRASH_LOOP, MISSING -> null;
            };
        case "RequestCount" -> requests;
        case "HTTPCode_Target_5XX_Count" -> b == Behavior.UNHEALTHY ? requests : 0.0;
        case "HTTPCode_ELB_5XX_Count" ->
            b == Behavior.WRONG_PORT || b == Behavior.CRASH_LOOP ? requests : 0.0;
        case "HTTPCode_Target_2XX_Count" -> b.passesHealthChecks() ? requests : 0.0;
        default -> null;
      };
    }
    if ("AWS/ECS".equals(namespace)) {
      double ml = t.mlImage() ? 15 : 0;
      return switch (metric) {
        case "CPUUtilization" ->
            switch (b) {
              case HEALTHY, MISSING -> 20 + ml + 10 * j;
              case SLOW_START -> 35 + ml + 10 * j;
              case ML_DOWN -> 12 + 5 * j;
              case UNHEALTHY -> 55 + 10 * j;
              case WRONG_PORT -> 2 + j;
              case CRASH_LOOP -> 80 + 15 * j;
            };
        case "MemoryUtilization" ->
            b == Behavior.ML_DOWN ? 30 + 5 * j : 35 + (t.mlImage() ? 20 : 0) + 10 * j;
        default -> null;
      };
    }
    return null;
  }

  private double jitter(SimTask t, Instant period, String metric) {
    long h = world.seed();
    h = h * 31 + t.id.hashCode();
    h = h * 31 + period.getEpochSecond();
    h = h * 31 + metric.hashCode();
    return new Random(h).nextDouble();
  }

  private static Double statistic(String stat, String metric, List<Double> values) {
    String s = stat == null ? "Average" : stat;
    List<Double> sorted = new ArrayList<>(values);
    sorted.sort(null);
    double sum = 0;
    for (double v : sorted) {
      sum += v;
    }
    if (s.matches("p\\d+(\\.\\d+)?")) {
      double p = Double.parseDouble(s.substring(1));
      int rank = (int) Math.ceil(p / 100 * sorted.size());
      double v = sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
      // A task's value is its typical latency; its tail is a little slower.
      return metric.equals("TargetResponseTime") && p > 50 ? v * (1 + (p - 50) / 250) : v;
    }
    return switch (s) {
      case "Average" -> sum / sorted.size();
      case "Sum" -> sum;
      case "Maximum" -> sorted.get(sorted.size() - 1);
      case "Minimum" -> sorted.get(0);
      case "SampleCount" -> (double) sorted.size();
      default -> null;
    };
  }
}
