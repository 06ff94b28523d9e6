package dev.snailtrail.controller;

import dev.snailtrail.gate.GateEvaluator;
import dev.snailtrail.metrics.Metrics;
import dev.snailtrail.provider.ProviderException;
import dev.snailtrail.provider.Providers;
import dev.snailtrail.provider.ProvidersResolver;
import dev.snailtrail.reconcile.ReconcileResult;
import dev.snailtrail.reconcile.Reconciler;
import dev.snailtrail.spec.Rollout;
import dev.snailtrail.store.Fence;
import dev.snailtrail.store.LeaseLost;
import dev.snailtrail.store.Store;
import dev.snailtrail.store.StoreDamaged;
import dev.snailtrail.store.StoredRollout;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.UnaryOperator;

/**
 * The long-running controller: a bounded pool of workers takes rollout names from a {@link
 * WorkQueue} and runs one {@link Reconciler} pass each, against the spec and status in the {@link
 * Store}. A pass appends its trail events before it writes status, so a crash in between re-emits
 * the same event ids on the next pass: the store drops those that repeat what it holds and stores
 * the others under later numbers, which the status then counts past. A periodic resync queues every
 * rollout again, so nothing depends on a wake-up having been delivered.
 *
 * <p>A pass that throws is retried with per-rollout back-off. A {@link ProviderException} (an
 * outage, throttling) is logged in one line and leaves status alone. Any other exception is a bug
 * and must not pass for an outage: the rollout's status gets an {@code InternalError} condition and
 * message, the stack trace is logged once (not again on each retry, until a pass over the rollout
 * succeeds), and metrics count it. The next pass that succeeds recomputes the conditions and so
 * clears the mark.
 *
 * <p>A rollout whose files in the store cannot be read ({@link StoreDamaged}) is logged in one line
 * and counted, and passed by until the resync finds it repaired; the others go on.
 *
 * <p>With a store several replicas share, this one acts only on the rollouts its {@link
 * LeaseKeeper} holds; each write is fenced by the lease's token, each ECS change checked against
 * it.
 *
 * <p>At most one thing happens to a rollout at a time: a pass, a manual verb and an apply of the
 * same rollout take the same per-rollout lock. The verbs are its {@link #controlPlane()}.
 *
 * <p>Each rollout's calls go through the ports its {@link ProvidersResolver} answers for it (on
 * AWS, as its {@code target.roleArn}); rollouts that act alike share a {@link Lanes.Lane}, which
 * goes, its ports given back to the resolver, once no rollout and no pass uses it. Unless told not
 * to, passes read ECS through a {@link dev.snailtrail.provider.decorate.ClusterBatchingEcs} per
 * lane, which the controller tells what services the lane's rollouts manage: rollouts on one
 * cluster then share one batched describe of the cluster per freshness window instead of one
 * describe each per pass, and a describe never asks for another identity's services. {@link
 * ControllerBuilder} wires it.
 */
public final class Controller implements AutoCloseable {

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

  /**
   * How many workers, how often to resync, how long to wait at shutdown, where to log, the clock
   * that dates an internal error, and how a wait a pass asks for (on the rollouts' clock) maps to
   * the timers' time.
   */
  record Settings(
      int workers,
      Duration resync,
      Duration shutdownTimeout,
      PrintStream log,
      Clock clock,
      UnaryOperator<Duration> toTimers) {}

  private final RolloutAccess access;
  private final Store store;
  private final WorkQueue queue;
  private final ControlPlaneService controlPlane;
  private final Scheduler scheduler;
  private final Runnable stopTimer;
  private final Metrics metrics;
  private final Settings settings;
  private final PrintStream log;
  private final List<Thread> workers = new ArrayList<>();
  private final DamagedRollouts damaged;
  private final ChangeWakeups wakeups;
  private final UnreachableProvider unreachable;

  private final PassBugs bugs;

  private final AtomicLong passes = new AtomicLong();
  private final AtomicLong failedPasses = new AtomicLong();
  private final AtomicInteger inFlight = new AtomicInteger();
  private volatile Runnable cancelResync = () -> {};
  private boolean started;
  private boolean closed;

  Controller(
      RolloutAccess access,
      ControlPlaneService controlPlane,
      Scheduler scheduler,
      Runnable stopTimer,
      Metrics metrics,
      Settings settings,
      ChangeWakeups wakeups) {
    this.access = access;
    this.store = access.store;
    this.queue = access.queue;
    this.controlPlane = controlPlane;
    this.scheduler = scheduler;
    this.stopTimer = stopTimer;
    this.metrics = metrics;
    this.settings = settings;
    this.log = settings.log();
    this.damaged = new DamagedRollouts(metrics, log);
    this.wakeups = wakeups;
    this.unreachable = new UnreachableProvider(access, metrics, log, settings.clock());
    this.bugs = new PassBugs(access, log, settings.clock());
  }

  /**
   * A builder with the required parts, every rollout acting through the same ports (one world: the
   * simulator, a test's fakes, or AWS as the controller's own credentials only); the rest have
   * defaults.
   */
  public static ControllerBuilder builder(
      Store store, Providers providers, GateEvaluator gates, Clock clock) {
    return builder(store, ProvidersResolver.always(providers), gates, clock);
  }

  /**
   * A builder with the required parts, each rollout acting through the ports {@code resolver} gives
   * it (on AWS, as its {@code target.roleArn}); the rest have defaults.
   */
  public static ControllerBuilder builder(
      Store store, ProvidersResolver resolver, GateEvaluator gates, Clock clock) {
    return new ControllerBuilder(store, resolver, gates, clock);
  }

