package dev.snailtrail.controller;

import dev.snailtrail.gate.GateEvaluator;
import dev.snailtrail.metrics.Metrics;
import dev.snailtrail.provider.ChangeFeed;
import dev.snailtrail.provider.Providers;
import dev.snailtrail.provider.ProvidersResolver;
import dev.snailtrail.provider.decorate.AlarmBatchingCloudWatch;
import dev.snailtrail.provider.decorate.ClusterBatchingEcs;
import dev.snailtrail.provider.decorate.GuardedEcs;
import dev.snailtrail.provider.decorate.ManagedAlarms;
import dev.snailtrail.provider.decorate.ManagedServices;
import dev.snailtrail.provider.decorate.TaskBatchingEcs;
import dev.snailtrail.reconcile.Commands;
import dev.snailtrail.reconcile.Polling;
import dev.snailtrail.reconcile.Reconciler;
import dev.snailtrail.rollout.PreflightHook;
import dev.snailtrail.store.Leases;
import dev.snailtrail.store.Store;
import dev.snailtrail.store.TemplateStore;
import dev.snailtrail.time.Sleeper;
import dev.snailtrail.trail.TrailSink;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * Builds a {@link Controller} and its {@link ControlPlaneService}; every setting but the four
 * required parts has a default. This is where the parts are wired: per identity the rollouts act as
 * (a {@link Lanes.Lane}), the batching ports that every pass, gate and preflight check of those
 * rollouts shares and the reconciler over them; the work queue and its timer.
 */
public final class ControllerBuilder {
  private final Store store;
  private final ProvidersResolver resolver;
  private final GateEvaluator gates;
  private final Clock clock;
  private Metrics metrics = Metrics.NOOP;
  private int workers = 4;
  private Duration resync = Duration.ofSeconds(30);
  private Duration shutdownTimeout = Duration.ofSeconds(30);
  private Controller.Hooks hooks = Controller.Hooks.NONE;
  private TrailSink sink = TrailSink.NOOP;
  private PrintStream log = System.err;
  private Scheduler scheduler;
  private UnaryOperator<Duration> toRealTime = d -> d;
  private boolean timersOnRealTime;
  private WorkQueue.Observer observer = WorkQueue.Observer.NONE;
  private Function<Providers, PreflightHook> preflight = p -> PreflightHook.NONE;
  private boolean batchDescribes = true;
  private TemplateStore templates;
  private Duration describeFreshness = ClusterBatchingEcs.DEFAULT_FRESHNESS;
  private LeaseSettings leaseSettings;
  private Duration settledFreshness;
  private ChangeFeed changes;
  private Sleeper feedBackoff = d -> Thread.sleep(d);
  private String controllerId = "snailtrail";

