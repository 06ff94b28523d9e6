package dev.snailtrail.doctor;

import dev.snailtrail.provider.CloudWatch.AlarmState;
import dev.snailtrail.provider.Ecs.ClusterState;
import dev.snailtrail.provider.Ecs.LoadBalancerBinding;
import dev.snailtrail.provider.Ecs.NetworkConfig;
import dev.snailtrail.provider.Ecs.ServiceState;
import dev.snailtrail.provider.Ecs.TaskState;
import dev.snailtrail.provider.Images.ImageInfo;
import dev.snailtrail.provider.LaunchType;
import dev.snailtrail.provider.LoadBalancing.TargetGroup;
import dev.snailtrail.provider.Network.RouteTable;
import dev.snailtrail.provider.Network.SecurityGroup;
import dev.snailtrail.provider.Network.Subnet;
import dev.snailtrail.provider.NetworkMode;
import dev.snailtrail.provider.ProviderException;
import dev.snailtrail.provider.Providers;
import dev.snailtrail.provider.Scaling;
import dev.snailtrail.provider.ServiceRef;
import dev.snailtrail.provider.TaskDefinition;
import dev.snailtrail.provider.TaskDefinitionSpec;
import dev.snailtrail.provider.TaskStatus;
import dev.snailtrail.rollout.TaskDefinitions;
import dev.snailtrail.spec.ImageRef;
import dev.snailtrail.spec.Rollout;
import dev.snailtrail.spec.Target;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the world looks like, asked once per preflight run: several checks need the service, a
 * target group or an image, and none of them should cost a second call. Failures are remembered
 * too, so an outage is one failed call, not one per check. Nothing outlives the run.
 */
final class Facts {
  private static final Pattern ECR_REGION =
      Pattern.compile("\\d{12}\\.dkr\\.ecr(?:-fips)?\\.([a-z0-9-]+)\\.amazonaws\\.com(?:\\.cn)?");

  final Rollout rollout;
  final Providers providers;
  final ServiceRef ref;
  final Map<String, String> revisions;
  private final TaskDefinitionSpec base;
  private final Map<String, Object> answers = new HashMap<>();

  Facts(
      Rollout rollout,
      Providers providers,
      TaskDefinitionSpec base,
      Map<String, String> revisions) {
    this.rollout = rollout;
    this.providers = providers;
    this.base = base;
    this.revisions = Map.copyOf(revisions);
    Target t = rollout.spec().target();
    this.ref = new ServiceRef(t.region(), t.cluster(), t.service());
  }

  String region() {
    return ref.region();
  }

  Optional<ClusterState> cluster() {
    return remember("cluster", () -> providers.ecs().describeCluster(region(), ref.cluster()));
  }

  /**
   * The service, or empty when it (or its cluster) does not exist. Asked before the cluster: a
   * service that exists answers for its cluster too, so the usual case needs no DescribeClusters.
   */
  Optional<ServiceState> service() {
    return remember(
        "service",
        () -> {
          try {
            return providers.ecs().describeService(ref);
          } catch (ProviderException e) {
            if (e.kind() == ProviderException.Kind.NOT_FOUND) {
              return Optional.empty();
            }
            throw e;
          }
        });
  }

  /** The service's Application Auto Scaling target, or empty. */
  Optional<Scaling.Range> scalableTarget() {
    return remember("scaling", () -> providers.scaling().scalableTarget(ref));
  }

  /** The task definition phase {@code index} would register. */
  TaskDefinitionSpec taskDefinition(int index) {
    return remember("td-spec:" + index, () -> TaskDefinitions.forPhase(rollout, index, base()));
  }

  /**
   * What phases start from: the base given, else what the rollout declares, else (a rollout on the
   * live service) the revision the service runs now.
   *
   * @throws ProviderException NOT_FOUND when the rollout needs the live service and it is absent
   */
  TaskDefinitionSpec base() {
    if (base != null) {
      return base;
    }
    return remember(
        "base",
        () -> {
          TaskDefinitionSpec declared = TaskDefinitions.declaredBase(rollout);
          return declared != null ? declared : TaskDefinitions.runningNow(providers.ecs(), ref);
        });
  }

  /** awsvpc, bridge or host (awsvpc when unset, as the spec loader defaults it). */
  NetworkMode networkMode() {
    NetworkMode mode = taskDefinition(0).networkMode();
    return mode == null ? NetworkMode.AWSVPC : mode;
  }

  boolean awsvpc() {
    return networkMode() == NetworkMode.AWSVPC;
  }

  /** The launch type the tasks run with: the service's when it exists, else the template's. */
  LaunchType launchType() {
    LaunchType fromService = service().map(ServiceState::launchType).orElse(null);
    return fromService != null
        ? fromService
        : LaunchType.of(rollout.spec().template().launchType());
  }

