package dev.snailtrail.controller;

import dev.snailtrail.gate.GateEvaluator;
import dev.snailtrail.metrics.Metrics;
import dev.snailtrail.provider.Ecs;
import dev.snailtrail.provider.ProviderException;
import dev.snailtrail.provider.Providers;
import dev.snailtrail.provider.ServiceRef;
import dev.snailtrail.provider.decorate.ClusterBatchingEcs;
import dev.snailtrail.provider.decorate.ManagedServices;
import dev.snailtrail.reconcile.Commands;
import dev.snailtrail.reconcile.ReconcileResult;
import dev.snailtrail.reconcile.Reconciler;
import dev.snailtrail.rollout.PreflightHook;
import dev.snailtrail.rollout.RolloutStatus;
import dev.snailtrail.spec.Rollout;
import dev.snailtrail.spec.Target;
import dev.snailtrail.spec.load.SpecException;
import dev.snailtrail.spec.load.SpecLoader;
import dev.snailtrail.spec.load.TaskDefinitionFile;
import dev.snailtrail.store.Store;
import dev.snailtrail.store.StoredRollout;
import dev.snailtrail.trail.TrailEvent;
import dev.snailtrail.trail.TrailSink;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The long-running controller: a bounded pool of workers takes rollout names from a {@link
 * WorkQueue} and runs one {@link Reconciler} pass each, against the spec and status in the {@link
 * Store}. A pass appends its trail events before it writes status, so a crash in between re-emits
 * the same event ids on the next pass and the store drops them. Provider errors (and bugs) back off
 * per rollout and never touch status. A periodic resync queues every rollout again, so nothing
 * depends on a wake-up having been delivered.
 *
 * <p>At most one thing happens to a rollout at a time: a pass, a manual verb and an apply of the
 * same rollout take the same per-rollout lock.
 *
 * <p>Unless told not to, passes read ECS through a {@link ClusterBatchingEcs}, which the controller
 * tells what services its rollouts manage: rollouts on one cluster then share one batched describe
 * of the cluster per freshness window instead of one describe each per pass.
 */
public final class Controller implements ControlPlane, AutoCloseable {

  /**
   * What the controller tells the world its provider simulates, if any. The simulator seeds a world
   * for each rollout and persists itself after each pass; the AWS provider needs neither.
   */
  public interface Hooks {
    /** A rollout was applied, or found in the store at start: prepare what it needs. */
    default void prepare(Rollout rollout) {}

    /** A pass has acted; runs before its trail and status are written. */
    default void afterPass(String rollout) {}

    /** The controller stops: persist whatever is left. */
    default void flush() {}

    Hooks NONE = new Hooks() {};
  }

  private final Store store;
  private final Providers providers;
  private final Clock clock;
  private final Metrics metrics;
  private final int workerCount;
  private final Duration resync;
  private final Duration shutdownTimeout;
  private final Hooks hooks;
  private final TrailSink sink;
  private final PrintStream log;
  private final Path specBaseDir;
  private final ManagedServices managed = new ManagedServices();
  private final Reconciler reconciler;
  private final Commands commands;
  private final WorkQueue queue;
  private final Scheduler scheduler;
  private final ScheduledExecutorService ownScheduler;
  private final Map<String, ReentrantLock> locks = new ConcurrentHashMap<>();
  private final List<Thread> workers = new ArrayList<>();
  private final AtomicLong passes = new AtomicLong();
  private final AtomicLong failedPasses = new AtomicLong();
  private final AtomicInteger inFlight = new AtomicInteger();
  private volatile Runnable cancelResync = () -> {};
  private boolean started;
  private boolean closed;

  /**
   * A controller with the system scheduler, no hooks, trail events to nowhere but the store and
   * errors to stderr.
   *
   * @param workers how many passes may run at once (on different rollouts)
   * @param resync how often every rollout is queued again
   */
  public Controller(
      Store store,
      Providers providers,
      GateEvaluator gates,
      Clock clock,
      Metrics metrics,
      int workers,
      Duration resync) {
    this(builder(store, providers, gates, clock).metrics(metrics).workers(workers).resync(resync));
  }

