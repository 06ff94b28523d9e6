package dev.snailtrail.controller;

import dev.snailtrail.provider.Change;
import dev.snailtrail.provider.Providers;
import dev.snailtrail.provider.ProvidersResolver;
import dev.snailtrail.provider.ServiceRef;
import dev.snailtrail.provider.decorate.AlarmBatchingCloudWatch;
import dev.snailtrail.provider.decorate.ClusterBatchingEcs;
import dev.snailtrail.provider.decorate.ManagedAlarms;
import dev.snailtrail.provider.decorate.ManagedServices;
import dev.snailtrail.provider.decorate.TaskBatchingEcs;
import dev.snailtrail.reconcile.Reconciler;
import dev.snailtrail.spec.Rollout;
import dev.snailtrail.spec.Target;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The rollouts' ports, one lane per identity they act as (the {@link Providers} the resolver
 * answers: on AWS, the configured credentials or an assumed role's session). A lane has its own
 * batched reads (services, tasks, alarms) and its own reconciler over them, so a batched describe
 * asks only for services of rollouts that act alike and goes out as them: a rollout's calls never
 * go out as another's identity, nor another's services in its name. Which lane each rollout is
 * managed in is kept here; a rollout whose spec now names another identity moves to that lane.
 *
 * <p>A lane lasts while it is used: while a rollout is managed in it, or a pass (or a health check)
 * holds it ({@link #use}, {@link #borrow}). When neither is left (its last rollout deleted, or
 * moved to another identity, and the last pass on it over) it is dropped with its caches and
 * indexes, and its ports go back to the resolver ({@link ProvidersResolver#released}), which may
 * close their clients; a rollout that acts as that identity later gets a lane built anew. A lane is
 * never dropped under a pass: the pass's hold keeps it until the pass ends, whatever happens to its
 * rollout meanwhile. One lock guards which lanes there are and who uses them, so a lane is never
 * dropped between the moment a rollout finds it and the moment it counts there.
 */
final class Lanes {

  /**
   * The ports of rollouts that act alike.
   *
   * @param ports what their passes, gates and preflight checks call (batched, guarded)
   * @param reconciler the reconciler over {@code ports}
   * @param services the services the batched describes of this lane ask for
   * @param alarms the alarms the batched alarm reads of this lane ask for
   * @param batching the batched service reads (null when not batching)
   * @param alarmReads the batched alarm reads (null when not batching)
   * @param taskReads the batched task reads (null when not batching)
   */
  record Lane(
      Providers ports,
      Reconciler reconciler,
      ManagedServices services,
      ManagedAlarms alarms,
      ClusterBatchingEcs batching,
      AlarmBatchingCloudWatch alarmReads,
      TaskBatchingEcs taskReads) {

    void manage(Rollout rollout) {
      Target t = rollout.spec().target();
      services.manage(rollout.name(), new ServiceRef(t.region(), t.cluster(), t.service()));
      alarms.manage(rollout.name(), t.region(), ManagedAlarms.namesIn(rollout));
    }

    void forget(String rollout) {
      services.forget(rollout);
      alarms.forget(rollout);
    }

    void changed(Change change) {
      switch (change) {
        case Change.ServiceChanged s -> {
          if (batching != null) {
            batching.changed(s.region(), s.cluster(), s.service());
          }
          if (taskReads != null) {
            taskReads.changed(s.region(), s.cluster(), s.service());
          }
        }
        case Change.AlarmChanged a -> {
          if (alarmReads != null) {
            alarmReads.changed(a.alarm());
          }
        }
      }
    }

    Set<String> rolloutsOf(Change change) {
      return switch (change) {
        case Change.ServiceChanged s -> services.rolloutsOf(s.region(), s.cluster(), s.service());
        case Change.AlarmChanged a -> alarms.rolloutsOf(a.alarm());
      };
    }
  }

  /** Builds the lane over the ports of one identity. */
  @FunctionalInterface
  interface Factory {
    /**
     * @param guard to run before every ECS change a pass makes (the lease check)
     */
    Lane build(Providers base, Runnable guard);
  }

  /**
   * A hold on a lane: the lane is not dropped while one is open. Closing it twice is closing it
   * once.
   */
  final class Use implements AutoCloseable {
    private final Open open;
    private boolean closed;

    private Use(Open open) {
      this.open = open;
    }

    /** The lane held. */
    Lane lane() {
      return open.lane;
    }

    @Override
    public void close() {
      synchronized (Lanes.this) {
        if (!closed) {
          closed = true;
          open.uses--;
          dropIfUnused(open);
        }
      }
    }
  }

  /** A lane as kept here: the ports it is built over, the rollouts managed in it, the holds. */
  private static final class Open {
    final Same key;
    final Lane lane;
    final Set<String> rollouts = new HashSet<>();
    int uses;

    Open(Same key, Lane lane) {
      this.key = key;
      this.lane = lane;
    }
  }

  private final ProvidersResolver resolver;
  private final Factory factory;
  private final Runnable guard;
  private final PrintStream log;

  // Guarded by this.
  private final Map<Same, Open> byPorts = new HashMap<>();

  // Written under this; read without it by inFlux, which a lane dropped meanwhile does not harm.
  private final Map<String, Open> byRollout = new ConcurrentHashMap<>();

  /**
   * @param log where a resolver that failed to release a lane's ports is reported
   */
  Lanes(ProvidersResolver resolver, Factory factory, Runnable guard, PrintStream log) {
    this.resolver = Objects.requireNonNull(resolver, "resolver");
    this.factory = Objects.requireNonNull(factory, "factory");
    this.guard = Objects.requireNonNull(guard, "guard");
    this.log = Objects.requireNonNull(log, "log");
  }

  /** The lane of the rollout as its spec is now, built when there is none. Under this. */
  private Open open(Rollout rollout) {
    // Asked under the lock: ports the resolver answers are never ones being released.
    Providers base = Objects.requireNonNull(resolver.forRollout(rollout), "no ports for rollout");
    return byPorts.computeIfAbsent(new Same(base), k -> new Open(k, factory.build(base, guard)));
  }

  /**
   * Ports made of the very same adapters: the same identity, even when the resolver answers with a
   * new {@link Providers} each time. The adapters' own {@code equals} is not asked: a port need not
   * answer it.
   */
  private record Same(Providers ports) {
    private List<Object> parts() {
      Providers p = ports;
      return Arrays.asList(
          p.ecs(),
          p.loadBalancing(),
          p.cloudWatch(),
          p.logs(),
          p.images(),
          p.network(),
          p.endpoints(),
          p.scaling());
    }

    @Override
    public boolean equals(Object o) {
      if (!(o instanceof Same other) || !ports.name().equals(other.ports.name())) {
        return false;
      }
      List<Object> mine = parts();
      List<Object> theirs = other.parts();
      for (int i = 0; i < mine.size(); i++) {
        if (mine.get(i) != theirs.get(i)) {
          return false;
        }
      }
      return true;
    }

    @Override
    public int hashCode() {
      int h = ports.name().hashCode();
      for (Object part : parts()) {
        h = 31 * h + System.identityHashCode(part);
      }
      return h;
    }
  }

  /**
   * Counts the rollout's service and alarms among those its lane reads together, and no longer
   * among another lane's (its spec named another identity before); that lane is dropped when the
   * rollout was the last to use it.
   *
   * @return the rollout's lane
   */
  synchronized Lane manage(Rollout rollout) {
    return enter(rollout).lane;
  }

  /**
   * {@link #manage Manages} the rollout and holds its lane until the use is closed: a pass runs on
   * the lane it holds, which stays even if the rollout is deleted or moved meanwhile.
   */
  synchronized Use use(Rollout rollout) {
    Open open = enter(rollout);
    open.uses++;
    return new Use(open);
  }

  /**
   * Holds the lane the rollout acts through without managing the rollout there (a look at the
   * provider as that rollout acts); a lane built for it alone is dropped when the use is closed.
   */
  synchronized Use borrow(Rollout rollout) {
    Open open = open(rollout);
    open.uses++;
    return new Use(open);
  }

  private Open enter(Rollout rollout) {
    Open open = open(rollout);
    Open before = byRollout.put(rollout.name(), open);
    open.rollouts.add(rollout.name());
    if (before != null && before != open) {
      leave(before, rollout.name());
    }
    open.lane.manage(rollout);
    return open;
  }

  private void leave(Open open, String rollout) {
    open.rollouts.remove(rollout);
    open.lane.forget(rollout);
    dropIfUnused(open);
  }

  /** Drops the lane when no rollout is managed in it and nothing holds it. Under this. */
  private void dropIfUnused(Open open) {
    if (!open.rollouts.isEmpty() || open.uses > 0 || !byPorts.remove(open.key, open)) {
      return;
    }
    try {
      resolver.released(open.key.ports());
    } catch (RuntimeException e) {
      log.println(
          "snailtrail controller: the "
              + open.key.ports().name()
              + " provider failed to release the ports of an identity no rollout acts as any more"
              + " (what they hold may stay open until the controller stops): "
              + e);
    }
  }

  /** Whether the rollout's service is in flux (see {@link ManagedServices#inFlux}). */
  void inFlux(String rollout, boolean flux) {
    Open open = byRollout.get(rollout);
    if (open != null) {
      open.lane.services().inFlux(rollout, flux);
    }
  }

  /** The rollout is gone; its lane is dropped when it was the last to use it. */
  synchronized void forget(String rollout) {
    Open open = byRollout.remove(rollout);
    if (open != null) {
      leave(open, rollout);
    }
  }

  /** The rollouts managed in a lane. */
  Set<String> managed() {
    return Set.copyOf(byRollout.keySet());
  }

  /** How many lanes there are: one per identity in use. */
  synchronized int size() {
    return byPorts.size();
  }

  /**
   * The controller stops: every rollout is forgotten, and every lane dropped, at once or, when a
   * pass still holds it, as that pass ends.
   */
  synchronized void close() {
    for (String rollout : managed()) {
      forget(rollout);
    }
  }

  private synchronized List<Lane> all() {
    return byPorts.values().stream().map(o -> o.lane).toList();
  }

  /** News of a change: every lane forgets what it saw of the service or alarm. */
  void changed(Change change) {
    all().forEach(lane -> lane.changed(change));
  }

  /** The rollouts a change concerns, in any lane. */
  Set<String> rolloutsOf(Change change) {
    Set<String> rollouts = new TreeSet<>();
    all().forEach(lane -> rollouts.addAll(lane.rolloutsOf(change)));
    return rollouts;
  }
}