  /** The awsvpc networking: the service's when it exists, else what a created one would get. */
  NetworkConfig network() {
    Optional<ServiceState> s = service();
    if (s.isPresent() && s.get().network() != null) {
      return s.get().network();
    }
    Target.Network n = rollout.spec().target().network();
    return n == null
        ? null
        : new NetworkConfig(n.subnets(), n.securityGroups(), n.assignPublicIp());
  }

  /** The target group registrations: the service's when it has any, else the spec's. */
  List<LoadBalancerBinding> bindings() {
    Optional<ServiceState> s = service();
    if (s.isPresent() && !s.get().loadBalancers().isEmpty()) {
      return s.get().loadBalancers();
    }
    return rollout.spec().target().loadBalancers().stream()
        .map(
            lb ->
                new LoadBalancerBinding(
                    lb.targetGroupArn(),
                    lb.containerName() != null ? lb.containerName() : mainContainer(),
                    lb.containerPort() > 0 ? lb.containerPort() : mainPort()))
        .toList();
  }

  /** The container the phases change, as the first phase's task definition has it. */
  String mainContainer() {
    return TaskDefinitions.mainContainer(rollout.spec().template(), taskDefinition(0));
  }

  /** The main container's port: the template's, else its first port mapping's. */
  int mainPort() {
    int declared = rollout.spec().template().port();
    return declared > 0 ? declared : taskDefinition(0).container(mainContainer()).firstPort();
  }

  Optional<TargetGroup> targetGroup(String arn) {
    return remember(
        "tg:" + arn,
        () -> {
          try {
            return providers.loadBalancing().describeTargetGroup(region(), arn);
          } catch (ProviderException e) {
            if (e.kind() == ProviderException.Kind.NOT_FOUND) {
              return Optional.empty();
            }
            throw e;
          }
        });
  }

  List<String> loadBalancerSecurityGroups(String loadBalancerArn) {
    return remember(
        "lb-sg:" + loadBalancerArn,
        () -> providers.loadBalancing().loadBalancerSecurityGroups(region(), loadBalancerArn));
  }

  List<SecurityGroup> securityGroups(List<String> ids) {
    return remember("sg:" + ids, () -> providers.network().describeSecurityGroups(region(), ids));
  }

  List<Subnet> subnets(List<String> ids) {
    return remember("subnet:" + ids, () -> providers.network().describeSubnets(region(), ids));
  }

  List<RouteTable> routeTables(String vpcId) {
    return remember("rtb:" + vpcId, () -> providers.network().describeRouteTables(region(), vpcId));
  }

  /** Running tasks of the service; none when it does not exist. */
  List<TaskState> runningTasks() {
    return remember(
        "tasks",
        () ->
            service().isEmpty()
                ? List.of()
                : providers.ecs().listTasks(ref, false).stream()
                    .filter(t -> t.lastStatus() == TaskStatus.RUNNING)
                    .toList());
  }

  /**
   * The image in ECR, or empty when its repository holds no such tag or digest.
   *
   * @throws ProviderException NOT_FOUND when the repository does not exist
   */
  Optional<ImageInfo> image(ImageRef image) {
    return remember(
        "image:" + image, () -> providers.images().describeImage(ecrRegion(image), image));
  }

  /** The region of an ECR image: its registry's, else the service's. */
  String ecrRegion(ImageRef image) {
    Matcher m = ECR_REGION.matcher(image.registry() == null ? "" : image.registry());
    return m.matches() ? m.group(1) : region();
  }

  /** Task definitions read just now, by ARN: {@link #registered} answers them without asking. */
  void described(Map<String, TaskDefinition> byArn) {
    byArn.forEach((arn, td) -> answers.putIfAbsent("td:" + arn, Optional.of(td)));
  }

  Optional<TaskDefinition> registered(String arnOrFamilyRevision) {
    return remember(
        "td:" + arnOrFamilyRevision,
        () -> providers.ecs().describeTaskDefinition(region(), arnOrFamilyRevision));
  }

  Map<String, AlarmState> alarms(List<String> names) {
    return remember(
        "alarms:" + names, () -> providers.cloudWatch().describeAlarms(region(), names));
  }

  /** The answer of {@code ask} under {@code key}, asked at most once; failures are kept too. */
  @SuppressWarnings("unchecked")
  private <T> T remember(String key, Supplier<T> ask) {
    Object known = answers.get(key);
    if (known == null) {
      try {
        known = ask.get();
      } catch (RuntimeException e) {
        known = new Failure(e);
      }
      answers.put(key, known);
    }
    if (known instanceof Failure f) {
      throw f.error();
    }
    return (T) known;
  }

  private record Failure(RuntimeException error) {}
}
