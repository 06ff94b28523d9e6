package dev.snailtrail.sim;

import dev.snailtrail.provider.CloudWatch;
import dev.snailtrail.provider.Ecs;
import dev.snailtrail.provider.Endpoints;
import dev.snailtrail.provider.Images;
import dev.snailtrail.provider.LoadBalancing.TargetGroup;
import dev.snailtrail.provider.LoadBalancing.TargetHealth;
import dev.snailtrail.provider.Logs;
import dev.snailtrail.provider.Network;
import dev.snailtrail.provider.Providers;
import dev.snailtrail.provider.Scaling;
import dev.snailtrail.provider.ServiceRef;
import dev.snailtrail.provider.TaskDefinition;
import dev.snailtrail.provider.TaskDefinitionSpec;
import dev.snailtrail.spec.Gate.MetricQuery;
import dev.snailtrail.spec.ImageRef;
import dev.snailtrail.spec.Rollout;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An embedded AWS account for Snail Trail: ECS services, deployments and tasks, ELBv2 target
 * groups, CloudWatch alarms, metrics and logs, ECR images and the VPC, behind the same ports the
 * AWS provider implements. Each simulated service is also served on a real loopback HTTP port.
 *
 * <p>Time comes only from the injected clock. Every call first brings the world up to {@code
 * clock.instant()}, running the lifecycle transitions due by then in time order, so what a call
 * returns depends on the clock's time and the seed alone; no thread changes state in the
 * background. Behaviour per image comes from keywords in its tag ({@link Behavior#fromTag}) unless
 * a scenario says otherwise. docs/simulator.md describes behaviours, timings and scenario files.
 *
 * <p>Thread-safe: every call holds this object's lock (the HTTP servers' threads too).
 */
public final class Simulator
    implements Ecs, CloudWatch, Logs, Images, Network, Endpoints, Scaling, AutoCloseable {

  private final Clock clock;
  private final World world;
  private final MetricModel metrics;
  private final Loopback loopback;
  private final Journal journal;
  private final SimLoadBalancing elb = new SimLoadBalancing(this);

  /** A simulator with seed 42. */
  public Simulator(Clock clock) {
    this(clock, 42L);
  }

  /**
   * A simulator.
   *
   * @param clock where time comes from (a manual clock in tests, a sped-up one in the demo)
   * @param seed seeds every identifier and jitter, so two runs with one seed agree
   */
  public Simulator(Clock clock, long seed) {
    this(clock, seed, clock.instant());
  }

  private Simulator(Clock clock, long seed, Instant start) {
    this.clock = clock;
    this.world = new World(start, seed);
    this.journal = new Journal(world);
    this.metrics = new MetricModel(world);
    this.loopback = new Loopback(this::answer);
  }

  /** Every port of this simulator, named {@code sim}. */
  public Providers providers() {
    return new Providers("sim", this, elb, this, this, this, this, this, this);
  }

  /** Makes one outside change, the world first brought up to the clock's time. */
  synchronized Object apply(java.util.function.Function<Instant, Op> op) {
    tick();
    return journal.apply(op.apply(world.now));
  }

  /** Reads the world brought up to the clock's time. */
  synchronized <T> T read(java.util.function.Function<World, T> reader) {
    tick();
    return reader.apply(world);
  }

  private void tick() {
    world.advance(clock.instant());
  }

  /**
   * Prepares a consistent world for a rollout: cluster, VPC, subnets, security groups, target
   * groups and load balancers, log group, ECR images of every phase (except tags containing {@code
   * missing}), the alarms its gates name (OK) and, with {@link Seed#existingService}, the service
   * itself, steady on a baseline revision.
   */
  public synchronized Seeded seed(Rollout rollout, Seed options) {
    tick();
    return (Seeded)
        journal.apply(new Op.SeedWorld(world.now, Seeder.Input.of(rollout.spec()), options));
  }

  /** Applies a scenario file (format in docs/simulator.md). */
  public void applyScenario(Path file) throws IOException {
    applyScenario(Files.readString(file, StandardCharsets.UTF_8));
  }

  /**
   * Applies a scenario given as YAML text.
   *
   * @throws IllegalArgumentException naming what is wrong
   */
  public synchronized void applyScenario(String yaml) {
    tick();
    journal.apply(new Op.ApplyScenario(world.now, yaml));
  }

  /**
   * Puts the service's desired count under Application Auto Scaling with these bounds (null bounds:
   * no scalable target).
   */
  public synchronized void setScalableTarget(ServiceRef service, Integer min, Integer max) {
    tick();
    journal.apply(new Op.SetScalableTarget(world.now, service, min, max));
  }

  @Override
  public synchronized Optional<Range> scalableTarget(ServiceRef service) {
    tick();
    return world.scaling.get(service);
  }

  /** Sets an alarm's state now ({@code OK}, {@code ALARM} or {@code INSUFFICIENT_DATA}). */
  public synchronized void setAlarmState(String name, String state, String reason) {
    tick();
    journal.apply(new Op.SetAlarm(world.now, name, state, reason));
  }

  /**
   * Makes tasks started from now on with this image behave so; {@code image} is a full reference or
   * {@code repository:tag}.
   */
  public synchronized void setImageBehavior(String image, Behavior behavior) {
    tick();
    journal.apply(new Op.SetImageBehavior(world.now, image, behavior));
  }

  /** Turns the deployment circuit breaker on (the default) or off for every service. */
  public synchronized void setCircuitBreaker(boolean enabled) {
    tick();
    journal.apply(new Op.SetCircuitBreaker(world.now, enabled));
  }

  /** Creates a cluster (seed does this for a spec). */
  public synchronized void createCluster(String region, String name) {
    tick();
    journal.apply(new Op.CreateCluster(world.now, region, name));
  }

  /** Creates a log group. */
  public synchronized void createLogGroup(String region, String name) {
    tick();
    journal.apply(new Op.CreateLogGroup(world.now, region, name));
  }

  /** Pushes an image to ECR (creating the repository); returns its digest. */
  public synchronized String pushImage(String region, ImageRef image) {
    tick();
    return (String) journal.apply(new Op.PushImage(world.now, region, image.toString()));
  }

  /** Deletes an image from ECR; whether it was there. */
  public synchronized boolean removeImage(String region, ImageRef image) {
    tick();
    return (Boolean) journal.apply(new Op.RemoveImage(world.now, region, image.toString()));
  }

  /** Marks a task definition revision INACTIVE. */
  public synchronized void deregisterTaskDefinition(String region, String arnOrFamilyRevision) {
    tick();
    journal.apply(new Op.DeregisterTaskDefinition(world.now, region, arnOrFamilyRevision));
  }

  /**
   * The whole world as JSON: the seed, the start time and every change made from outside, so {@link
   * #restore} rebuilds exactly this world (a restarted controller finds its services).
   */
  public synchronized String snapshot() {
    tick();
    return journal.snapshot();
  }

  /**
   * A simulator with the world of a {@link #snapshot}, advanced to the clock's time.
   *
   * @throws IllegalArgumentException when the text is not a snapshot
   */
  public static Simulator restore(Clock clock, String snapshot) {
    return restore(clock, Journal.read(snapshot));
  }

  /** A simulator with the world of a snapshot's seed, start and changes. */
  static Simulator restore(Clock clock, Journal.Snapshot s) {
    Simulator sim = new Simulator(clock, s.seed(), s.start());
    synchronized (sim) {
      for (Op op : s.ops()) {
        sim.world.advance(op.at());
        sim.journal.apply(op);
      }
      sim.tick();
      sim.world.events.drain(); // sent before the restart: a feed starts with what comes next
    }
    return sim;
  }

  /** The changes made from outside since the {@code from}-th, for incremental saves. */
  synchronized List<Op> changesSince(int from) {
    return journal.since(from);
  }

  /** The world brought up to the clock's time, and the EventBridge events it sent meanwhile. */
  synchronized List<String> takeEvents() {
    tick();
    return world.events.drain();
  }

  /** The loopback URL the service is served on. */
  public URI endpoint(ServiceRef service) {
    return resolve(service, null);
  }

  /** Stops the loopback HTTP servers. The simulator's state stays readable. */
  @Override
  public void close() {
    loopback.close();
  }

  private synchronized ServiceApp.Answer answer(ServiceRef service, String path) {
    tick();
    return ServiceApp.answer(world, world.ecs.service(service), path);
  }

  @Override
  public synchronized Optional<ClusterState> describeCluster(String region, String cluster) {
    tick();
    return world.ecs.describeCluster(region, cluster);
  }

  @Override
  public synchronized Map<String, ServiceState> describeServices(
      String region, String cluster, List<String> services) {
    tick();
    return world.ecs.describeServices(region, cluster, services);
  }

  @Override
  public synchronized TaskDefinition registerTaskDefinition(
      String region, TaskDefinitionSpec spec) {
    tick();
    return (TaskDefinition) journal.apply(new Op.RegisterTaskDefinition(world.now, region, spec));
  }

  @Override
  public synchronized Optional<TaskDefinition> describeTaskDefinition(
      String region, String arnOrFamilyRevision) {
    tick();
    return world.taskDefinitions.describe(region, arnOrFamilyRevision);
  }

  @Override
  public synchronized Optional<TaskDefinition> findTaskDefinitionByHash(
      String region, String family, String contentHash) {
    tick();
    return world.taskDefinitions.findByHash(region, family, contentHash);
  }

  @Override
  public synchronized ServiceState createService(CreateServiceRequest request) {
    tick();
    return (ServiceState) journal.apply(new Op.CreateService(world.now, request));
  }

  @Override
  public synchronized ServiceState updateService(
      ServiceRef ref, String taskDefinitionArn, Integer desiredCount) {
    tick();
    return (ServiceState)
        journal.apply(new Op.UpdateService(world.now, ref, taskDefinitionArn, desiredCount));
  }

  @Override
  public synchronized Map<String, String> serviceTags(String region, String serviceArn) {
    tick();
    return world.ecs.serviceTags(serviceArn);
  }

  @Override
  public synchronized void tagService(String region, String serviceArn, Map<String, String> tags) {
    tick();
    journal.apply(new Op.TagService(world.now, region, serviceArn, Map.copyOf(tags)));
  }

  @Override
  public synchronized List<TaskState> listTasks(ServiceRef ref, boolean includeStopped) {
    tick();
    return PortViews.tasks(world.ecs.service(ref), includeStopped, world.now);
  }

  public synchronized List<TargetHealth> describeTargetHealth(
      String region, String targetGroupArn) {
    tick();
    return PortViews.targetHealth(world.targetGroups, targetGroupArn);
  }

  public synchronized Optional<TargetGroup> describeTargetGroup(
      String region, String targetGroupArn) {
    tick();
    return PortViews.targetGroup(world.targetGroups, targetGroupArn);
  }

  public synchronized List<String> loadBalancerSecurityGroups(
      String region, String loadBalancerArn) {
    tick();
    return PortViews.loadBalancerSecurityGroups(world.loadBalancers, loadBalancerArn);
  }

  @Override
  public synchronized Map<String, AlarmState> describeAlarms(String region, List<String> names) {
    tick();
    return world.alarms.describe(names);
  }

  @Override
  public synchronized List<MetricPoint> getMetricData(
      String region, MetricQuery query, Instant start, Instant end) {
    tick();
    return metrics.query(region, query, start, end);
  }

  @Override
  public synchronized List<LogEvent> filterLogEvents(
      String region, String logGroup, String pattern, Instant start, Instant end, int limit) {
    tick();
    return world.logGroups.filter(region, logGroup, pattern, start, end, limit);
  }

  @Override
  public synchronized boolean logGroupExists(String region, String logGroup) {
    tick();
    return world.logGroups.exists(region, logGroup);
  }

  @Override
  public synchronized Optional<ImageInfo> describeImage(String region, ImageRef image) {
    tick();
    return world.ecr.describe(region, image);
  }

  @Override
  public synchronized List<Subnet> describeSubnets(String region, List<String> subnetIds) {
    tick();
    return subnetIds.stream().map(world.subnets::get).filter(s -> s != null).toList();
  }

  @Override
  public synchronized List<RouteTable> describeRouteTables(String region, String vpcId) {
    tick();
    return world.routeTables.values().stream().filter(rt -> rt.vpcId().equals(vpcId)).toList();
  }

  @Override
  public synchronized List<SecurityGroup> describeSecurityGroups(
      String region, List<String> groupIds) {
    tick();
    return groupIds.stream().map(world.securityGroups::get).filter(g -> g != null).toList();
  }

  /**
   * {@code http://127.0.0.1:<port>} of the service's loopback server, keeping the declared URL's
   * path prefix; the declared host is ignored.
   */
  @Override
  public URI resolve(ServiceRef service, URI declared) {
    ServiceRef ref = World.normalize(service);
    String prefix = declared == null || declared.getRawPath() == null ? "" : declared.getRawPath();
    if (prefix.endsWith("/")) {
      prefix = prefix.substring(0, prefix.length() - 1);
    }
    int port = loopback.port(ref, prefix);
    return URI.create("http://127.0.0.1:" + port + prefix);
  }
}
