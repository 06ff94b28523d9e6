package dev.snailtrail.controller;

import dev.snailtrail.store.Fence;
import dev.snailtrail.store.LeaseLost;
import dev.snailtrail.store.Leases;
import dev.snailtrail.store.Leases.Lease;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * This replica's share of the rollouts of a store that several replicas share. Every round (each
 * {@link LeaseSettings#renewEvery()}) it beats its heartbeat, reads every lease, and then:
 *
 * <ul>
 *   <li>forgets the rollouts whose lease it no longer holds with its token (taken over while it was
 *       paused or cut off), and adopts any held in its name that it did not know of;
 *   <li>takes free leases, and those of replicas it found gone, up to its even share, ⌈rollouts /
 *       live replicas⌉; gives up the ones past its share that no pass is working on.
 * </ul>
 *
 * <p>A replica is gone when its heartbeat's beat has not moved for a lease's time to live, by this
 * replica's clock: clocks are never compared across machines. While another replica's beat stands
 * still, a round is due at the moment it would be gone if the usual interval ends later, so that
 * its rollouts are taken over then and not up to a round later. This replica acts on a rollout only
 * while it holds the lease and until {@code ttl × 0.8} after its last beat was sent: others cannot
 * find it gone sooner than {@code ttl} after that, so a replica that cannot beat (cut off, paused)
 * has stopped acting before anyone takes over. What it still tries to write then is refused by the
 * store's fence ({@link Fence}), and every AWS change is preceded by {@link #check}.
 */
final class LeaseKeeper {
  private final Leases leases;
  private final LeaseSettings settings;
  private final Clock clock;
  private final Consumer<String> wake;
  private final Function<String, ReentrantLock> locks;
  private final PrintStream log;
  private final Map<String, Lease> held = new ConcurrentHashMap<>();
  private final Map<String, Seen> seen = new HashMap<>();
  private volatile Instant validUntil = Instant.MIN;
  private long beat;
  private Instant nextGone;
  private boolean beatFailing;
  private volatile Runnable cancelTick = () -> {};

  /** A replica's beat as this one last saw it change, and when (by this replica's clock). */
  private record Seen(long beat, Instant since) {}

  LeaseKeeper(
      Leases leases,
      LeaseSettings settings,
      Clock clock,
      Consumer<String> wake,
      Function<String, ReentrantLock> locks,
      PrintStream log) {
    this.leases = leases;
    this.settings = settings;
    this.clock = clock;
    this.wake = wake;
    this.locks = locks;
    this.log = log;
  }

  String replica() {
    return settings.replica();
  }

  /** Whether this replica may act on the rollout now. */
  boolean holds(String rollout) {
    return held.containsKey(rollout) && clock.instant().isBefore(validUntil);
  }

  /** The fence of this replica's writes of the rollout; {@link #holds} first. */
  Fence fence(String rollout) {
    Lease lease = held.get(rollout);
    if (lease == null) {
      throw new LeaseLost(rollout, replica() + " does not hold " + rollout);
    }
    return lease.fence();
  }

  /**
   * Before an AWS change: throws {@link LeaseLost} unless this replica still holds the rollout with
   * the token of {@code fence}, asking the store (a strongly consistent read), not its memory.
   */
  void check(String rollout, Fence fence) {
    if (!holds(rollout)) {
      throw new LeaseLost(
          rollout, replica() + " no longer holds " + rollout + " (its lease ran out)");
    }
    Optional<Lease> now = leases.lease(rollout);
    if (now.isEmpty() || !now.get().fence().equals(fence)) {
      lost(rollout);
      throw new LeaseLost(
          rollout,
          "the lease on "
              + rollout
              + " is "
              + now.map(l -> l.free() ? "free" : l.fence().toString()).orElse("gone")
              + ", not "
              + fence);
    }
  }

  /** A write or a check found the lease gone: stop acting on the rollout. */
  void lost(String rollout) {
    held.remove(rollout);
  }

  /** The holder of each rollout, for showing. */
  Map<String, String> holders() {
    Map<String, String> out = new HashMap<>();
    for (Lease l : leases.all()) {
      if (!l.free()) {
        out.put(l.rollout(), l.holder());
      }
    }
    return out;
  }

  /** One round, as in the class comment. Never throws: a failure waits for the next round. */
  synchronized void tick() {
    Instant sent = clock.instant();
    nextGone = null;
    try {
      leases.beat(
          new Leases.Replica(replica(), ++beat, sent.plus(settings.ttl()), settings.address()));
      validUntil = sent.plus(settings.actFor());
      if (beatFailing) {
        log.println("snailtrail controller: replica " + replica() + " beats again");
        beatFailing = false;
      }
      share(sent);
    } catch (RuntimeException e) {
      if (!beatFailing) {
        log.println(
            "snailtrail controller: replica "
                + replica()
                + " could not renew its leases (it stops acting on them at "
                + validUntil
                + " unless it can): "
                + e.getMessage());
        beatFailing = true;
      }
    }
  }

  private void share(Instant now) {
    List<Leases.Replica> replicas = leases.replicas();
    List<Lease> all = leases.all();
    Set<String> alive = alive(now, replicas, all);
    List<Lease> mine = new ArrayList<>();
    for (Lease l : all) {
      if (replica().equals(l.holder())) {
        mine.add(l);
      }
    }
    keepOnly(mine);
    int share = (all.size() + alive.size() - 1) / Math.max(1, alive.size());
    if (held.size() > share) {
      giveUp(held.size() - share);
      return;
    }
    for (Lease l : all) {
      if (held.size() >= share) {
        break;
      }
      if (l.free() || !alive.contains(l.holder())) {
        leases.acquire(l, replica()).ifPresent(this::took);
      }
    }
  }

  /** Replicas whose beat moved within a lease's time to live, and this one. */
  private Set<String> alive(Instant now, List<Leases.Replica> replicas, List<Lease> all) {
    Set<String> alive = new HashSet<>();
    alive.add(replica());
    Set<String> listed = new HashSet<>();
    for (Leases.Replica r : replicas) {
      listed.add(r.id());
      Seen before = seen.get(r.id());
      if (before == null || before.beat() != r.beat()) {
        seen.put(r.id(), new Seen(r.beat(), now));
      }
      if (Duration.between(seen.get(r.id()).since(), now).compareTo(settings.ttl()) < 0) {
        alive.add(r.id());
        if (!r.id().equals(replica())) {
          goneAt(seen.get(r.id()));
        }
      } else if (!r.id().equals(replica())) {
        leases.leave(r.id()); // gone for good: its heartbeat would only grow the list
      }
    }
    // A holder with no heartbeat at all (it left, or never beat) is gone once a ttl has passed.
    for (Lease l : all) {
      if (!l.free() && !listed.contains(l.holder())) {
        Seen first = seen.computeIfAbsent(l.holder(), h -> new Seen(-1, now));
        if (Duration.between(first.since(), now).compareTo(settings.ttl()) < 0) {
          alive.add(l.holder());
          goneAt(first);
        }
      }
    }
    return alive;
  }

  /** Notes when a replica last seen beating as {@code seen} is gone unless it beats again. */
  private void goneAt(Seen seen) {
    Instant gone = seen.since().plus(settings.ttl());
    if (nextGone == null || gone.isBefore(nextGone)) {
      nextGone = gone;
    }
  }

  /**
   * How long until the next round: the renew interval, or less when another replica would be found
   * gone sooner if it does not beat again.
   */
  synchronized Duration untilNextRound() {
    Duration every = settings.renewEvery();
    if (nextGone == null) {
      return every;
    }
    Duration wait = Duration.between(clock.instant(), nextGone);
    return wait.isNegative() ? Duration.ZERO : wait.compareTo(every) < 0 ? wait : every;
  }

  /** Forgets leases taken from this replica; adopts those in its name it did not know. */
  private void keepOnly(List<Lease> mine) {
    Map<String, Lease> current = new HashMap<>();
    mine.forEach(l -> current.put(l.rollout(), l));
    for (Lease l : List.copyOf(held.values())) {
      if (!l.equals(current.get(l.rollout()))) {
        held.remove(l.rollout());
        log.println(
            "snailtrail controller: replica "
                + replica()
                + " no longer holds "
                + l.rollout()
                + "; another replica acts on it");
      }
    }
    for (Lease l : mine) {
      if (held.putIfAbsent(l.rollout(), l) == null) {
        wake.accept(l.rollout());
      }
    }
  }

  private void took(Lease lease) {
    held.put(lease.rollout(), lease);
    wake.accept(lease.rollout());
  }

  /** Releases up to {@code n} held rollouts that no pass is working on now. */
  private void giveUp(int n) {
    int left = n;
    for (Lease l : List.copyOf(held.values())) {
      if (left == 0) {
        return;
      }
      ReentrantLock lock = locks.apply(l.rollout());
      if (!lock.tryLock()) {
        continue;
      }
      try {
        held.remove(l.rollout());
        leases.release(l);
        left--;
      } finally {
        lock.unlock();
      }
    }
  }

  /**
   * Runs a round now (so that the controller's first passes find their leases), then one every
   * {@link LeaseSettings#renewEvery()} or sooner ({@link #untilNextRound}) on {@code scheduler}
   * until {@code stopped} says so.
   */
  void start(Scheduler scheduler, BooleanSupplier stopped) {
    tick();
    schedule(scheduler, stopped);
  }

  private void schedule(Scheduler scheduler, BooleanSupplier stopped) {
    cancelTick =
        scheduler.schedule(
            untilNextRound(),
            () -> {
              if (stopped.getAsBoolean()) {
                return;
              }
              tick();
              schedule(scheduler, stopped);
            });
  }

  /** Stops the rounds and gives every lease up: the controller stopped. */
  void stop() {
    cancelTick.run();
    releaseAll();
  }

  /** Gives every lease up (the controller stopped); others take them over at once. */
  synchronized void releaseAll() {
    for (Lease l : List.copyOf(held.values())) {
      held.remove(l.rollout());
      try {
        leases.release(l);
      } catch (RuntimeException e) {
        log.println("snailtrail controller: could not release " + l.rollout() + ": " + e);
      }
    }
    try {
      leases.leave(replica());
    } catch (RuntimeException e) {
      log.println("snailtrail controller: could not remove this replica's heartbeat: " + e);
    }
  }

  /** Rollouts this replica holds now. */
  Set<String> held() {
    return Set.copyOf(held.keySet());
  }
}
