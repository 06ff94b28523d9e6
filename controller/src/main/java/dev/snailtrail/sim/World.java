package dev.snailtrail.sim;

import dev.snailtrail.provider.Ecs.ServiceEvent;
import dev.snailtrail.provider.Network.RouteTable;
import dev.snailtrail.provider.Network.SecurityGroup;
import dev.snailtrail.provider.Network.Subnet;
import dev.snailtrail.provider.ServiceRef;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Random;

/**
 * The simulated AWS account: every resource, the seeded source of identifiers and a queue of timed
 * transitions. What acts on the resources lives beside it, one concern each: {@link EcsServices}
 * (the ECS calls), {@link ServiceScheduler} (deployments), {@link ServiceDeployments} (blue/green,
 * linear and canary ones, with {@link LifecycleHooks}), {@link TaskLifecycle} (tasks), {@link
 * TaskDefinitionRegistry} and {@link Alarms}. Not thread-safe; the {@link Simulator} serializes
 * access. Time only moves through {@link #advance(Instant)}, which runs the due transitions in time
 * order, so the state is a function of the clock alone.
 */
final class World {
  static final String ACCOUNT = "123456789012";

  /**
   * A timed transition.
   *
   * @param scope the one service it can change (its scheduler pass follows it), or null for any
   */
  private record Event(Instant at, long seq, SimService scope, Runnable action) {}

  final Random random;
  private final long seed;
  private final PriorityQueue<Event> queue =
      new PriorityQueue<>(Comparator.comparing(Event::at).thenComparingLong(Event::seq));
  private long sequence;
  int ipCounter;
  Instant now;
  boolean circuitBreaker = true;

  final Map<String, String> clusters = new LinkedHashMap<>();
  final Map<String, SimService> services = new LinkedHashMap<>();
  final Map<String, SimTargetGroup> targetGroups = new LinkedHashMap<>();
  final Map<String, List<String>> loadBalancers = new LinkedHashMap<>();
  final LogGroups logGroups = new LogGroups();
  final Ecr ecr = new Ecr();
  final Map<String, Subnet> subnets = new LinkedHashMap<>();
  final Map<String, RouteTable> routeTables = new LinkedHashMap<>();
  final Map<String, SecurityGroup> securityGroups = new LinkedHashMap<>();
  final Map<String, Behavior> imageBehaviors = new HashMap<>();

  final Instant start;
  final TaskDefinitionRegistry taskDefinitions = new TaskDefinitionRegistry();
  final EcsServices ecs = new EcsServices(this);
  final ServiceScheduler scheduler = new ServiceScheduler(this);
  final TaskLifecycle lifecycle = new TaskLifecycle(this);
  final Alarms alarms = new Alarms(this);
  final SimScaling scaling = new SimScaling();
  final SimEvents events = new SimEvents();
  final ListenerRules rules = new ListenerRules(this);
  final LifecycleHooks hooks = new LifecycleHooks(this);
  final ServiceDeployments serviceDeployments = new ServiceDeployments(this);

  World(Instant start, long seed) {
    this.start = start;
    this.now = start;
    this.seed = seed;
    this.random = new Random(seed);
  }

  long seed() {
    return seed;
  }

  // ---------------------------------------------------------------- time

  /** Runs every transition due up to {@code target}, in time order. */
  void advance(Instant target) {
    while (!queue.isEmpty() && !queue.peek().at().isAfter(target)) {
      Event e = queue.poll();
      if (e.at().isAfter(now)) {
        now = e.at();
      }
      e.action().run();
      if (e.scope() == null) {
        scheduler.reconcileAll();
      } else if (e.scope().status == dev.snailtrail.provider.ServiceStatus.ACTIVE) {
        scheduler.reconcile(e.scope());
      }
    }
    if (target.isAfter(now)) {
      now = target;
    }
  }

  void at(Instant when, Runnable action) {
    at(when, null, action);
  }

  /**
   * Runs {@code action} at {@code when}, then a pass of the service scheduler over {@code scope}
   * alone: a task's transition changes only its own service, and with thousands of services a pass
   * over all of them after each transition would cost more than the rest of the world together.
   */
  void at(Instant when, SimService scope, Runnable action) {
    queue.add(new Event(when.isBefore(now) ? now : when, sequence++, scope, action));
  }

  void after(Duration delay, Runnable action) {
    at(now.plus(delay), null, action);
  }

  /** {@link #at(Instant, SimService, Runnable)} after {@code delay}. */
  void after(Duration delay, SimService scope, Runnable action) {
    at(now.plus(delay), scope, action);
  }

  // ---------------------------------------------------------------- names

  static String key(String... parts) {
    return String.join("|", parts);
  }

  /** A cluster name from a name or ARN. */
  static String clusterName(String nameOrArn) {
    if (nameOrArn.startsWith("arn:")) {
      return nameOrArn.substring(nameOrArn.lastIndexOf('/') + 1);
    }
    return nameOrArn;
  }

  static ServiceRef normalize(ServiceRef ref) {
    return new ServiceRef(ref.region(), clusterName(ref.cluster()), ref.service());
  }

  String hex(int chars) {
    StringBuilder b = new StringBuilder();
    while (b.length() < chars) {
      b.append(Integer.toHexString(random.nextInt(16)));
    }
    return b.toString();
  }

  String digits(int n) {
    StringBuilder b = new StringBuilder();
    b.append(1 + random.nextInt(9));
    while (b.length() < n) {
      b.append(random.nextInt(10));
    }
    return b.toString();
  }

  /** The ARN of the service's cluster, as ECS events carry it. */
  String clusterArn(SimService s) {
    return clusters.getOrDefault(
        key(s.ref.region(), s.ref.cluster()),
        "arn:aws:ecs:" + s.ref.region() + ":" + ACCOUNT + ":cluster/" + s.ref.cluster());
  }

  /** Sends the task's state to EventBridge (ECS Task State Change). */
  void taskChanged(SimTask t) {
    events.task(t, clusterArn(t.service), now);
  }

  /** Records a service event, numbered as ECS numbers them. */
  void event(SimService s, String message) {
    s.event(new ServiceEvent(hex(8) + "-" + hex(4) + "-" + hex(4) + "-" + hex(12), now, message));
  }
}