  /** The verbs of the API and the watch directory, over this controller's store and workers. */
  public ControlPlaneService controlPlane() {
    return controlPlane;
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
    LeaseKeeper keeper = access.keeper();
    if (keeper != null) {
      keeper.start(scheduler, queue::isShuttingDown);
    }
    for (String name : store.names()) {
      try {
        store.get(name).ifPresent(r -> access.prepare(r.spec()));
      } catch (StoreDamaged e) {
        damaged.found(e);
      }
      queue.add(name);
    }
    scheduleResync();
    if (wakeups != null) {
      wakeups.start();
    }
    for (int i = 0; i < settings.workers(); i++) {
      workers.add(Thread.ofVirtual().name("snailtrail-worker-" + i).start(this::work));
    }
  }

  private void scheduleResync() {
    Duration resync = settings.resync();
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
                List<String> names = store.names();
                spread(names, resync);
                access.forgetGone(names);
              } catch (RuntimeException e) {
                log.println("snailtrail controller: resync could not list the store: " + e);
              }
              scheduleResync();
            });
  }

  /**
   * Queues every rollout once over the coming resync period, evenly spread, rather than all at
   * once: each is looked at once per resync either way, but a burst of thousands would keep the
   * ones truly due (a gate's interval, a deadline) waiting behind it, and send its reads in a
   * burst. A rollout whose own next look comes within the period (a gate's interval, a poll while
   * ECS deploys, a pass already queued) is looked at in it anyway, and gets no pass more.
   */
  private void spread(List<String> names, Duration period) {
    int n = names.size();
    for (int i = 0; i < n; i++) {
      String name = names.get(i);
      if (!queue.dueWithin(name, period)) {
        queue.addAfter(name, period.multipliedBy(i).dividedBy(n));
      }
    }
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
    ReentrantLock lock = access.lock(name);
    lock.lock();
    StoredRollout r = null;
    try {
      if (!access.mayAct(name)) {
        queue.forget(name); // another replica's; its lease wakes it here when taken
        return;
      }
      Optional<StoredRollout> found = store.get(name);
      if (found.isEmpty()) {
        access.forget(name);
        queue.forget(name);
        bugs.cleared(name);
        damaged.forget(name);
        return;
      }
      r = found.get();
      damaged.readable(name);
      access.prepare(r.spec()); // once: found damaged at start, or taken over from a replica
      pass(r, t0);
    } catch (StoreDamaged e) {
      // Not retried with back-off: a person repairs the file; the resync looks again.
      damaged.found(e);
      queue.forget(name);
    } catch (LeaseLost e) {
      access.lost(name);
      queue.forget(name);
      log.println("snailtrail controller: stopped acting on " + name + ": " + e.getMessage());
    } catch (ProviderException e) {
      if (e.isOutage()) {
        backOff(name, e, t0, UnreachableProvider.RETRY);
        unreachable.failed(name, r, e);
      } else {
        backOff(name, e, t0, null);
        bugs.failed(name, e.describe());
      }
    } catch (RuntimeException e) {
      backOff(name, e, t0, null);
      bugs.bug(name, r, e);
    } finally {
      lock.unlock();
    }
  }

  /** Reconciles, lets the hooks save, appends the trail, writes status, and asks to be requeued. */
  private void pass(StoredRollout r, long t0) {
    String name = r.name();
    Fence fence = access.fence(name);
    ReconcileResult result;
    // Held for the pass: the lane stays though the rollout is moved or deleted meanwhile.
    try (Lanes.Use lane = access.use(r.spec())) {
      Reconciler reconciler = lane.lane().reconciler();
      result =
          access.acting(
              name, fence, () -> reconciler.reconcile(r.spec(), r.generation(), r.status()));
    }
    access.passed(name, result.status());
    access.hooks.afterPass(name);
    if (!result.status().equals(r.status()) || !result.events().isEmpty()) {
      access.commit(name, r.resourceVersion(), result.events(), result.status(), fence);
    }
    passes.incrementAndGet();
    bugs.cleared(name);
    unreachable.passed(name, r.status());
    metrics.passCompleted(r.spec(), r.status(), result, Duration.ofNanos(System.nanoTime() - t0));
    queue.forget(name);
    if (result.requeueAfter() != null) {
      queue.addAfter(name, settings.toTimers().apply(result.requeueAfter()));
    }
  }

  /** Counts the failed pass and queues the rollout again after its back-off (at most cap). */
  private void backOff(String name, RuntimeException e, long t0, Duration cap) {
    failedPasses.incrementAndGet();
    metrics.passFailed(name, e, Duration.ofNanos(System.nanoTime() - t0));
    if (cap == null) {
      queue.addRateLimited(name);
    } else {
      queue.addRateLimited(name, cap);
    }
  }

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
    if (wakeups != null) {
      wakeups.close();
    }
    long deadline = System.nanoTime() + settings.shutdownTimeout().toNanos();
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
    Optional.ofNullable(access.keeper()).ifPresent(LeaseKeeper::stop); // others take over now
    access.lanes.close(); // a pass cut off by the timeout releases its lane as it ends
    access.hooks.flush();
    stopTimer.run();
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

  /** What the workers and the verbs share, for tests that look at the leases. */
  RolloutAccess access() {
    return access;
  }

  /** The work queue, for tests and benchmarks that drive time by hand. */
  public WorkQueue queue() {
    return queue;
  }
}
