package dev.snailtrail.controller;

import dev.snailtrail.provider.Change;
import dev.snailtrail.provider.ProvidersResolver;
import dev.snailtrail.rollout.RolloutStatus;
import dev.snailtrail.rollout.StatusPhase;
import dev.snailtrail.rollout.Step;
import dev.snailtrail.spec.Rollout;
import dev.snailtrail.store.Fence;
import dev.snailtrail.store.Store;
import dev.snailtrail.store.StoreDamaged;
import dev.snailtrail.trail.TrailEvent;
import dev.snailtrail.trail.TrailSink;
import java.io.PrintStream;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * What the workers ({@link Controller}) and the verbs ({@link ControlPlaneService}) share to touch
 * a rollout: the store, one lock per rollout (so a pass, a verb and an apply of one rollout never
 * overlap), the queue that wakes its worker, the hooks, the rollouts' ports by the identity they
 * act as ({@link Lanes}), and where stored trail events go.
 */
final class RolloutAccess {
  final Store store;
  final WorkQueue queue;
  final Controller.Hooks hooks;
  final Lanes lanes;
  private final TrailSink sink;
  private final Map<String, ReentrantLock> locks = new ConcurrentHashMap<>();
  private final java.util.Set<String> prepared = ConcurrentHashMap.newKeySet();
  private volatile LeaseKeeper keeper;

  RolloutAccess(
      Store store,
      WorkQueue queue,
      Controller.Hooks hooks,
      ProvidersResolver resolver,
      Lanes.Factory lanes,
      TrailSink sink,
      PrintStream log) {
    this.store = store;
    this.queue = queue;
    this.hooks = hooks;
    // The lanes' ECS changes ask, before each, whether the pass on the thread still may act.
    this.lanes = new Lanes(resolver, lanes, this::checkActing, log);
    this.sink = sink;
  }

  /** The rollout a pass on this thread acts on, with its fence; absent outside a pass. */
  private final ThreadLocal<Acting> acting = new ThreadLocal<>();

  private record Acting(String rollout, Fence fence) {}

  /** The replica's leases, when the store is shared. */
  void keeper(LeaseKeeper k) {
    keeper = k;
  }

  /** This replica's leases, or null when the store is one controller's alone. */
  LeaseKeeper keeper() {
    return keeper;
  }

  /**
   * Whether this replica may act on the rollout: it holds its lease, or no one shares the store.
   */
  boolean mayAct(String name) {
    return keeper == null || keeper.holds(name);
  }

  /** What this replica's writes of the rollout are conditional on ({@link Fence#NONE}: alone). */
  Fence fence(String name) {
    return keeper == null ? Fence.NONE : keeper.fence(name);
  }

  /** A write or an AWS change found the lease gone: this replica stops acting on the rollout. */
  void lost(String name) {
    if (keeper != null) {
      keeper.lost(name);
    }
  }

  /** Runs a pass over the rollout under {@code fence}: the AWS changes it makes are checked. */
  <T> T acting(String name, Fence fence, Supplier<T> pass) {
    acting.set(new Acting(name, fence));
    try {
      return pass.get();
    } finally {
      acting.remove();
    }
  }

  /**
   * Before an AWS change (see {@link dev.snailtrail.provider.decorate.GuardedEcs}): throws {@link
   * dev.snailtrail.store.LeaseLost} unless the pass on this thread still holds its rollout's lease.
   */
  void checkActing() {
    Acting a = acting.get();
    LeaseKeeper k = keeper;
    if (a != null && k != null && a.fence().fences()) {
      k.check(a.rollout(), a.fence());
    }
  }

  ReentrantLock lock(String name) {
    return locks.computeIfAbsent(name, n -> new ReentrantLock());
  }

  <T> T withLock(String name, Supplier<T> action) {
    ReentrantLock lock = lock(name);
    lock.lock();
    try {
      return action.get();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Readies the world for a rollout, once per rollout (the first of: found at start, applied, or a
   * first pass here), then counts its service among the managed ones (after, so that a simulated
   * service exists before a batched describe asks for it).
   */
  void prepare(Rollout rollout) {
    if (prepared.add(rollout.name())) {
      hooks.prepare(rollout);
    }
    manage(rollout);
  }

  /** Counts the rollout's service and alarms in its lane; the lane its passes go through. */
  Lanes.Lane manage(Rollout rollout) {
    return lanes.manage(rollout);
  }

  /** {@link #manage}, and holds the lane for a pass until the use is closed. */
  Lanes.Use use(Rollout rollout) {
    return lanes.use(rollout);
  }

  /**
   * What a pass left: the rollout's service is in flux while ECS works for it (deploying, waiting
   * for the deployment, rolling back), and its reads must then be fresh; otherwise it is settled.
   */
  void passed(String name, RolloutStatus status) {
    lanes.inFlux(name, inFlux(status));
  }

  static boolean inFlux(RolloutStatus s) {
    boolean moving = s.phase() == StatusPhase.Progressing || s.phase() == StatusPhase.RollingBack;
    return moving
        && (s.step() == Step.Deploying || s.step() == Step.Waiting || s.step() == Step.RollingBack);
  }

  /** The rollouts a change concerns: those moving the changed service, or gated on the alarm. */
  Set<String> rolloutsOf(Change change) {
    return lanes.rolloutsOf(change);
  }

  /**
   * The rollout is gone: its service is no longer described with the others, and its lane is
   * dropped when no other rollout uses it.
   */
  void forget(String name) {
    prepared.remove(name);
    lanes.forget(name);
  }

  /**
   * Forgets the rollouts a lane still counts that the store no longer lists (deleted through
   * another replica, or by hand): no worker is woken for them, and their lanes would stay for ever.
   * A rollout whose lock is taken (an apply or a pass of it under way) is left to the next resync.
   */
  void forgetGone(List<String> names) {
    Set<String> stored = new HashSet<>(names);
    for (String name : lanes.managed()) {
      if (stored.contains(name)) {
        continue;
      }
      ReentrantLock lock = lock(name);
      if (!lock.tryLock()) {
        continue;
      }
      try {
        if (store.get(name).isEmpty()) {
          forget(name);
        }
      } catch (StoreDamaged e) {
        // Still stored, if unreadable: the rollout stays.
      } finally {
        lock.unlock();
      }
    }
  }

  /**
   * Stores a pass's (or a verb's) events and status ({@link Store#commit}, fenced by {@code fence})
   * and passes on the events the store had not seen. The status written has its event sequence
   * moved past every stored event: after a crash the store may have stored an event under a later
   * number than the pass gave it.
   */
  Store.Committed commit(
      String name, long version, List<TrailEvent> events, RolloutStatus status, Fence fence) {
    Store.Committed committed = store.commit(name, version, events, status, fence);
    for (TrailEvent e : committed.events()) {
      sink.accept(e);
    }
    return committed;
  }

  /** Who holds each rollout of a shared store (rollouts no one holds are absent); empty else. */
  Map<String, String> holders() {
    return keeper == null ? Map.of() : keeper.holders();
  }
}
