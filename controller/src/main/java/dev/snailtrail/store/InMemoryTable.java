package dev.snailtrail.store;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A {@link RolloutTable} in memory, with the same conditions as the DynamoDB one: the store of fast
 * tests, and of replicas that share one JVM. Every operation holds one lock, so a write is all or
 * nothing.
 */
final class InMemoryTable implements RolloutTable {
  private final NavigableMap<String, Row> rows = new TreeMap<>();
  private final Map<String, NavigableMap<Long, String>> trails = new HashMap<>();
  private final Map<String, Leases.Lease> leases = new HashMap<>();
  private final Map<String, Leases.Replica> replicas = new TreeMap<>();

  @Override
  public synchronized Optional<Row> row(String name) {
    return Optional.ofNullable(rows.get(name));
  }

  @Override
  public synchronized List<String> names() {
    return List.copyOf(rows.keySet());
  }

  @Override
  public synchronized boolean create(Row row) {
    if (rows.containsKey(row.name())) {
      return false;
    }
    rows.put(row.name(), row);
    trails.put(row.name(), new TreeMap<>());
    leases.put(row.name(), new Leases.Lease(row.name(), null, 0));
    return true;
  }

  @Override
  public synchronized void write(
      String name, Row replacement, long expectedVersion, List<TrailRow> trail, Fence fence) {
    Row row = rows.get(name);
    if (row == null) {
      throw new Store.Conflict("rollout " + name + " was deleted");
    }
    if (fence.fences()) {
      Leases.Lease lease = leases.get(name);
      if (!fence.holder().equals(lease.holder()) || fence.token() != lease.token()) {
        throw new LeaseLost(
            name, "the lease on " + name + " is " + describe(lease) + ", not " + fence);
      }
    }
    if (replacement != null && row.resourceVersion() != expectedVersion) {
      throw new Store.Conflict(
          "rollout "
              + name
              + " changed: resourceVersion is "
              + row.resourceVersion()
              + ", the write expected "
              + expectedVersion);
    }
    NavigableMap<Long, String> events = trails.get(name);
    for (TrailRow t : trail) {
      if (events.containsKey(t.sequence())) {
        throw new Store.Conflict(
            "trail event " + t.sequence() + " of " + name + " was stored meanwhile");
      }
    }
    trail.forEach(t -> events.put(t.sequence(), t.event()));
    if (replacement != null) {
      rows.put(name, replacement);
    }
  }

  @Override
  public synchronized List<TrailRow> trail(String name, long fromSequence) {
    NavigableMap<Long, String> events = trails.get(name);
    if (events == null) {
      return List.of();
    }
    List<TrailRow> out = new ArrayList<>();
    events.tailMap(fromSequence, true).forEach((seq, e) -> out.add(new TrailRow(seq, e)));
    return out;
  }

  @Override
  public synchronized long lastSequence(String name) {
    NavigableMap<Long, String> events = trails.get(name);
    return events == null || events.isEmpty() ? 0 : events.lastKey();
  }

  @Override
  public synchronized boolean delete(String name) {
    trails.remove(name);
    leases.remove(name);
    return rows.remove(name) != null;
  }

  @Override
  public void check() {}

  @Override
  public synchronized List<Leases.Lease> leases() {
    return rows.keySet().stream().map(leases::get).toList();
  }

  @Override
  public synchronized Optional<Leases.Lease> lease(String name) {
    return rows.containsKey(name) ? Optional.of(leases.get(name)) : Optional.empty();
  }

  @Override
  public synchronized boolean acquire(Leases.Lease seen, String holder) {
    if (!rows.containsKey(seen.rollout()) || !seen.equals(leases.get(seen.rollout()))) {
      return false;
    }
    leases.put(seen.rollout(), new Leases.Lease(seen.rollout(), holder, seen.token() + 1));
    return true;
  }

  @Override
  public synchronized boolean release(Leases.Lease held) {
    if (held.holder() == null || !held.equals(leases.get(held.rollout()))) {
      return false;
    }
    leases.put(held.rollout(), new Leases.Lease(held.rollout(), null, held.token()));
    return true;
  }

  @Override
  public synchronized void beat(Leases.Replica replica) {
    replicas.put(replica.id(), replica);
  }

  @Override
  public synchronized List<Leases.Replica> replicas() {
    return List.copyOf(replicas.values());
  }

  @Override
  public synchronized void leave(String replica) {
    replicas.remove(replica);
  }

  private static String describe(Leases.Lease lease) {
    return lease.free() ? "free (token " + lease.token() + ")" : lease.fence().toString();
  }
}
