package dev.snailtrail.store;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Who holds which rollout, for a store that several controller replicas share. Each rollout has a
 * lease: its holder (a replica, or none) and a fencing token that grows by one each time the lease
 * changes hands. A replica stays alive by beating its own heartbeat; the others decide it is gone
 * when its beat stops moving for a lease's time to live by their own clocks (never by comparing
 * clocks across machines), and then take its rollouts over.
 *
 * <p>Every change here is conditional on what the caller saw, so two replicas never both win.
 */
public interface Leases {

  /** Every rollout's lease, free ones included. */
  List<Lease> all();

  /**
   * One rollout's lease as it is now (a strongly consistent read), or empty without the rollout.
   */
  Optional<Lease> lease(String rollout);

  /**
   * Takes a rollout's lease for {@code holder}, if it is still as {@code seen}: free, or held by a
   * replica the caller found gone. The token becomes {@code seen.token() + 1}.
   *
   * @return the new lease, or empty when it changed since it was seen (someone else moved first)
   */
  Optional<Lease> acquire(Lease seen, String holder);

  /** Gives a held lease up (the token stays); false when it is no longer as held. */
  boolean release(Lease held);

  /** Writes the replica's heartbeat, creating it on the first beat. */
  void beat(Replica replica);

  /** Every replica that has beaten and not left. */
  List<Replica> replicas();

  /** Removes the replica's heartbeat: it stopped, and holds nothing. */
  void leave(String replica);

  /**
   * A rollout's lease.
   *
   * @param holder the replica that holds it, or null when it is free
   * @param token the fencing token: grows by one each time the lease is taken
   */
  record Lease(String rollout, String holder, long token) {
    public Fence fence() {
      return new Fence(holder, token);
    }

    public boolean free() {
      return holder == null;
    }
  }

  /**
   * A replica's heartbeat.
   *
   * @param beat grows by one on every beat; a beat that stops moving means a replica gone
   * @param expiresAt when its leases run out if it beats no more, by its own clock (shown to
   *     people; other replicas go by the beat)
   * @param address where its API listens, or null
   */
  record Replica(String id, long beat, Instant expiresAt, String address) {}
}
