package dev.snailtrail.sim;

import dev.snailtrail.provider.CloudWatch;
import dev.snailtrail.provider.DeploymentStrategy;
import dev.snailtrail.provider.Ecs;
import dev.snailtrail.provider.Endpoints;
import dev.snailtrail.provider.Images;
import dev.snailtrail.provider.Logs;
import dev.snailtrail.provider.Providers;
import dev.snailtrail.provider.Scaling;
import dev.snailtrail.provider.ServiceDeploymentState;
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
    implements Ecs, CloudWatch, Logs, Images, Endpoints, Scaling, AutoCloseable {

  private final Clock clock;
  private final World world;
  private final MetricModel metrics;
  private final Loopback loopback;
  private final Journal journal;
  private final SimLoadBalancing elb = new SimLoadBalancing(this);
  private final SimNetwork network = new SimNetwork(this);

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
    return new Providers("sim", this, elb, this, this, this, network, this, this);
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
  public void applyScenario(String yaml) {
    apply(now -> new Op.ApplyScenario(now, yaml));
  }

  /**
   * Puts the service's desired count under Application Auto Scaling with these bounds (null bounds:
   * no scalable target).
   */
  public void setScalableTarget(ServiceRef service, Integer min, Integer max) {
    apply(now -> new Op.SetScalableTarget(now, service, min, max));
  }

  @Override
  public Optional<Range> scalableTarget(ServiceRef service) {
    return read(w -> w.scaling.get(service));
  }

  /** Sets an alarm's state now ({@code OK}, {@code ALARM} or {@code INSUFFICIENT_DATA}). */
  public void setAlarmState(String name, String state, String reason) {
    apply(now -> new Op.SetAlarm(now, name, state, reason));
  }

  /**
   * Makes tasks started from now on with this image behave so; {@code image} is a full reference or
   * {@code repository:tag}.
   */
  public void setImageBehavior(String image, Behavior behavior) {
    apply(now -> new Op.SetImageBehavior(now, image, behavior));
  }

  /** Turns the deployment circuit breaker on (the default) or off for every service. */
  public void setCircuitBreaker(boolean enabled) {
    apply(now -> new Op.SetCircuitBreaker(now, enabled));
  }

  /** Creates a cluster (seed does this for a spec). */
  public void createCluster(String region, String name) {
    apply(now -> new Op.CreateCluster(now, region, name));
  }

  /** Creates a log group. */
  public void createLogGroup(String region, String name) {
    apply(now -> new Op.CreateLogGroup(now, region, name));
  }

  /** Pushes an image to ECR (creating the repository); returns its digest. */
  public String pushImage(String region, ImageRef image) {
    return (String) apply(now -> new Op.PushImage(now, region, image.toString()));
  }

  /** Deletes an image from ECR; whether it was there. */
  public boolean removeImage(String region, ImageRef image) {
    return (Boolean) apply(now -> new Op.RemoveImage(now, region, image.toString()));
  }

  /** Marks a task definition revision INACTIVE. */
  public void deregisterTaskDefinition(String region, String arnOrFamilyRevision) {
    apply(now -> new Op.DeregisterTaskDefinition(now, region, arnOrFamilyRevision));
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
      sim.world.hooks.replay(s.ops());
      for (Op op : s.ops()) {
        sim.world.advance(op.at());
        sim.journal.apply(op);
      }
      sim.tick();
      sim.world.hooks.replayed();
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
  public Optional<ClusterState> describeCluster(String region, String cluster) {
    return read(w -> w.ecs.describeCluster(region, cluster));
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
  public ServiceState createService(CreateServiceRequest request) {
    return (ServiceState) apply(now -> new Op.CreateService(now, request));
  }

  @Override
  public ServiceState updateService(
      ServiceRef ref, String taskDefinitionArn, Integer desiredCount) {
    return updateService(ref, taskDefinitionArn, desiredCount, null); // the service's strategy
  }

  @Override
  public ServiceState updateService(
      ServiceRef ref, String taskDefinitionArn, Integer desiredCount, DeploymentStrategy strategy) {
    return (ServiceState)
        apply(now -> new Op.UpdateService(now, ref, taskDefinitionArn, desiredCount, strategy));
  }

  @Override
  public Optional<ServiceDeploymentState> describeServiceDeployment(String region, String arn) {
    return read(w -> w.serviceDeployments.describe(region, arn));
  }

  @Override
  public void stopServiceDeployment(String region, String arn, boolean rollback) {
    apply(now -> new Op.StopServiceDeployment(now, region, arn, rollback));
  }

  /**
   * Gives the service's load balancer binding blue/green routing, as a blue/green, linear or canary
   * deployment needs: the alternate target group beside the binding's, and the production rule (and
   * the test rule when named) forwarding 100 to the binding's group and 0 to the alternate. ARNs
   * left null are made up; groups and rules that exist are reused as they are.
   *
   * @return the routing the service now has (its {@code loadBalancers[0].blueGreen()})
   */
  public BlueGreenRouting seedBlueGreen(ServiceRef service, BlueGreenRouting routing) {
    return (BlueGreenRouting) apply(now -> new Op.SeedBlueGreen(now, service, routing));
  }

  /**
   * Makes a lifecycle hook's function ARN invoke this target. Register hooks right after building
   * or restoring the simulator: an invocation of an ARN nobody registered answers FAILED.
   */
  public synchronized void registerHook(String functionArn, LifecycleHookTarget target) {
    world.hooks.register(functionArn, target);
  }

  /**
   * The world's own time: the instant of the transition under way while one runs (a lifecycle
   * hook's invocation, say), else the time the world was last brought up to.
   */
  public Clock worldClock() {
    return new WorldClock(this::worldNow);
  }

  private synchronized Instant worldNow() {
    return world.now; // no tick: a hook asks for the time while the world advances
  }

  @Override
  public Map<String, String> serviceTags(String region, String serviceArn) {
    return read(w -> w.ecs.serviceTags(serviceArn));
  }

  @Override
  public void tagService(String region, String serviceArn, Map<String, String> tags) {
    apply(now -> new Op.TagService(now, region, serviceArn, Map.copyOf(tags)));
  }

  @Override
  public synchronized List<TaskState> listTasks(ServiceRef ref, boolean includeStopped) {
    tick();
    return PortViews.tasks(world.ecs.service(ref), includeStopped, world.now);
  }

  @Override
  public Map<String, AlarmState> describeAlarms(String region, List<String> names) {
    return read(w -> w.alarms.describe(names));
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
  public boolean logGroupExists(String region, String logGroup) {
    return read(w -> w.logGroups.exists(region, logGroup));
  }

  @Override
  public Optional<ImageInfo> describeImage(String region, ImageRef image) {
    return read(w -> w.ecr.describe(region, image));
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