  private Controller(Builder b) {
    if (b.workers < 1) {
      throw new IllegalArgumentException("workers must be at least 1, was " + b.workers);
    }
    this.store = b.store;
    // Every pass, gate and preflight check reads ECS through the same (batching) port.
    this.providers =
        b.batchDescribes
            ? withEcs(
                b.providers,
                new ClusterBatchingEcs(b.providers.ecs(), managed, b.clock, b.describeFreshness))
            : b.providers;
    this.clock = b.clock;
    this.metrics = b.metrics;
    this.workerCount = b.workers;
    this.resync = b.resync;
    this.shutdownTimeout = b.shutdownTimeout;
    this.hooks = b.hooks;
    this.sink = b.sink;
    this.log = b.log;
    this.specBaseDir = b.specBaseDir;
    this.reconciler =
        new Reconciler(
            providers, b.gates, b.clock, TaskDefinitionFile::baseOf, b.preflight.apply(providers));
    this.commands = new Commands(b.clock);
    if (b.scheduler != null) {
      this.scheduler = b.scheduler;
      this.ownScheduler = null;
    } else {
      this.ownScheduler =
          Executors.newSingleThreadScheduledExecutor(
              r -> Thread.ofPlatform().name("snailtrail-timer").daemon(true).unstarted(r));
      this.scheduler = Scheduler.executor(ownScheduler, b.toRealTime);
    }
    WorkQueue.Observer metricsObserver =
        new WorkQueue.Observer() {
          @Override
          public void taken(String key, Duration waited, long waitedNanos) {
            metrics.workQueueLatency(waited);
            b.observer.taken(key, waited, waitedNanos);
          }

          @Override
          public void depth(int depth) {
            metrics.workQueueDepth(depth);
            b.observer.depth(depth);
          }
        };
    this.queue =
        new WorkQueue(
            b.clock,
            scheduler,
            System::nanoTime,
            WorkQueue.BASE_DELAY,
            WorkQueue.MAX_DELAY,
            0.1,
            Math::random,
            metricsObserver);
  }

  /** A builder with the required parts; the rest have defaults. */
  public static Builder builder(
      Store store, Providers providers, GateEvaluator gates, Clock clock) {
    return new Builder(store, providers, gates, clock);
  }

  /**
   * Queues every stored rollout and starts the workers and the resync timer.
   *
   * @throws IllegalStateException when started twice or after close
   */
  public synchronized void start() {
    if (started || closed) {
      throw new IllegalStateException("a controller starts once");
    }
    started = true;
    for (String name : store.names()) {
      store.get(name).ifPresent(r -> prepare(r.spec()));
      queue.add(name);
    }
    scheduleResync();
    for (int i = 0; i < workerCount; i++) {
      workers.add(Thread.ofVirtual().name("snailtrail-worker-" + i).start(this::work));
    }
  }

  private void scheduleResync() {
    if (resync == null || resync.isZero() || resync.isNegative()) {
      return;
    }
    cancelResync =
        scheduler.schedule(
            resync,
            () -> {
              if (queue.isShuttingDown()) {
                return;
              }
              try {
                store.names().forEach(queue::add);
              } catch (RuntimeException e) {
                log.println("snailtrail controller: resync could not list the store: " + e);
              }
              scheduleResync();
            });
  }

