package dev.snailtrail.controller;

import dev.snailtrail.spec.Rollout;
import dev.snailtrail.spec.Target;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
   * The services of the stored rollouts, by rollout. A store this controller holds alone is read
   * once, then kept up to date as the controller applies and deletes: an apply then costs no read
   * of every stored rollout, which at thousands of rollouts made applying them all take minutes. A
   * store replicas share is read at every apply, since the others apply to it too.
   */
  static final class Index {
    private final Supplier<List<Rollout>> stored;
    private final boolean shared;
    private Map<String, Key> byRollout; // guarded by this; null until first read

    /**
     * @param stored the rollouts the store holds now
     * @param shared whether other controllers write to the store too
     */
    Index(Supplier<List<Rollout>> stored, boolean shared) {
      this.stored = stored;
      this.shared = shared;
    }

    /** Each stored rollout's service. */
    synchronized Map<String, Key> services() {
      if (shared || byRollout == null) {
        Map<String, Key> read = new LinkedHashMap<>();
        for (Rollout r : stored.get()) {
          read.put(r.name(), Key.of(r.spec().target()));
        }
        if (shared) {
          return read;
        }
        byRollout = read;
      }
      return new LinkedHashMap<>(byRollout);
    }

    synchronized void stored(Rollout r) {
      if (byRollout != null) {
        byRollout.put(r.name(), Key.of(r.spec().target()));
      }
    }

    synchronized void deleted(String name) {
      if (byRollout != null) {
        byRollout.remove(name);
      }
    }
  }

  /**
   * @param applied the rollouts of one apply
   * @param stored each stored rollout's service (asked only when needed)
   * @throws ControlPlane.Conflict naming the rollout that manages a service one of {@code applied}
   *     names, when that is another rollout
   */
  static void check(List<Rollout> applied, Supplier<Map<String, Key>> stored) {
    Map<Key, String> owners = new HashMap<>();
    stored.get().forEach((name, key) -> owners.putIfAbsent(key, name));
    for (Rollout r : applied) {
      Key key = Key.of(r.spec().target());
      String owner = owners.get(key);
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
      owners.put(key, r.name());
    }
  }
}
