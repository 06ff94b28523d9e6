package dev.snailtrail.store;

import dev.snailtrail.rollout.RolloutStatus;
import dev.snailtrail.spec.Rollout;
import dev.snailtrail.trail.TrailEvent;
import java.util.List;
import java.util.Optional;

/**
 * Where rollouts live between passes: the effective spec with its generation, the status, and the
 * append-only trail. {@link FileStore} keeps them in a directory for one controller; {@link
 * TableStore} keeps them in a table (DynamoDB, or memory) that several controller replicas share,
 * with {@link Leases} saying which replica acts on which rollout.
 *
 * <p>Every write is durable when the method returns. Status writes are guarded by the rollout's
 * {@code resourceVersion}, which moves on every write to the rollout.
 *
 * <p>A rollout whose stored files cannot be read is damaged: reading it, applying to it and writing
 * its status throw {@link StoreDamaged} and change nothing, so one damaged rollout stops no other
 * and its files stay for a person to repair. {@link #names()} still lists it and {@link #delete}
 * still removes it.
 */
public interface Store {

  /**
   * Stores a rollout's effective spec, creating the rollout with an initial status when new. The
   * generation moves only when the spec differs from the stored one.
   *
   * @throws StoreDamaged when the stored rollout cannot be read; nothing is written then
   */
  Applied apply(Rollout rollout);

  /**
   * A rollout with its spec, generation, status and versions, or empty.
   *
   * @throws StoreDamaged when a file of the rollout cannot be read
   */
  Optional<StoredRollout> get(String name);

  /** Names of every stored rollout, sorted. */
  List<String> names();

  /**
   * Replaces a rollout's status.
   *
   * @param expectedResourceVersion the version the status was computed from
   * @return the new resource version
   * @throws Conflict when the rollout changed since (or was deleted)
   * @throws StoreDamaged when the stored rollout cannot be read; nothing is written then
   */
  long writeStatus(String name, long expectedResourceVersion, RolloutStatus status);

  /**
   * Appends trail events durably. A pass appends its events before it writes its status, so a pass
   * re-run after a crash in between emits events under sequence numbers the trail already holds:
   * such an event is dropped when it records the same as one stored from the first of those numbers
   * on (the same decision, re-emitted), and stored under the next free sequence number when it
   * records something else (the re-run decided differently), so nothing is appended twice and
   * nothing is lost. The caller moves the status's event sequence to {@link
   * Appended#lastSequence()} before writing it.
   *
   * @throws Conflict when the rollout does not exist
   */
  Appended appendTrail(String name, List<TrailEvent> events);

  /**
   * Appends a pass's (or a verb's) trail events and writes its status, as {@link #appendTrail} then
   * {@link #writeStatus} do, with the status's event sequence moved past every stored event. A
   * store that several replicas share does both in one write, all or nothing, and only while {@code
   * fence} holds: a replica that lost the rollout's lease writes nothing.
   *
   * <p>The default appends, then writes: a store that one controller holds alone has nothing to
   * fence, and a crash in between is what {@link #appendTrail} is made for.
   *
   * @throws Conflict when the rollout changed since {@code expectedResourceVersion} (or was
   *     deleted)
   * @throws LeaseLost when {@code fence} no longer holds; nothing is written then
   * @throws StoreDamaged when the stored rollout cannot be read; nothing is written then
   */
  default Committed commit(
      String name,
      long expectedResourceVersion,
      List<TrailEvent> events,
      RolloutStatus status,
      Fence fence) {
    Appended appended = appendTrail(name, events);
    RolloutStatus counted =
        appended.lastSequence() > status.eventSeq()
            ? status.toBuilder().eventSeq(appended.lastSequence()).build()
            : status;
    long version = writeStatus(name, expectedResourceVersion, counted);
    return new Committed(appended.events(), counted, version);
  }

  /**
   * The leases of a store that several controller replicas share; empty for a store one controller
   * holds alone (which then acts on every rollout).
   */
  default Optional<Leases> leases() {
    return Optional.empty();
  }

  /** The rollout's trail, oldest first (empty when the rollout does not exist). */
  List<TrailEvent> trail(String name);

  /** Removes a rollout with its status and trail; whether it existed. */
  boolean delete(String name);

  /**
   * Checks the store can be read now.
   *
   * @throws java.io.UncheckedIOException saying why not
   */
  void check();

  /**
   * The outcome of {@link #apply}.
   *
   * @param changed whether the spec differed from the stored one (or the rollout is new)
   */
  record Applied(String name, long generation, long resourceVersion, boolean changed) {}

  /**
   * The outcome of {@link #appendTrail}.
   *
   * @param events the events stored, in order, with the ids they were stored under
   * @param lastSequence the highest sequence number in the trail now (0: none)
   */
  record Appended(List<TrailEvent> events, long lastSequence) {}

  /**
   * The outcome of {@link #commit}.
   *
   * @param events the events stored, with the ids they were stored under
   * @param status the status as written, its event sequence past every stored event
   * @param resourceVersion the rollout's version now
   */
  record Committed(List<TrailEvent> events, RolloutStatus status, long resourceVersion) {}

  /** A write lost a race: someone else changed the rollout since it was read. */
  final class Conflict extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public Conflict(String message) {
      super(message);
    }
  }
}
