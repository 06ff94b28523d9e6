package dev.snailtrail.store;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The rows of a store that several replicas share, as a table keeps them: text and numbers only,
 * every write conditional. {@link TableStore} turns them into rollouts; a DynamoDB table (package
 * {@code aws}) and {@link InMemoryTable} implement it.
 *
 * <p>A rollout has a row (versions, the spec as YAML, the status as JSON, and the verdict a
 * lifecycle hook reads), trail rows numbered by sequence, and a lease. Replicas have heartbeats.
 * Reads of a row, of a lease and of the trail are strongly consistent; listings may lag a moment.
 */
public interface RolloutTable {

  /**
   * A rollout's row.
   *
   * @param spec the effective spec, as YAML
   * @param status the status, as JSON
   * @param verdict the status's word on an ECS deployment under way, kept beside it for the
   *     lifecycle hook that reads nothing else; null when the status has none
   */
  record Row(
      String name,
      long generation,
      long resourceVersion,
      String spec,
      String status,
      Instant createdAt,
      Instant updatedAt,
      Verdict verdict) {}

  /**
   * What the controller says of an ECS deployment under way ({@code status.traffic.ecs}), as the
   * dead-man's switch in {@code deploy/lambda/snailtrail-hook} reads it from the row.
   *
   * @param verdict ANALYSING, SUCCEEDED or FAILED
   * @param at when the controller last said it, to the second
   * @param deployment the service deployment's ARN the verdict is about, or null
   */
  record Verdict(String verdict, Instant at, String deployment) {}

  /** One stored trail event: its sequence number and its JSON. */
  record TrailRow(long sequence, String event) {}

  /** A rollout's row, or empty. */
  Optional<Row> row(String name);

  /** The names of every rollout, sorted. */
  List<String> names();

  /**
   * Creates a rollout: its row, and its lease free at token 0.
   *
   * @return false, writing nothing, when a rollout of that name exists
   */
  boolean create(Row row);

  /**
   * One write, all or nothing: the row replaced by {@code replacement} if its version is still
   * {@code expectedVersion} (a null replacement leaves the row as it is, but it must exist), each
   * trail row added where its sequence number is free, and only while {@code fence} holds the
   * rollout's lease.
   *
   * @throws Store.Conflict when the row changed or is gone, or a trail number is taken
   * @throws LeaseLost when the fence no longer holds the lease
   */
  void write(String name, Row replacement, long expectedVersion, List<TrailRow> trail, Fence fence);

  /** The trail rows from {@code fromSequence} on, oldest first. */
  List<TrailRow> trail(String name, long fromSequence);

  /** The highest sequence number in the rollout's trail, 0 when it is empty. */
  long lastSequence(String name);

  /** Removes the rollout's row, trail and lease; whether it existed. */
  boolean delete(String name);

  /**
   * Checks the table answers.
   *
   * @throws RuntimeException saying why not
   */
  void check();

  /** Every rollout's lease. */
  List<Leases.Lease> leases();

  /** One rollout's lease, or empty. */
  Optional<Leases.Lease> lease(String name);

  /** Moves a lease still as {@code seen} to {@code holder} at the next token; whether it did. */
  boolean acquire(Leases.Lease seen, String holder);

  /** Frees a lease still as {@code held}; whether it did. */
  boolean release(Leases.Lease held);

  /** Writes a replica's heartbeat. */
  void beat(Leases.Replica replica);

  /** Every replica's heartbeat. */
  List<Leases.Replica> replicas();

  /** Removes a replica's heartbeat. */
  void leave(String replica);
}
