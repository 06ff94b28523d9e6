package dev.snailtrail.controller;

import dev.snailtrail.spec.Rollout;
import dev.snailtrail.spec.Target;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * One rollout per ECS service in a controller. Applying a rollout whose service (account, region,
 * cluster, service) another rollout already manages is refused: the two would each undo what the
 * other does, for ever. The account is the target's role's (or its cluster ARN's); rollouts that
 * name neither share the account of the controller's credentials.
 */
final class ServiceOwners {
  private ServiceOwners() {}

  /** What identifies a service: a cluster given by name or by ARN is the same cluster. */
  record Key(String account, String region, String cluster, String service) {
    static Key of(Target t) {
      String account = t.account() == null ? "" : t.account();
      return new Key(account, t.region(), t.clusterName(), t.service());
    }

    String describe() {
      return "service "
          + service
          + " in cluster "
          + cluster
          + " ("
          + region
          + (account.isEmpty() ? "" : ", account " + account)
          + ")";
    }
  }

  /**
   * The services of the stored rollouts, and their rollouts by service. A store this controller
   * holds alone is read once, then kept up to date as the controller applies and deletes: an apply
   * then costs a lookup of its own services, not a read (or a copy) of every stored rollout's,
   * which at thousands of rollouts made applying them all take minutes. A store replicas share is
   * read at every apply, since the others apply to it too.
   */
  static final class Index {
    private final Supplier<List<Rollout>> stored;
    private final boolean shared;
    private Owners owners; // guarded by this; null until first read

    /**
     * @param stored the rollouts the store holds now
     * @param shared whether other controllers write to the store too
     */
    Index(Supplier<List<Rollout>> stored, boolean shared) {
      this.stored = stored;
      this.shared = shared;
    }

    /** The stored rollouts that manage each service asked for. */
    synchronized Function<Key, Set<String>> owners() {
      if (shared || owners == null) {
        Owners read = new Owners();
        for (Rollout r : stored.get()) {
          read.put(r.name(), Key.of(r.spec().target()));
        }
        if (shared) {
          return read::of;
        }
        owners = read;
      }
      Owners kept = owners;
      return key -> {
        synchronized (this) {
          return kept.of(key);
        }
      };
    }

    synchronized void stored(Rollout r) {
      if (owners != null) {
        owners.put(r.name(), Key.of(r.spec().target()));
      }
    }

    synchronized void deleted(String name) {
      if (owners != null) {
        owners.remove(name);
      }
    }
  }

  /** Each rollout's service and each service's rollouts (more than one only in a damaged store). */
  private static final class Owners {
    private final Map<String, Key> byRollout = new HashMap<>();
    private final Map<Key, Set<String>> byService = new HashMap<>();

    void put(String rollout, Key key) {
      remove(rollout);
      byRollout.put(rollout, key);
      byService.computeIfAbsent(key, k -> new TreeSet<>()).add(rollout);
    }

    void remove(String rollout) {
      Key old = byRollout.remove(rollout);
      if (old != null) {
        Set<String> names = byService.get(old);
        names.remove(rollout);
        if (names.isEmpty()) {
          byService.remove(old);
        }
      }
    }

    Set<String> of(Key key) {
      return Set.copyOf(byService.getOrDefault(key, Set.of()));
    }
  }

  /**
   * @param applied the rollouts of one apply
   * @param stored the stored rollouts that manage a service (asked only of the services applied)
   * @throws ControlPlane.Conflict naming the rollout that manages a service one of {@code applied}
   *     names, when that is another rollout
   */
  static void check(List<Rollout> applied, Function<Key, Set<String>> stored) {
    Map<Key, String> earlier = new HashMap<>();
    for (Rollout r : applied) {
      Key key = Key.of(r.spec().target());
      String owner = earlier.get(key);
      if (owner == null) {
        owner =
            stored.apply(key).stream().filter(n -> !n.equals(r.name())).findFirst().orElse(null);
      }
      if (owner != null && !owner.equals(r.name())) {
        throw new ControlPlane.Conflict(
            "rollout "
                + r.name()
                + " not applied: "
                + key.describe()
                + " is managed by rollout "
                + owner
                + " already, and two rollouts of one service would undo each other's changes for"
                + " ever. Delete "
                + owner
                + " first (snailtrail delete "
                + owner
                + "), or roll the service with it");
      }
      earlier.put(key, r.name());
    }
  }
}
