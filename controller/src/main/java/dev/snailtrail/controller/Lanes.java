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
import java.util.Arrays;
import java.util.HashMap;
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

  private final ProvidersResolver resolver;
  private final Factory factory;
  private final Runnable guard;

  private final Map<Same, Lane> byPorts = new HashMap<>();

  private final Map<String, Lane> byRollout = new ConcurrentHashMap<>();

  Lanes(ProvidersResolver resolver, Factory factory, Runnable guard) {
    this.resolver = Objects.requireNonNull(resolver, "resolver");
    this.factory = Objects.requireNonNull(factory, "factory");
    this.guard = Objects.requireNonNull(guard, "guard");
  }

  /** The lane of the rollout as its spec is now (built on first use). */
  Lane of(Rollout rollout) {
    Providers base = Objects.requireNonNull(resolver.forRollout(rollout), "no ports for rollout");
    synchronized (byPorts) {
      return byPorts.computeIfAbsent(new Same(base), k -> factory.build(base, guard));
    }
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

  private List<Lane> all() {
    synchronized (byPorts) {
      return List.copyOf(byPorts.values());
    }
  }

  /**
   * Counts the rollout's service and alarms among those its lane reads together, and no longer
   * among another lane's (its spec named another identity before).
   *
   * @return the rollout's lane
   */
  Lane manage(Rollout rollout) {
    Lane lane = of(rollout);
    Lane before = byRollout.put(rollout.name(), lane);
    if (before != null && before != lane) {
      before.forget(rollout.name());
    }
    lane.manage(rollout);
    return lane;
  }

  /** Whether the rollout's service is in flux (see {@link ManagedServices#inFlux}). */
  void inFlux(String rollout, boolean flux) {
    Lane lane = byRollout.get(rollout);
    if (lane != null) {
      lane.services().inFlux(rollout, flux);
    }
  }

  /** The rollout is gone. */
  void forget(String rollout) {
    Lane lane = byRollout.remove(rollout);
    if (lane != null) {
      lane.forget(rollout);
    }
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