  private void work() {
    try {
      while (true) {
        Optional<String> key = queue.get();
        if (key.isEmpty()) {
          return;
        }
        inFlight.incrementAndGet();
        try {
          process(key.get());
        } finally {
          inFlight.decrementAndGet();
          queue.done(key.get());
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** One pass over one rollout; never throws. */
  private void process(String name) {
    long t0 = System.nanoTime();
    ReentrantLock lock = lock(name);
    lock.lock();
    try {
      Optional<StoredRollout> found = store.get(name);
      if (found.isEmpty()) {
        managed.forget(name);
        queue.forget(name);
        return;
      }
      StoredRollout r = found.get();
      manage(r.spec());
      ReconcileResult result = reconciler.reconcile(r.spec(), r.generation(), r.status());
      hooks.afterPass(name);
      publish(name, result.events());
      if (!result.status().equals(r.status()) || !result.events().isEmpty()) {
        store.writeStatus(name, r.resourceVersion(), result.status());
      }
      passes.incrementAndGet();
      metrics.passCompleted(r.spec(), r.status(), result, Duration.ofNanos(System.nanoTime() - t0));
      queue.forget(name);
      if (result.requeueAfter() != null) {
        queue.addAfter(name, result.requeueAfter());
      }
    } catch (ProviderException e) {
      fail(name, e, t0, e.describe());
    } catch (RuntimeException e) {
      fail(name, e, t0, e.toString());
    } finally {
      lock.unlock();
    }
  }

  private void fail(String name, RuntimeException e, long t0, String what) {
    failedPasses.incrementAndGet();
    metrics.passFailed(name, e, Duration.ofNanos(System.nanoTime() - t0));
    queue.addRateLimited(name);
    log.println(
        "snailtrail controller: pass over "
            + name
            + " failed (retry "
            + queue.requeues(name)
            + " with back-off): "
            + what);
  }

  private void publish(String name, List<TrailEvent> events) {
    for (TrailEvent e : store.appendTrail(name, events)) {
      sink.accept(e);
    }
  }

  // ------------------------------------------------------------------ ControlPlane

  @Override
  public List<Applied> apply(String sourceName, String yaml) throws SpecException {
    return apply(sourceName, yaml, specBaseDir);
  }

  /**
   * Validates and stores rollout documents, resolving {@code template.fromFile} against {@code
   * baseDir}.
   */
  public List<Applied> apply(String sourceName, String yaml, Path baseDir) throws SpecException {
    List<Rollout> rollouts = new SpecLoader().parse(yaml, sourceName, baseDir);
    List<Applied> applied = new ArrayList<>();
    for (Rollout r : rollouts) {
      Store.Applied a = withLock(r.name(), () -> store.apply(r));
      prepare(r);
      if (a.changed()) {
        queue.add(r.name());
      }
      applied.add(new Applied(a.name(), a.generation(), a.changed()));
    }
    return applied;
  }

  @Override
  public Optional<RolloutView> get(String name) {
    return store.get(name).map(Controller::view);
  }

  @Override
  public List<RolloutView> list() {
    List<RolloutView> views = new ArrayList<>();
    for (String name : store.names()) {
      get(name).ifPresent(views::add);
    }
    return views;
  }

  @Override
  public List<TrailEvent> trail(String name, long afterSeq, int limit) {
    if (store.get(name).isEmpty()) {
      throw new NotFound(name);
    }
    List<TrailEvent> events =
        store.trail(name).stream().filter(e -> sequence(e) > afterSeq).toList();
    if (limit > 0 && events.size() > limit) {
      return events.subList(events.size() - limit, events.size());
    }
    return events;
  }

  /** The sequence number of an event: the last part of its id {@code rollout/generation/seq}. */
  static long sequence(TrailEvent e) {
    String id = e.id();
    try {
      return Long.parseLong(id.substring(id.lastIndexOf('/') + 1));
    } catch (NumberFormatException ex) {
      return 0;
    }
  }

  @Override
  public RolloutView command(String name, Verb verb, String by) {
    withLock(
        name,
        () -> {
          StoredRollout r = store.get(name).orElseThrow(() -> new NotFound(name));
          ReconcileResult result = run(verb, r, by);
          publish(name, result.events());
          return store.writeStatus(name, r.resourceVersion(), result.status());
        });
    queue.add(name);
    return get(name).orElseThrow(() -> new NotFound(name));
  }

  private ReconcileResult run(Verb verb, StoredRollout r, String by) {
    Rollout spec = r.spec();
    long gen = r.generation();
    RolloutStatus s = r.status();
    return switch (verb) {
      case approve -> commands.approve(spec, gen, s, by);
      case promote -> commands.promote(spec, gen, s, by);
      case pause -> commands.pause(spec, gen, s, by);
      case resume -> commands.resume(spec, gen, s, by);
      case abort -> commands.abort(spec, gen, s, by);
      case retry -> commands.retry(spec, gen, s, by);
      case undo -> commands.undo(spec, gen, s, by);
    };
  }

  @Override
  public boolean delete(String name) {
    boolean deleted = withLock(name, () -> store.delete(name));
    if (deleted) {
      managed.forget(name);
      metrics.forget(name);
    }
    return deleted;
  }

  @Override
  public Health health() {
    try {
      store.check();
    } catch (RuntimeException e) {
      return new Health(false, false, "store unreadable: " + e.getMessage());
    }
    Target target = null;
    for (String name : store.names()) {
      Optional<StoredRollout> r = store.get(name);
      if (r.isPresent()) {
        target = r.get().spec().spec().target();
        break;
      }
    }
    if (target == null) {
      return new Health(true, true, "ok: no rollouts yet");
    }
    try {
      providers.ecs().describeCluster(target.region(), target.cluster());
      return new Health(true, true, "ok");
    } catch (ProviderException e) {
      return new Health(true, false, "provider " + providers.name() + ": " + e.describe());
    } catch (RuntimeException e) {
      return new Health(true, false, "provider " + providers.name() + ": " + e.getMessage());
    }
  }

  // ------------------------------------------------------------------ lifecycle

  /**
   * Stops taking work, lets passes in flight finish (up to the shutdown timeout), and flushes the
   * hooks. Every pass that finished has written its status; one cut off by the timeout is simply
   * run again by the next controller.
   */
  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
    queue.shutDown();
    cancelResync.run();
    long deadline = System.nanoTime() + shutdownTimeout.toNanos();
    for (Thread t : workers) {
      try {
        long left = deadline - System.nanoTime();
        if (left > 0) {
          t.join(Duration.ofNanos(left));
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    hooks.flush();
    if (ownScheduler != null) {
      ownScheduler.shutdownNow();
    }
  }

  /** Passes completed since start. */
  public long passes() {
    return passes.get();
  }

  /** Passes that threw and were retried with back-off. */
  public long failedPasses() {
    return failedPasses.get();
  }

  /** Passes running now. */
  public int inFlight() {
    return inFlight.get();
  }

  /** The work queue, for tests and benchmarks that drive time by hand. */
  public WorkQueue queue() {
    return queue;
  }

  /** The ports passes use: the given ones, with ECS reads batched per cluster unless turned off. */
  public Providers providers() {
    return providers;
  }

  /**
   * Readies the world for a rollout, then counts its service among the managed ones (after, so that
   * a simulated service exists before a batched describe asks for it).
   */
  private void prepare(Rollout rollout) {
    hooks.prepare(rollout);
    manage(rollout);
  }

  private void manage(Rollout rollout) {
    Target t = rollout.spec().target();
    managed.manage(rollout.name(), new ServiceRef(t.region(), t.cluster(), t.service()));
  }

  private static Providers withEcs(Providers p, Ecs ecs) {
    return p.withEcs(ecs);
  }

  private ReentrantLock lock(String name) {
    return locks.computeIfAbsent(name, n -> new ReentrantLock());
  }

  private <T> T withLock(String name, Supplier<T> action) {
    ReentrantLock lock = lock(name);
    lock.lock();
    try {
      return action.get();
    } finally {
      lock.unlock();
    }
  }

  private static RolloutView view(StoredRollout r) {
    return new RolloutView(r.name(), r.generation(), r.spec(), r.status(), r.resourceVersion());
  }

  /** Builds a {@link Controller}; every setting but the four required parts has a default. */
  public static final class Builder {
    private final Store store;
    private final Providers providers;
    private final GateEvaluator gates;
    private final Clock clock;
    private Metrics metrics = Metrics.NOOP;
    private int workers = 4;
    private Duration resync = Duration.ofSeconds(30);
    private Duration shutdownTimeout = Duration.ofSeconds(30);
    private Hooks hooks = Hooks.NONE;
    private TrailSink sink = TrailSink.NOOP;
    private PrintStream log = System.err;
    private Path specBaseDir = Path.of("");
    private Scheduler scheduler;
    private java.util.function.UnaryOperator<Duration> toRealTime = d -> d;
    private WorkQueue.Observer observer = WorkQueue.Observer.NONE;
    private Function<Providers, PreflightHook> preflight = p -> PreflightHook.NONE;
    private boolean batchDescribes = true;
    private Duration describeFreshness = ClusterBatchingEcs.DEFAULT_FRESHNESS;

    private Builder(Store store, Providers providers, GateEvaluator gates, Clock clock) {
      this.store = Objects.requireNonNull(store, "store");
      this.providers = Objects.requireNonNull(providers, "providers");
      this.gates = Objects.requireNonNull(gates, "gates");
      this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Checks run before each phase deploys; a failure pauses the rollout. Default: none. */
    public Builder preflight(PreflightHook p) {
      Objects.requireNonNull(p);
      preflight = ports -> p;
      return this;
    }

    /**
     * Checks run before each phase deploys, built over the ports the passes use (so that they share
     * the batched ECS reads); a failure pauses the rollout.
     */
    public Builder preflightOver(Function<Providers, PreflightHook> f) {
      preflight = Objects.requireNonNull(f);
      return this;
    }

    /**
     * Whether reads of the managed services are batched per cluster through {@link
     * ClusterBatchingEcs}. Default: on.
     */
    public Builder batchDescribes(boolean on) {
      batchDescribes = on;
      return this;
    }

    /** How long a batched snapshot of a cluster answers reads. Default 1 s of the clock. */
    public Builder describeFreshness(Duration d) {
      describeFreshness = Objects.requireNonNull(d);
      return this;
    }

    public Builder metrics(Metrics m) {
      metrics = Objects.requireNonNull(m);
      return this;
    }

    /** How many passes may run at once, on different rollouts. Default 4. */
    public Builder workers(int n) {
      workers = n;
      return this;
    }

    /** How often every rollout is queued again (null or zero: never). Default 30 s. */
    public Builder resync(Duration d) {
      resync = d;
      return this;
    }

    /** How long {@link Controller#close} waits for passes in flight. Default 30 s. */
    public Builder shutdownTimeout(Duration d) {
      shutdownTimeout = Objects.requireNonNull(d);
      return this;
    }

    public Builder hooks(Hooks h) {
      hooks = Objects.requireNonNull(h);
      return this;
    }

    /** Where newly stored trail events also go (the console). */
    public Builder trailSink(TrailSink s) {
      sink = Objects.requireNonNull(s);
      return this;
    }

    /** Where failed passes and resync problems are reported. Default stderr. */
    public Builder log(PrintStream p) {
      log = Objects.requireNonNull(p);
      return this;
    }

    /** Where a relative {@code template.fromFile} of an applied spec is looked for. */
    public Builder specBaseDir(Path dir) {
      specBaseDir = Objects.requireNonNull(dir);
      return this;
    }

    /**
     * Runs delays (requeues, back-off, resync) on this scheduler instead of an own timer thread;
     * tests pass a manual one.
     */
    public Builder scheduler(Scheduler s) {
      scheduler = s;
      return this;
    }

    /**
     * How a delay on the controller's clock maps to real time for the own timer thread (for a
     * sped-up clock, {@code ScaledClock::realTimeFor}). Default: the same.
     */
    public Builder realTime(java.util.function.UnaryOperator<Duration> f) {
      toRealTime = Objects.requireNonNull(f);
      return this;
    }

    /** Told when workers take keys (queue latency), besides the metrics. */
    public Builder queueObserver(WorkQueue.Observer o) {
      observer = Objects.requireNonNull(o);
      return this;
    }

    public Controller build() {
      return new Controller(this);
    }
  }
}
