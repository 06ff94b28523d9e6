package dev.snailtrail.sim;

import dev.snailtrail.provider.CloudWatch.AlarmState;
import dev.snailtrail.provider.ClusterStatus;
import dev.snailtrail.provider.DeploymentRolloutState;
import dev.snailtrail.provider.DeploymentStatus;
import dev.snailtrail.provider.Ecs.ClusterState;
import dev.snailtrail.provider.Ecs.ContainerState;
import dev.snailtrail.provider.Ecs.CreateServiceRequest;
import dev.snailtrail.provider.Ecs.Deployment;
import dev.snailtrail.provider.Ecs.LoadBalancerBinding;
import dev.snailtrail.provider.Ecs.ServiceEvent;
import dev.snailtrail.provider.Ecs.ServiceState;
import dev.snailtrail.provider.Ecs.TaskState;
import dev.snailtrail.provider.HealthStatus;
import dev.snailtrail.provider.LaunchType;
import dev.snailtrail.provider.LoadBalancing.TargetGroup;
import dev.snailtrail.provider.LoadBalancing.TargetHealth;
import dev.snailtrail.provider.Logs.LogEvent;
import dev.snailtrail.provider.Network.RouteTable;
import dev.snailtrail.provider.Network.SecurityGroup;
import dev.snailtrail.provider.Network.Subnet;
import dev.snailtrail.provider.ProviderException;
import dev.snailtrail.provider.ServiceRef;
import dev.snailtrail.provider.ServiceStatus;
import dev.snailtrail.provider.TargetHealthState;
import dev.snailtrail.provider.TaskDefinition;
import dev.snailtrail.provider.TaskDefinitionSpec;
import dev.snailtrail.provider.TaskDefinitionSpec.ContainerDefinition;
import dev.snailtrail.provider.TaskDefinitionStatus;
import dev.snailtrail.provider.TaskStatus;
import dev.snailtrail.provider.TaskStopCode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Random;

/**
 * The simulated AWS account: every resource, the ECS service scheduler and a queue of timed
 * transitions (task lifecycles live in {@link TaskLifecycle}). Not thread-safe; the {@link
 * Simulator} serializes access. Time only moves through {@link #advance(Instant)}, which runs the
 * due transitions in time order, so the state is a function of the clock alone.
 */
final class World {
  static final String ACCOUNT = "123456789012";

  private record Event(Instant at, long seq, Runnable action) {}

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
  final Map<String, List<TaskDefinition>> taskDefinitions = new HashMap<>();
  final Map<String, SimTargetGroup> targetGroups = new LinkedHashMap<>();
  final Map<String, List<String>> loadBalancers = new LinkedHashMap<>();
  final Map<String, AlarmState> alarms = new HashMap<>();
  final Map<String, List<LogEvent>> logGroups = new HashMap<>();
  final Ecr ecr = new Ecr();
  final Map<String, Subnet> subnets = new LinkedHashMap<>();
  final Map<String, RouteTable> routeTables = new LinkedHashMap<>();
  final Map<String, SecurityGroup> securityGroups = new LinkedHashMap<>();
  final Map<String, Behavior> imageBehaviors = new HashMap<>();

