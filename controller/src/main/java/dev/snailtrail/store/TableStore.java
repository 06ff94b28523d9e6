package dev.snailtrail.store;

import dev.snailtrail.json.Json;
import dev.snailtrail.rollout.RolloutStatus;
import dev.snailtrail.rollout.TrafficStatus;
import dev.snailtrail.spec.Rollout;
import dev.snailtrail.spec.load.SpecException;
import dev.snailtrail.spec.load.SpecLoader;
import dev.snailtrail.spec.load.SpecWriter;
import dev.snailtrail.trail.TrailEvent;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import tools.jackson.core.JacksonException;

/**
 * A store in a table that several controller replicas share ({@link RolloutTable}: DynamoDB, or
 * memory for tests), with the leases that say which replica acts on which rollout. The same
 * contract as {@link FileStore}; besides, a pass's trail events and status are one write ({@link
 * #commit}), all or nothing and fenced by the rollout's lease, so a replica that lost the lease
 * writes nothing.
 *
 * <p>Writes that lose a race to another replica's (the same spec applied by two, a trail number
 * taken) are read again and tried once more where that is safe (apply, appendTrail); a status
 * computed from an older version is refused with {@link Store.Conflict}, as in every store.
 */
public final class TableStore implements Store, Leases {
  private static final int ATTEMPTS = 5;

  private final RolloutTable table;
  private final Clock clock;
  private final String where;
  private final Map<String, CachedSpec> specs = new ConcurrentHashMap<>();

  /** A parsed spec, good while the generation and the text are the same. */
  private record CachedSpec(long generation, String yaml, Rollout rollout) {}

  /**
   * A store over {@code table}.
   *
   * @param where names the table in messages (e.g. {@code dynamodb:snailtrail})
   * @param clock stamps createdAt and updatedAt
   */
  public TableStore(RolloutTable table, String where, Clock clock) {
    this.table = table;
    this.where = where;
    this.clock = clock;
  }

  /** A store in memory, for tests and the simulator: shared by every replica of one JVM. */
  public static TableStore inMemory(Clock clock) {
    return new TableStore(new InMemoryTable(), "memory", clock);
  }

  /** Where the store is, as given. */
  public String where() {
    return where;
  }

  @Override
  public Applied apply(Rollout rollout) {
    String name = rollout.name();
    String yaml = SpecWriter.toYaml(rollout);
    for (int attempt = 1; ; attempt++) {
      Instant now = clock.instant();
      Optional<RolloutTable.Row> found = table.row(name);
      try {
        if (found.isEmpty()) {
          RolloutTable.Row row =
              new RolloutTable.Row(name, 1, 1, yaml, json(RolloutStatus.initial()), now, now, null);
          if (table.create(row)) {
            specs.put(name, new CachedSpec(1, yaml, rollout));
            return new Applied(name, 1, 1, true);
          }
          throw new Conflict("rollout " + name + " was created meanwhile");
        }
        RolloutTable.Row row = found.get();
        read(row); // a damaged rollout is refused whole
        if (yaml.equals(row.spec())) {
          return new Applied(name, row.generation(), row.resourceVersion(), false);
        }
        RolloutTable.Row next =
            new RolloutTable.Row(
                name,
                row.generation() + 1,
                row.resourceVersion() + 1,
                yaml,
                row.status(),
                row.createdAt(),
                now,
                row.verdict());
        table.write(name, next, row.resourceVersion(), List.of(), Fence.NONE);
        specs.put(name, new CachedSpec(next.generation(), yaml, rollout));
        return new Applied(name, next.generation(), next.resourceVersion(), true);
      } catch (Conflict e) {
        if (attempt == ATTEMPTS) {
          throw e;
        }
      }
    }
  }

  @Override
  public Optional<StoredRollout> get(String name) {
    return table.row(name).map(this::read);
  }

  @Override
  public List<String> names() {
    return table.names();
  }

  @Override
  public long writeStatus(String name, long expectedResourceVersion, RolloutStatus status) {
    RolloutTable.Row row = current(name, expectedResourceVersion);
    table.write(name, withStatus(row, status), expectedResourceVersion, List.of(), Fence.NONE);
    return row.resourceVersion() + 1;
  }

  @Override
  public Appended appendTrail(String name, List<TrailEvent> events) {
    for (int attempt = 1; ; attempt++) {
      if (table.row(name).isEmpty()) {
        throw new Conflict("rollout " + name + " was deleted");
      }
      TrailDedup.Fresh fresh = fresh(name, events);
      if (fresh.fresh().isEmpty()) {
        return new Appended(List.of(), fresh.last());
      }
      try {
        table.write(name, null, -1, rows(fresh.fresh()), Fence.NONE);
        return new Appended(fresh.fresh(), fresh.last());
      } catch (Conflict e) {
        if (attempt == ATTEMPTS) {
          throw e;
        }
      }
    }
  }

  @Override
  public Committed commit(
      String name,
      long expectedResourceVersion,
      List<TrailEvent> events,
      RolloutStatus status,
      Fence fence) {
    RolloutTable.Row row = current(name, expectedResourceVersion);
    TrailDedup.Fresh fresh = fresh(name, events);
    RolloutStatus counted =
        fresh.last() > status.eventSeq()
            ? status.toBuilder().eventSeq(fresh.last()).build()
            : status;
    table.write(
        name, withStatus(row, counted), expectedResourceVersion, rows(fresh.fresh()), fence);
    return new Committed(fresh.fresh(), counted, row.resourceVersion() + 1);
  }