  ControllerBuilder(Store store, ProvidersResolver resolver, GateEvaluator gates, Clock clock) {
    this.store = Objects.requireNonNull(store, "store");
    this.resolver = Objects.requireNonNull(resolver, "resolver");
    this.gates = Objects.requireNonNull(gates, "gates");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** Checks run before each phase deploys; a failure pauses the rollout. Default: none. */
  public ControllerBuilder preflight(PreflightHook p) {
    Objects.requireNonNull(p);
    preflight = ports -> p;
    return this;
  }

  /**
   * Checks run before each phase deploys, built over the ports the passes use (so that they share
   * the batched ECS reads, and go out as the rollout's identity: {@code f} is applied once per
   * identity); a failure pauses the rollout.
   */
  public ControllerBuilder preflightOver(Function<Providers, PreflightHook> f) {
    preflight = Objects.requireNonNull(f);
    return this;
  }

  /**
   * Whether reads of the managed services and their tasks are batched per cluster ({@link
   * ClusterBatchingEcs}, {@link TaskBatchingEcs}). Default: on.
   */
  public ControllerBuilder batchDescribes(boolean on) {
    batchDescribes = on;
    return this;
  }

  /**
   * Where AnalysisTemplates are kept. Default: beside the store ({@link TemplateStore#beside}: in a
   * {@code FileStore}'s directory, else in memory).
   */
  public ControllerBuilder templates(TemplateStore t) {
    templates = Objects.requireNonNull(t);
    return this;
  }

  /**
   * How long what a batched describe saw of a service in flux (its rollout deploying, waiting for
   * ECS or rolling back) answers reads. Default 1 s of the clock.
   */
  public ControllerBuilder describeFreshness(Duration d) {
    describeFreshness = Objects.requireNonNull(d);
    return this;
  }

  /**
   * How this replica holds its rollouts when the store is shared ({@link Store#leases()}); ignored
   * for a store one controller holds alone. Default: {@link LeaseSettings#of} a name made of the
   * host and the process id.
   */
  public ControllerBuilder leases(LeaseSettings s) {
    leaseSettings = Objects.requireNonNull(s);
    return this;
  }

  /**
   * The same for a settled service (its rollout analysing, baking, awaiting approval or done).
   * Default: the resync and a tenth (at least the in-flux freshness), so one describe of a cluster
   * per resync serves every pass of its settled rollouts; news of a change (an ECS event) and the
   * rollout's own writes make it read again sooner.
   */
  public ControllerBuilder settledDescribeFreshness(Duration d) {
    settledFreshness = Objects.requireNonNull(d);
    return this;
  }

  private Duration settledFreshness() {
    if (settledFreshness != null) {
      return settledFreshness;
    }
    if (resync == null || !resync.isPositive()) {
      return describeFreshness;
    }
    // The resync runs on the timers' clock, freshness on the rollouts': a sped-up one passes a
    // real resync in that many times more of its own time. A tenth more than the resync: the
    // pass a resync brings finds the last one's snapshot still fresh more often than not, so a
    // cluster is described about once per resync, not twice.
    Duration d = onRolloutClock(resync.plus(resync.dividedBy(10)));
    return d.compareTo(describeFreshness) > 0 ? d : describeFreshness;
  }

  /**
   * How long what one describe saw of the managed alarms answers reads: the in-flux freshness,
   * taken in real time. Requests are a budget of real time (CloudWatch allows so many a second),
   * and a region's alarms are read all at once, so a sped-up simulation asks no more often than AWS
   * would be asked; its events forget a changed alarm at once all the same.
   */
  Duration alarmFreshness() {
    Duration real = onRolloutClock(describeFreshness);
    return real.compareTo(describeFreshness) > 0 ? real : describeFreshness;
  }

  /** A duration of the timers' clock in the rollouts' clock (the same unless sped up). */
  private Duration onRolloutClock(Duration timers) {
    long realNanosPerSecond = toRealTime.apply(Duration.ofSeconds(1)).toNanos();
    if (realNanosPerSecond <= 0) {
      return timers;
    }
    return Duration.ofNanos((long) (timers.toNanos() * (1e9 / realNanosPerSecond)));
  }

  /**
   * Wakes the rollouts a change concerns as soon as it arrives on this feed (an SQS queue an
   * EventBridge rule feeds, or the simulator's events); polling and the resync go on as without it.
   * Default: none. The controller closes the feed.
   */
  public ControllerBuilder changes(ChangeFeed feed) {
    changes = feed;
    return this;
  }

  /** How a back-off after a failed read of the change feed passes. Default: real time. */
  public ControllerBuilder changeFeedBackoff(Sleeper s) {
    feedBackoff = Objects.requireNonNull(s);
    return this;
  }

  /**
   * Who this controller is, as the ECS services its rollouts move are tagged: a service tagged by
   * another controller is left alone. Keep it the same across restarts. Default {@code snailtrail}.
   */
  public ControllerBuilder controllerId(String id) {
    controllerId = Objects.requireNonNull(id);
    return this;
  }

  public ControllerBuilder metrics(Metrics m) {
    metrics = Objects.requireNonNull(m);
    return this;
  }

  /** How many passes may run at once, on different rollouts. Default 4. */
  public ControllerBuilder workers(int n) {
    workers = n;
    return this;
  }

  /** How often every rollout is queued again (null or zero: never). Default 30 s. */
  public ControllerBuilder resync(Duration d) {
    resync = d;
    return this;
  }

  /** How long {@link Controller#close} waits for passes in flight. Default 30 s. */
  public ControllerBuilder shutdownTimeout(Duration d) {
    shutdownTimeout = Objects.requireNonNull(d);
    return this;
  }

  /** What the provider needs to hear of rollouts and passes (the simulator). Default: nothing. */
  public ControllerBuilder hooks(Controller.Hooks h) {
    hooks = Objects.requireNonNull(h);
    return this;
  }

  /** Where newly stored trail events also go (the console). */
  public ControllerBuilder trailSink(TrailSink s) {
    sink = Objects.requireNonNull(s);
    return this;
  }

  /** Where failed passes and resync problems are reported. Default stderr. */
  public ControllerBuilder log(PrintStream p) {
    log = Objects.requireNonNull(p);
    return this;
  }

  /**
   * Runs delays (requeues, back-off, resync) on this scheduler instead of an own timer thread;
   * tests pass a manual one.
   */
  public ControllerBuilder scheduler(Scheduler s) {
    scheduler = s;
    return this;
  }

  /**
   * The rollouts' clock is a sped-up simulation: {@code f} says how long a wait of it takes in real
   * time (for a sped-up clock, {@code ScaledClock::realTimeFor}). The controller's own timers (the
   * work queue, its back-off, the resync) then run on real time, as they would against AWS, and
   * only the waits a pass asks for (a requeue after a gate's interval, a poll, a deadline) are
   * turned into real time. Default: the rollouts' clock is the timers' clock.
   */
  public ControllerBuilder realTime(UnaryOperator<Duration> f) {
    toRealTime = Objects.requireNonNull(f);
    timersOnRealTime = true;
    return this;
  }

  /** Told when workers take keys (queue latency), besides the metrics. */
  public ControllerBuilder queueObserver(WorkQueue.Observer o) {
    observer = Objects.requireNonNull(o);
    return this;
  }

  /**
   * A controller, not started, with its control plane.
   *
   * @throws IllegalArgumentException when fewer than one worker is asked for
   */
  public Controller build() {
    if (workers < 1) {
      throw new IllegalArgumentException("workers must be at least 1, was " + workers);
    }
    ScheduledExecutorService timer = scheduler == null ? timerThread() : null;
    Clock timers = timersOnRealTime ? Clock.systemUTC() : clock;
    Scheduler delays = timer == null ? scheduler : Scheduler.executor(timer, d -> d);
    RolloutAccess access =
        new RolloutAccess(store, queue(timers, delays), hooks, resolver, this::lane, sink, log);
    if (store.leases().isPresent()) {
      access.keeper(keeper(store.leases().get(), access));
    }
    TemplateStore kept = templates != null ? templates : TemplateStore.beside(store, clock);
    ControlPlaneService verbs = new ControlPlaneService(access, kept, new Commands(clock), metrics);
    Runnable stopTimer = timer == null ? () -> {} : timer::shutdownNow;
    return new Controller(
        access,
        verbs,
        delays,
        stopTimer,
        metrics,
        new Controller.Settings(workers, resync, shutdownTimeout, log, clock, toRealTime),
        wakeups(access));
  }

  /**
   * The ports of the rollouts that act as one identity ({@code base}) and the reconciler over them:
   * service and alarm reads batched among those rollouts only, and each ECS change checked against
   * the lease first when the store is shared ({@code guard}).
   */
  private Lanes.Lane lane(Providers base, Runnable guard) {
    ManagedServices managed = new ManagedServices();
    ManagedAlarms alarms = new ManagedAlarms();
    ClusterBatchingEcs batching =
        batchDescribes
            ? new ClusterBatchingEcs(
                base.ecs(), managed, clock, describeFreshness, settledFreshness())
            : null;
    AlarmBatchingCloudWatch alarmReads =
        batchDescribes
            ? new AlarmBatchingCloudWatch(base.cloudWatch(), alarms, clock, alarmFreshness())
            : null;
    // A settled service's tasks are kept a resync only when events say at once that one stopped;
    // without them a stale listing could hide a crashed task from a gate, so it lasts as long as
    // an in-flux one (still one listing per cluster, shared by every rollout on it).
    Duration settledTasks = changes != null ? settledFreshness() : describeFreshness;
    TaskBatchingEcs taskReads =
        batchDescribes
            ? new TaskBatchingEcs(batching, managed, clock, describeFreshness, settledTasks)
            : null;
    Providers ports = batching != null ? base.withEcs(taskReads).withCloudWatch(alarmReads) : base;
    if (store.leases().isPresent()) {
      // ECS has no conditional writes: each change asks first whether the lease still holds.
      ports = ports.withEcs(new GuardedEcs(ports.ecs(), guard));
    }
    Reconciler reconciler =
        new Reconciler(ports, gates, clock, preflight.apply(ports), polling(), controllerId);
    return new Lanes.Lane(ports, reconciler, managed, alarms, batching, alarmReads, taskReads);
  }

  private LeaseKeeper keeper(Leases leases, RolloutAccess access) {
    LeaseSettings s =
        leaseSettings != null ? leaseSettings : LeaseSettings.of(LeaseSettings.hostAndPid(), null);
    return new LeaseKeeper(leases, s, clock, access.queue::add, access::lock, log);
  }

  /**
   * How rollouts wait while ECS works: at ECS's pace, or, when events wake them, at ECS's pace for
   * a lost event ({@link Polling#woken}), at least once per resync.
   */
  private Polling polling() {
    if (changes == null) {
      return Polling.ECS_PACED;
    }
    boolean hasResync = resync != null && resync.isPositive();
    return Polling.woken(hasResync ? resync : Polling.FALLBACK_LONGEST);
  }

  /** The thread that wakes rollouts on the change feed, or null without one. */
  private ChangeWakeups wakeups(RolloutAccess access) {
    if (changes == null) {
      return null;
    }
    return new ChangeWakeups(
        changes,
        access::rolloutsOf,
        access.lanes::changed,
        access.queue,
        metrics,
        feedBackoff,
        log);
  }

  private static ScheduledExecutorService timerThread() {
    return Executors.newSingleThreadScheduledExecutor(
        r -> Thread.ofPlatform().name("snailtrail-timer").daemon(true).unstarted(r));
  }

  /** The work queue, telling the metrics (and the observer) its depth and latency. */
  private WorkQueue queue(Clock timers, Scheduler delays) {
    Metrics m = metrics;
    WorkQueue.Observer also = observer;
    WorkQueue.Observer observed =
        new WorkQueue.Observer() {
          @Override
          public void taken(String key, Duration waited, long waitedNanos) {
            // Real time: the controller's clock may run faster (the demo) or be a test's.
            m.workQueueLatency(Duration.ofNanos(waitedNanos));
            also.taken(key, waited, waitedNanos);
          }

          @Override
          public void depth(int depth) {
            m.workQueueDepth(depth);
            also.depth(depth);
          }
        };
    return new WorkQueue(
        timers,
        delays,
        System::nanoTime,
        WorkQueue.BASE_DELAY,
        WorkQueue.MAX_DELAY,
        0.1,
        Math::random,
        observed);
  }
}
