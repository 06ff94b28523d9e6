package dev.snailtrail.controller;

import dev.snailtrail.rollout.RolloutStatus;
import dev.snailtrail.spec.Rollout;
import dev.snailtrail.store.Fence;
import dev.snailtrail.store.LeaseLost;
import dev.snailtrail.store.Leases;
import dev.snailtrail.store.Store;
import dev.snailtrail.store.StoredRollout;
import dev.snailtrail.trail.TrailEvent;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * One replica's view of a shared store that reports every pass's write it lets through, with the
 * fence it was made under, and counts the writes the store refused for a lost lease.
 */
final class FencedStore implements Store {

  /** A write the store accepted: by whom, of which rollout, under which token. */
  record Write(String replica, String rollout, long token) {}

  private final Store real;
  private final String replica;
  private final Consumer<Write> written;
  final AtomicLong accepted = new AtomicLong();
  final AtomicLong refused = new AtomicLong();

  FencedStore(Store real, String replica, Consumer<Write> written) {
    this.real = real;
    this.replica = replica;
    this.written = written;
  }

  @Override
  public Committed commit(
      String name, long expected, List<TrailEvent> events, RolloutStatus status, Fence fence) {
    try {
      Committed c = real.commit(name, expected, events, status, fence);
      accepted.incrementAndGet();
      written.accept(new Write(replica, name, fence.token()));
      return c;
    } catch (LeaseLost e) {
      refused.incrementAndGet();
      throw e;
    }
  }

  @Override
  public Optional<Leases> leases() {
    return real.leases();
  }

  @Override
  public Applied apply(Rollout rollout) {
    return real.apply(rollout);
  }

  @Override
  public Optional<StoredRollout> get(String name) {
    return real.get(name);
  }

  @Override
  public List<String> names() {
    return real.names();
  }

  @Override
  public long writeStatus(String name, long expected, RolloutStatus status) {
    throw new AssertionError("a replica of a shared store writes status through commit alone");
  }

  @Override
  public Appended appendTrail(String name, List<TrailEvent> events) {
    throw new AssertionError("a replica of a shared store appends its trail through commit alone");
  }

  @Override
  public List<TrailEvent> trail(String name) {
    return real.trail(name);
  }

  @Override
  public boolean delete(String name) {
    return real.delete(name);
  }

  @Override
  public void check() {
    real.check();
  }
}