  @Override
  public Optional<Leases> leases() {
    return Optional.of(this);
  }

  @Override
  public List<TrailEvent> trail(String name) {
    return events(table.trail(name, 0));
  }

  @Override
  public boolean delete(String name) {
    specs.remove(name);
    return table.delete(name);
  }

  @Override
  public void check() {
    table.check();
  }

  @Override
  public List<Lease> all() {
    return table.leases();
  }

  @Override
  public Optional<Lease> lease(String rollout) {
    return table.lease(rollout);
  }

  @Override
  public Optional<Lease> acquire(Lease seen, String holder) {
    return table.acquire(seen, holder)
        ? Optional.of(new Lease(seen.rollout(), holder, seen.token() + 1))
        : Optional.empty();
  }

  @Override
  public boolean release(Lease held) {
    return table.release(held);
  }

  @Override
  public void beat(Replica replica) {
    table.beat(replica);
  }

  @Override
  public List<Replica> replicas() {
    return table.replicas();
  }

  @Override
  public void leave(String replica) {
    table.leave(replica);
  }

  /** The row, readable and still at the version a write was computed from. */
  private RolloutTable.Row current(String name, long expectedResourceVersion) {
    RolloutTable.Row row =
        table.row(name).orElseThrow(() -> new Conflict("rollout " + name + " was deleted"));
    read(row); // never written over what a person must look at
    if (row.resourceVersion() != expectedResourceVersion) {
      throw new Conflict(
          "rollout "
              + name
              + " changed: resourceVersion is "
              + row.resourceVersion()
              + ", the write expected "
              + expectedResourceVersion);
    }
    return row;
  }

  private RolloutTable.Row withStatus(RolloutTable.Row row, RolloutStatus status) {
    return new RolloutTable.Row(
        row.name(),
        row.generation(),
        row.resourceVersion() + 1,
        row.spec(),
        json(status),
        row.createdAt(),
        clock.instant(),
        verdict(status));
  }

  /** The status's word on an ECS deployment, as the row carries it; null when it has none. */
  static RolloutTable.Verdict verdict(RolloutStatus status) {
    TrafficStatus traffic = status.traffic();
    TrafficStatus.EcsShift ecs = traffic == null ? null : traffic.ecs();
    if (ecs == null || ecs.verdict() == null || ecs.verdictAt() == null) {
      return null;
    }
    return new RolloutTable.Verdict(
        ecs.verdict().name(), ecs.verdictAt().truncatedTo(ChronoUnit.SECONDS), ecs.deployment());
  }

  private TrailDedup.Fresh fresh(String name, List<TrailEvent> events) {
    long last = table.lastSequence(name);
    return TrailDedup.of(events, last, from -> events(table.trail(name, from)));
  }

  private StoredRollout read(RolloutTable.Row row) {
    String name = row.name();
    Rollout spec = null;
    RolloutStatus status = null;
    String damage = null;
    String part = null;
    try {
      spec = spec(row);
    } catch (SpecException | RuntimeException e) {
      part = "spec";
      damage = "it does not load as a rollout spec: " + firstLine(e.getMessage());
    }
    try {
      status = Json.mapper().readValue(row.status(), RolloutStatus.class);
      if (status == null || status.phase() == null || status.step() == null) {
        throw new IllegalArgumentException("it lacks phase or step");
      }
    } catch (JacksonException | IllegalArgumentException e) {
      part = part == null ? "status" : part;
      damage = damage == null ? "it is not a status: " + firstLine(e.getMessage()) : damage;
    }
    StoredRollout read =
        new StoredRollout(
            name,
            row.generation(),
            row.resourceVersion(),
            spec,
            status,
            row.createdAt(),
            row.updatedAt());
    if (damage == null) {
      return read;
    }
    throw StoreDamaged.ofRow(name, where + " " + name + " (" + part + ")", damage, read, now());
  }

  private Instant now() {
    return clock.instant();
  }

  private Rollout spec(RolloutTable.Row row) throws SpecException {
    CachedSpec cached = specs.get(row.name());
    if (cached != null
        && cached.generation() == row.generation()
        && cached.yaml().equals(row.spec())) {
      return cached.rollout();
    }
    Rollout rollout = new SpecLoader().parseSelfContained(row.spec(), row.name()).get(0);
    specs.put(row.name(), new CachedSpec(row.generation(), row.spec(), rollout));
    return rollout;
  }

  private static List<RolloutTable.TrailRow> rows(List<TrailEvent> events) {
    return events.stream()
        .map(e -> new RolloutTable.TrailRow(e.sequence(), Json.mapper().writeValueAsString(e)))
        .toList();
  }

  private static List<TrailEvent> events(List<RolloutTable.TrailRow> rows) {
    return rows.stream().map(r -> Json.mapper().readValue(r.event(), TrailEvent.class)).toList();
  }

  private static String json(RolloutStatus status) {
    return Json.mapper().writeValueAsString(status);
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "";
    }
    int nl = message.indexOf('\n');
    return nl < 0 ? message : message.substring(0, nl);
  }
}