  final Instant start;
  final TaskLifecycle lifecycle = new TaskLifecycle(this);

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
      reconcileAll();
    }
    if (target.isAfter(now)) {
      now = target;
    }
  }

  void at(Instant when, Runnable action) {
    queue.add(new Event(when.isBefore(now) ? now : when, sequence++, action));
  }

  void after(Duration delay, Runnable action) {
    at(now.plus(delay), action);
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

  private String digits(int n) {
    StringBuilder b = new StringBuilder();
    b.append(1 + random.nextInt(9));
    while (b.length() < n) {
      b.append(random.nextInt(10));
    }
    return b.toString();
  }

  // ---------------------------------------------------------------- ECS

  void createCluster(String region, String name) {
    clusters.putIfAbsent(
        key(region, name), "arn:aws:ecs:" + region + ":" + ACCOUNT + ":cluster/" + name);
  }

  Optional<ClusterState> describeCluster(String region, String cluster) {
    String name = clusterName(cluster);
    String arn = clusters.get(key(region, name));
    if (arn == null) {
      return Optional.empty();
    }
    int active = 0;
    int running = 0;
    for (SimService s : services.values()) {
      if (s.ref.region().equals(region) && s.ref.cluster().equals(name)) {
        active += s.status == ServiceStatus.ACTIVE ? 1 : 0;
        running += (int) s.tasks.stream().filter(SimTask::running).count();
      }
    }
    return Optional.of(new ClusterState(arn, name, ClusterStatus.ACTIVE, active, running));
  }

  /** Throws NOT_FOUND unless the cluster exists, as ECS answers ClusterNotFoundException. */
  void requireCluster(String region, String cluster, String operation) {
    if (!clusters.containsKey(key(region, clusterName(cluster)))) {
      throw new ProviderException(
          ProviderException.Kind.NOT_FOUND,
          "ecs",
          operation,
          "ClusterNotFoundException: Cluster not found: " + cluster);
    }
  }

  SimService service(ServiceRef ref) {
    ServiceRef n = normalize(ref);
    SimService s = services.get(key(n.region(), n.cluster(), n.service()));
    return s != null && s.status == ServiceStatus.ACTIVE ? s : null;
  }

  private SimService requireService(ServiceRef ref, String operation) {
    SimService s = service(ref);
    if (s == null) {
      throw new ProviderException(
          ProviderException.Kind.NOT_FOUND,
          "ecs",
          operation,
          "ServiceNotFoundException: Service not found: " + ref);
    }
    return s;
  }

  TaskDefinition registerTaskDefinition(String region, TaskDefinitionSpec spec) {
    List<TaskDefinition> revisions =
        taskDefinitions.computeIfAbsent(key(region, spec.family()), k -> new ArrayList<>());
    int revision = revisions.size() + 1;
    TaskDefinition td =
        new TaskDefinition(
            "arn:aws:ecs:"
                + region
                + ":"
                + ACCOUNT
                + ":task-definition/"
                + spec.family()
                + ":"
                + revision,
            spec.family(),
            revision,
            TaskDefinitionStatus.ACTIVE,
            spec);
    revisions.add(td);
    return td;
  }

  Optional<TaskDefinition> describeTaskDefinition(String region, String arnOrFamilyRevision) {
    String s = arnOrFamilyRevision;
    int slash = s.indexOf("task-definition/");
    if (slash >= 0) {
      s = s.substring(slash + "task-definition/".length());
    }
    int colon = s.lastIndexOf(':');
    String family = colon < 0 ? s : s.substring(0, colon);
    List<TaskDefinition> revisions = taskDefinitions.get(key(region, family));
    if (revisions == null) {
      return Optional.empty();
    }
    if (colon < 0) {
      return revisions.stream()
          .filter(t -> t.status() == TaskDefinitionStatus.ACTIVE)
          .reduce((a, b) -> b);
    }
    try {
      int revision = Integer.parseInt(s.substring(colon + 1));
      return revision >= 1 && revision <= revisions.size()
          ? Optional.of(revisions.get(revision - 1))
          : Optional.empty();
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  Optional<TaskDefinition> findTaskDefinitionByHash(String region, String family, String hash) {
    List<TaskDefinition> revisions = taskDefinitions.getOrDefault(key(region, family), List.of());
    for (int i = revisions.size() - 1; i >= 0; i--) {
      TaskDefinition td = revisions.get(i);
      if (td.status() == TaskDefinitionStatus.ACTIVE
          && hash.equals(td.spec().tags().get(TaskDefinitionSpec.HASH_TAG))) {
        return Optional.of(td);
      }
    }
    return Optional.empty();
  }

  void deregisterTaskDefinition(String region, String arnOrFamilyRevision) {
    TaskDefinition td =
        describeTaskDefinition(region, arnOrFamilyRevision)
            .orElseThrow(() -> invalid("DeregisterTaskDefinition", arnOrFamilyRevision));
    List<TaskDefinition> revisions = taskDefinitions.get(key(region, td.family()));
    revisions.set(
        td.revision() - 1,
        new TaskDefinition(
            td.arn(), td.family(), td.revision(), TaskDefinitionStatus.INACTIVE, td.spec()));
  }

  private static ProviderException invalid(String operation, String taskDefinition) {
    return new ProviderException(
        ProviderException.Kind.INVALID,
        "ecs",
        operation,
        "ClientException: Unable to describe task definition " + taskDefinition);
  }

  ServiceState createService(CreateServiceRequest request) {
    ServiceRef ref = normalize(request.ref());
    requireCluster(ref.region(), ref.cluster(), "CreateService");
    if (service(ref) != null) {
      throw new ProviderException(
          ProviderException.Kind.INVALID,
          "ecs",
          "CreateService",
          "InvalidParameterException: Creation of service was not idempotent.");
    }
    TaskDefinition td =
        describeTaskDefinition(ref.region(), request.taskDefinitionArn())
            .orElseThrow(() -> invalid("CreateService", request.taskDefinitionArn()));
    LaunchType launchType =
        request.launchType() == null ? LaunchType.FARGATE : request.launchType();
    SimService s =
        new SimService(
            ref,
            "arn:aws:ecs:"
                + ref.region()
                + ":"
                + ACCOUNT
                + ":service/"
                + ref.cluster()
                + "/"
                + ref.service(),
            launchType,
            request.network(),
            request.loadBalancers(),
            request.desiredCount());
    services.put(key(ref.region(), ref.cluster(), ref.service()), s);
    s.deployments.add(0, new SimDeployment(deploymentId(), td, request.desiredCount(), now));
    reconcile(s);
    return serviceState(s);
  }

  ServiceState updateService(ServiceRef ref, String taskDefinitionArn, int desiredCount) {
    SimService s = requireService(ref, "UpdateService");
    TaskDefinition td =
        describeTaskDefinition(s.ref.region(), taskDefinitionArn)
            .orElseThrow(() -> invalid("UpdateService", taskDefinitionArn));
    for (SimDeployment d : s.deployments) {
      if (d.status == DeploymentStatus.PRIMARY) {
        d.status = DeploymentStatus.ACTIVE;
        d.updatedAt = now;
      }
    }
    s.desiredCount = desiredCount;
    s.deployments.add(0, new SimDeployment(deploymentId(), td, desiredCount, now));
    while (s.deployments.size() > 6) {
      s.deployments.remove(s.deployments.size() - 1);
    }
    reconcile(s);
    return serviceState(s);
  }

  private String deploymentId() {
    return "ecs-svc/" + digits(19);
  }

  void event(SimService s, String message) {
    s.event(new ServiceEvent(hex(8) + "-" + hex(4) + "-" + hex(4) + "-" + hex(12), now, message));
  }

  // ---------------------------------------------------------------- the service scheduler

  private void reconcileAll() {
    for (SimService s : services.values()) {
      if (s.status == ServiceStatus.ACTIVE) {
        reconcile(s);
      }
    }
  }

  /**
   * One pass of the ECS service scheduler: launch for the PRIMARY deployment within maximumPercent
   * (200), stop older tasks while minimumHealthyPercent (100) still holds, complete the deployment
   * once only its healthy tasks remain.
   */
  void reconcile(SimService s) {
    SimDeployment primary = s.primary();
    if (primary == null) {
      return;
    }
    List<SimTask> live = s.tasks.stream().filter(SimTask::live).toList();
    List<SimTask> primaryLive = live.stream().filter(t -> t.deployment == primary).toList();
    int maxTotal = primary.desiredCount * 2;
    if (primary.rolloutState != DeploymentRolloutState.FAILED) {
      int launch =
          Math.min(primary.desiredCount - primaryLive.size(), Math.max(0, maxTotal - live.size()));
      if (launch > 0) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < launch; i++) {
          ids.add(lifecycle.launch(s, primary).id);
        }
        event(
            s,
            s.tag()
                + " has started "
                + launch
                + " tasks: "
                + String.join(" ", ids.stream().map(id -> "(task " + id + ")").toList())
                + ".");
      }
    }
    // Too many tasks in the primary deployment (scaled in): stop the ones least far along.
    int excess = primaryLive.size() - primary.desiredCount;
    if (excess > 0) {
      List<SimTask> ordered = new ArrayList<>(primaryLive);
      ordered.sort(Comparator.comparing((SimTask t) -> healthy(t)).thenComparing(t -> t.createdAt));
      stopByScheduler(s, ordered.subList(0, excess), primary);
    }
    // Older deployments: not-yet-healthy tasks go at once; healthy ones as the new ones take over.
    long healthyTotal = s.tasks.stream().filter(SimTask::live).filter(this::healthy).count();
    List<SimTask> old =
        s.tasks.stream().filter(SimTask::live).filter(t -> t.deployment != primary).toList();
    List<SimTask> stop = new ArrayList<>(old.stream().filter(t -> !healthy(t)).toList());
    long spare = healthyTotal - s.desiredCount;
    for (SimTask t : old) {
      if (spare <= 0) {
        break;
      }
      if (healthy(t)) {
        stop.add(t);
        spare--;
      }
    }
    if (!stop.isEmpty()) {
      stopByScheduler(s, stop, primary);
    }
    boolean othersGone =
        s.tasks.stream().filter(t -> t.deployment != primary).allMatch(SimTask::stopped);
    List<SimTask> nowLive = primaryLive.stream().filter(SimTask::live).toList();
    if (primary.rolloutState == DeploymentRolloutState.IN_PROGRESS
        && othersGone
        && nowLive.size() == primary.desiredCount
        && nowLive.stream().allMatch(this::healthy)) {
      primary.rolloutState = DeploymentRolloutState.COMPLETED;
      primary.rolloutStateReason = "ECS deployment " + primary.id + " completed.";
      primary.updatedAt = now;
      for (SimDeployment d : s.deployments) {
        if (d != primary && d.status != DeploymentStatus.INACTIVE) {
          d.status = DeploymentStatus.INACTIVE;
          d.updatedAt = now;
        }
      }
      event(s, s.tag() + " has reached a steady state.");
    }
  }

  /**
   * Whether ECS counts the task as healthy for a deployment: RUNNING, its container health check
   * (if any) HEALTHY, and healthy in every target group of the service.
   */
  boolean healthy(SimTask t) {
    if (!t.running()) {
      return false;
    }
    if (t.main.healthCheck() != null
        ? t.health != HealthStatus.HEALTHY
        : t.health == HealthStatus.UNHEALTHY) {
      return false;
    }
    for (LoadBalancerBinding lb : t.service.loadBalancers) {
      SimTargetGroup tg = targetGroups.get(lb.targetGroupArn());
      if (tg != null) {
        SimTargetGroup.Target target = tg.targets.get(t.id);
        if (target == null || target.state != TargetHealthState.HEALTHY) {
          return false;
        }
      }
    }
    return true;
  }

  private void stopByScheduler(SimService s, List<SimTask> tasks, SimDeployment primary) {
    List<String> ids = new ArrayList<>();
    for (SimTask t : tasks) {
      ids.add(t.id);
      lifecycle.beginStop(
          t,
          TaskStopCode.SERVICE_SCHEDULER_INITIATED,
          "Scaling activity initiated by (deployment " + primary.id + ")",
          0);
    }
    event(
        s,
        s.tag()
            + " has stopped "
            + tasks.size()
            + " running tasks: "
            + String.join(" ", ids.stream().map(id -> "(task " + id + ")").toList())
            + ".");
  }

  void taskFailed(SimTask t) {
    SimDeployment d = t.deployment;
    d.failedTasks++;
    d.updatedAt = now;
    int threshold = Math.max(3, (d.desiredCount + 1) / 2);
    if (circuitBreaker
        && d.status == DeploymentStatus.PRIMARY
        && d.rolloutState == DeploymentRolloutState.IN_PROGRESS
        && d.failedTasks >= threshold) {
      d.rolloutState = DeploymentRolloutState.FAILED;
      d.rolloutStateReason = "ECS deployment circuit breaker: tasks failed to start.";
      event(
          t.service,
          t.service.tag() + " deployment " + d.id + " deployment failed: tasks failed to start.");
    }
  }

  // ---------------------------------------------------------------- views

  ServiceState serviceState(SimService s) {
    List<Deployment> deployments = new ArrayList<>();
    for (SimDeployment d : s.deployments) {
      int running = 0;
      int pending = 0;
      for (SimTask t : s.tasks) {
        if (t.deployment == d && t.live()) {
          running += t.lastStatus == TaskStatus.RUNNING ? 1 : 0;
          pending += t.lastStatus == TaskStatus.RUNNING ? 0 : 1;
        }
      }
      deployments.add(
          new Deployment(
              d.id,
              d.status,
              d.taskDefinition.arn(),
              d.desiredCount,
              running,
              pending,
              d.failedTasks,
              d.rolloutState,
              d.rolloutStateReason,
              d.createdAt,
              d.updatedAt));
    }
    int running = (int) s.tasks.stream().filter(SimTask::running).count();
    int pending =
        (int)
            s.tasks.stream()
                .filter(SimTask::live)
                .filter(t -> t.lastStatus != TaskStatus.RUNNING)
                .count();
    SimDeployment primary = s.primary();
    return new ServiceState(
        s.ref,
        s.arn,
        s.status,
        primary == null ? null : primary.taskDefinition.arn(),
        s.desiredCount,
        running,
        pending,
        s.launchType,
        s.network,
        s.loadBalancers,
        deployments,
        s.events);
  }

  TaskState taskState(SimTask t) {
    List<ContainerState> containers = new ArrayList<>();
    for (ContainerDefinition c : t.taskDefinition.spec().containers()) {
      boolean main = c == t.main;
      TaskStatus status = containerStatus(t.lastStatus);
      HealthStatus health =
          c.healthCheck() == null
              ? HealthStatus.UNKNOWN
              : main ? t.health : healthOfSidecar(t, status);
      containers.add(
          new ContainerState(
              c.name(),
              c.image(),
              status,
              health,
              t.stopped() ? (main ? t.exitCode : (t.startedAt == null ? null : 0)) : null,
              t.containerReason,
              main ? t.bindings : List.of()));
    }
    return new TaskState(
        t.arn,
        t.taskDefinition.arn(),
        t.lastStatus,
        t.desiredStatus,
        t.main.healthCheck() == null ? HealthStatus.UNKNOWN : t.health,
        t.stopCode,
        t.stoppedReason,
        t.launchType,
        containers,
        t.privateIp,
        t.publicIp,
        t.startedAt,
        t.stoppedAt);
  }

  /** A container is PENDING until its task runs, and runs until its task has stopped. */
  private static TaskStatus containerStatus(TaskStatus task) {
    return switch (task) {
      case PROVISIONING, PENDING -> TaskStatus.PENDING;
      case STOPPED, DELETED -> TaskStatus.STOPPED;
      case ACTIVATING, RUNNING, DEACTIVATING, STOPPING, DEPROVISIONING, UNRECOGNIZED ->
          TaskStatus.RUNNING;
    };
  }

  private static HealthStatus healthOfSidecar(SimTask t, TaskStatus status) {
    return status == TaskStatus.RUNNING && t.readyAt != null
        ? HealthStatus.HEALTHY
        : HealthStatus.UNKNOWN;
  }

  List<TargetHealth> targetHealth(String targetGroupArn) {
    SimTargetGroup tg = targetGroups.get(targetGroupArn);
    if (tg == null) {
      throw new ProviderException(
          ProviderException.Kind.NOT_FOUND,
          "elbv2",
          "DescribeTargetHealth",
          "TargetGroupNotFound: One or more target groups not found: " + targetGroupArn);
    }
    return tg.targets.values().stream()
        .map(t -> new TargetHealth(t.id, t.port, t.state, t.reason, t.description))
        .toList();
  }

  Optional<TargetGroup> targetGroup(String arn) {
    SimTargetGroup tg = targetGroups.get(arn);
    if (tg == null) {
      return Optional.empty();
    }
    return Optional.of(
        new TargetGroup(
            tg.arn,
            tg.name,
            "HTTP",
            tg.port,
            tg.targetType,
            tg.vpcId,
            "/health",
            "traffic-port",
            tg.loadBalancerArn == null ? List.of() : List.of(tg.loadBalancerArn)));
  }

  // ---------------------------------------------------------------- alarms

  /** An alarm; alarm names are account-wide here, whatever the region. */
  AlarmState alarm(String name) {
    return alarms.computeIfAbsent(
        name,
        k -> new AlarmState(name, "OK", "Threshold Crossed: no datapoints were breaching", now));
  }

  void setAlarm(String name, String state, String reason) {
    String s = state.toUpperCase(Locale.ROOT);
    if (!s.equals("OK") && !s.equals("ALARM") && !s.equals("INSUFFICIENT_DATA")) {
      throw new IllegalArgumentException(
          "alarm state '" + state + "' is not OK, ALARM or INSUFFICIENT_DATA");
    }
    alarms.put(name, new AlarmState(name, s, reason, now));
  }
}
