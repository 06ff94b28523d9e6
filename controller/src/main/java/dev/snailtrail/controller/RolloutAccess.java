package dev.snailtrail.controller;

import dev.snailtrail.provider.Change;
import dev.snailtrail.provider.ServiceRef;
import dev.snailtrail.provider.decorate.ManagedAlarms;
import dev.snailtrail.provider.decorate.ManagedServices;
import dev.snailtrail.rollout.RolloutStatus;
import dev.snailtrail.rollout.StatusPhase;
import dev.snailtrail.rollout.Step;
import dev.snailtrail.spec.Rollout;
import dev.snailtrail.spec.Target;
import dev.snailtrail.store.Store;
import dev.snailtrail.trail.TrailEvent;
import dev.snailtrail.trail.TrailSink;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * What the workers ({@link Controller}) and the verbs ({@link ControlPlaneService}) share to touch
 * a rollout: the store, one lock per rollout (so a pass, a verb and an apply of one rollout never
 * overlap), the queue that wakes its worker, the hooks, the services the batching port describes
 * together, and where stored trail events go.
 */
final class RolloutAccess {
  final Store store;
  final WorkQueue queue;
  final Controller.Hooks hooks;
  private final ManagedServices managed;
  private final ManagedAlarms alarms;
  private final TrailSink sink;
  private final Map<String, ReentrantLock> locks = new ConcurrentHashMap<>();

  RolloutAccess(
      Store store,
      WorkQueue queue,
      Controller.Hooks hooks,
      ManagedServices managed,
      ManagedAlarms alarms,
      TrailSink sink) {
    this.store = store;
    this.queue = queue;
    this.hooks = hooks;
    this.managed = managed;
    this.alarms = alarms;
    this.sink = sink;
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
   * Readies the world for a rollout, then counts its service among the managed ones (after, so that
   * a simulated service exists before a batched describe asks for it).
   */
  void prepare(Rollout rollout) {
    hooks.prepare(rollout);
    manage(rollout);
  }

  void manage(Rollout rollout) {
    Target t = rollout.spec().target();
    managed.manage(rollout.name(), new ServiceRef(t.region(), t.cluster(), t.service()));
    alarms.manage(rollout.name(), t.region(), ManagedAlarms.namesIn(rollout));
  }

  /**
   * What a pass left: the rollout's service is in flux while ECS works for it (deploying, waiting
   * for the deployment, rolling back), and its reads must then be fresh; otherwise it is settled.
   */
  void passed(String name, RolloutStatus status) {
    managed.inFlux(name, inFlux(status));
  }

  static boolean inFlux(RolloutStatus s) {
    boolean moving = s.phase() == StatusPhase.Progressing || s.phase() == StatusPhase.RollingBack;
    return moving
        && (s.step() == Step.Deploying || s.step() == Step.Waiting || s.step() == Step.RollingBack);
  }

  /** The rollouts a change concerns: those moving the changed service, or gated on the alarm. */
  Set<String> rolloutsOf(Change change) {
    return switch (change) {
      case Change.ServiceChanged s -> managed.rolloutsOf(s.region(), s.cluster(), s.service());
      case Change.AlarmChanged a -> alarms.rolloutsOf(a.alarm());
    };
  }

  /** The rollout is gone: its service is no longer described with the others. */
  void forget(String name) {
    managed.forget(name);
    alarms.forget(name);
  }

  /**
   * Appends a pass's events to the rollout's trail, passes on those the store had not seen, and
   * returns the pass's status with its event sequence moved past every stored event: after a crash
   * the store may have stored an event under a later number than the pass gave it.
   */
  RolloutStatus publish(String name, List<TrailEvent> events, RolloutStatus status) {
    Store.Appended appended = store.appendTrail(name, events);
    for (TrailEvent e : appended.events()) {
      sink.accept(e);
    }
    return appended.lastSequence() > status.eventSeq()
        ? status.toBuilder().eventSeq(appended.lastSequence()).build()
        : status;
  }
}
