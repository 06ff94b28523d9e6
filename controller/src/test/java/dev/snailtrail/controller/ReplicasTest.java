package dev.snailtrail.controller;

import static org.assertj.core.api.Assertions.assertThat;

import dev.snailtrail.gate.GateEvaluator;
import dev.snailtrail.provider.Providers;
import dev.snailtrail.rollout.StatusPhase;
import dev.snailtrail.sim.Seed;
import dev.snailtrail.sim.Simulator;
import dev.snailtrail.spec.Rollout;
import dev.snailtrail.store.Leases;
import dev.snailtrail.store.TableStore;
import dev.snailtrail.time.MutableClock;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Three controller replicas over one shared store (in memory) and one simulated ECS, on a manual
 * clock. One replica is paused with its clock frozen past its leases, then resumed and made to act
 * on what it held; another is killed (it stops, releasing nothing). Every rollout must still end
 * Healthy, no task definition content may be registered twice, and the stale replica may write
 * nothing.
 */
class ReplicasTest {
  static final int ROLLOUTS = Integer.getInteger("snailtrail.replicas.rollouts", 300);

  /** How many rollouts the replicas share. */
  int rollouts() {
    return ROLLOUTS;
  }

  /** The store the replicas share: in memory here. */
  TableStore sharedStore(java.time.Clock clock) {
    return TableStore.inMemory(clock);
  }

  static final Duration TTL = Duration.ofSeconds(15);
  static final Duration RENEW = Duration.ofSeconds(5);
  static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");

  final MutableClock clock = new MutableClock(T0);
  final List<FencedStore.Write> writes = java.util.Collections.synchronizedList(new ArrayList<>());
  final ByteArrayOutputStream log = new ByteArrayOutputStream();

  /** One controller replica, with its own clock and timers. */
  final class Replica {
    final String name;
    final FreezableClock own = new FreezableClock(clock);
    final ManualScheduler scheduler = new ManualScheduler(clock);
    final FencedStore store;
    final Controller controller;
    boolean running = true;

    Replica(String name, TableStore shared, Providers providers, Controller.Hooks hooks) {
      this.name = name;
      this.store = new FencedStore(shared, name, writes::add);
      this.controller =
          Controller.builder(store, providers, GateEvaluator.withDefaults(), own)
              .scheduler(scheduler)
              .workers(4)
              .resync(Duration.ofSeconds(30))
              .leases(new LeaseSettings(name, TTL, RENEW, null))
              .hooks(hooks)
              .log(new PrintStream(log, true, StandardCharsets.UTF_8))
              .build();
    }

    Set<String> held() {
      return controller.access().keeper().held();
    }

    void settle() {
      try {
        assertThat(controller.queue().awaitIdle(Duration.ofMinutes(1)))
            .as("%s's passes finish", name)
            .isTrue();
      } catch (InterruptedException e) {
        throw new AssertionError(e);
      }
    }
  }

  @Test
  @Timeout(120)
  void rolloutsFinishWhenAReplicaIsKilledAndAStaleOneWritesNothing() throws Exception {
    long started = System.nanoTime();
    try (Simulator sim = new Simulator(clock)) {
      RegistrationCounter registrations = new RegistrationCounter(sim.providers().ecs());
      Providers providers = sim.providers().withEcs(registrations);
      Set<String> seeded = ConcurrentHashMap.newKeySet();
      Controller.Hooks seeding =
          new Controller.Hooks() {
            @Override
            public void prepare(Rollout r) {
              if (seeded.add(r.name())) {
                sim.seed(r, Seed.existingService("1.26"));
              }
            }
          };
      int n = rollouts();
      TableStore shared = sharedStore(clock);
      List<Replica> replicas = new ArrayList<>();
      for (String id : List.of("a", "b", "c")) {
        replicas.add(new Replica(id, shared, providers, seeding));
      }
      Replica a = replicas.get(0);
      Replica b = replicas.get(1);
      Replica c = replicas.get(2);
      replicas.forEach(r -> r.controller.start());
      String minimal =
          Files.readString(
              Path.of(System.getProperty("snailtrail.root"), "spec-examples", "minimal.yaml"));
      for (int i = 0; i < n; i++) {
        a.controller.controlPlane().apply("r" + i + ".yaml", twoPhases(minimal, i));
      }

      // Given the rollouts shared evenly, and under way
      run(replicas, Duration.ofSeconds(40));
      Map<String, Integer> shares = new HashMap<>();
      replicas.forEach(r -> shares.put(r.name, r.held().size()));
      assertThat(shares.values())
          .as("each replica's share %s", shares)
          .allSatisfy(held -> assertThat(held).isBetween(n / 3 - 1, n / 3 + 1));

      // When c stops (its clock frozen) for longer than a lease lives, the others take its share
      Set<String> cHeld = c.held();
      c.own.freeze();
      c.running = false;
      run(replicas, TTL.multipliedBy(3));
      assertThat(holders(shared, cHeld)).as("c's rollouts' holders now").doesNotContain("c");

      // and when it resumes with its clock still frozen and acts on what it held, it writes nothing
      long cWrites = c.store.accepted.get();
      int registered = registrations.registrations();
      cHeld.forEach(c.controller.queue()::add);
      c.settle();
      assertThat(c.store.accepted.get()).as("writes by the stale replica").isEqualTo(cWrites);
      assertThat(registrations.registrations()).as("its registrations").isEqualTo(registered);
      assertThat(c.held()).as("what c believes it holds once refused").isEmpty();
      c.own.resume();
      c.running = true;

      // When b is killed, its rollouts go on elsewhere within twice the lease's time to live
      run(replicas, Duration.ofSeconds(30));
      Set<String> bHeld = b.held();
      b.controller.queue().shutDown();
      b.running = false;
      Instant killed = clock.instant();
      while (holders(shared, bHeld).contains("b")) {
        step(replicas);
      }
      Duration takeover = Duration.between(killed, clock.instant());
      assertThat(takeover)
          .as("takeover of %d rollouts", bHeld.size())
          .isLessThanOrEqualTo(TTL.multipliedBy(2));

      // Then every rollout finishes, with no content registered twice and no stale write
      Instant limit = clock.instant().plus(Duration.ofHours(2));
      while (!allHealthy(a) && clock.instant().isBefore(limit)) {
        step(replicas);
      }
      Map<StatusPhase, Long> phases =
          a.controller.controlPlane().list().stream()
              .collect(Collectors.groupingBy(v -> v.status().phase(), Collectors.counting()));
      assertThat(phases).as("phases (log tail: %s)", tail()).containsOnlyKeys(StatusPhase.Healthy);
      assertThat(phases.get(StatusPhase.Healthy)).isEqualTo((long) n);
      assertThat(registrations.duplicates()).as("duplicate registrations").isZero();
      assertThat(staleWrites()).as("writes under a token older than one written before").isEmpty();
      System.out.printf(
          Locale.ROOT,
          getClass().getSimpleName()
              + ": %d rollouts, 3 replicas, shares %s; takeover of b's %d in %s; %d"
              + " registrations, 0 duplicate; %d writes, %d refused for a lost lease; %d ms%n",
          n,
          shares,
          bHeld.size(),
          takeover,
          registrations.registrations(),
          writes.size(),
          replicas.stream().mapToLong(r -> r.store.refused.get()).sum(),
          (System.nanoTime() - started) / 1_000_000);
      a.controller.close();
      c.controller.close();
    }
  }

  /** Two phases, each with a bake, so that a takeover falls in the middle of rollouts. */
  static String twoPhases(String minimal, int i) {
    return ControllerBenchmarkIT.spec(minimal, i)
        + "    - name: v3\n"
        + "      image: public.ecr.aws/nginx/nginx:1.28\n"
        + "      bake: 60s\n"
        + "      gates:\n"
        + "        - ecsTasks\n";
  }

  /** Writes of a rollout under a lower token than one already written: a stale holder's. */
  private List<FencedStore.Write> staleWrites() {
    Map<String, Long> highest = new HashMap<>();
    List<FencedStore.Write> stale = new ArrayList<>();
    synchronized (writes) {
      for (FencedStore.Write w : writes) {
        long before = highest.getOrDefault(w.rollout(), 0L);
        if (w.token() < before) {
          stale.add(w);
        }
        highest.put(w.rollout(), Math.max(before, w.token()));
      }
    }
    return stale;
  }

  private static Set<String> holders(TableStore shared, Set<String> rollouts) {
    Set<String> out = new java.util.HashSet<>();
    for (Leases.Lease l : shared.all()) {
      if (rollouts.contains(l.rollout())) {
        out.add(String.valueOf(l.holder()));
      }
    }
    return out;
  }

  private void run(List<Replica> replicas, Duration d) {
    Instant until = clock.instant().plus(d);
    while (clock.instant().isBefore(until)) {
      if (!step(replicas)) {
        return;
      }
    }
  }

  /** Moves the clock to the next timer of a running replica, runs the due ones, lets work end. */
  private boolean step(List<Replica> replicas) {
    List<Replica> running = replicas.stream().filter(r -> r.running).toList();
    running.forEach(Replica::settle);
    Instant next = null;
    for (Replica r : running) {
      Instant due = r.scheduler.nextDue().orElse(null);
      if (due != null && (next == null || due.isBefore(next))) {
        next = due;
      }
    }
    if (next == null) {
      return false;
    }
    if (next.isAfter(clock.instant())) {
      clock.set(next);
    }
    running.forEach(r -> r.scheduler.runDue());
    running.forEach(Replica::settle);
    return true;
  }

  private boolean allHealthy(Replica r) {
    List<ControlPlane.RolloutView> all = r.controller.controlPlane().list();
    return all.size() == rollouts()
        && all.stream().allMatch(v -> v.status().phase() == StatusPhase.Healthy);
  }

  private String tail() {
    String s = log.toString(StandardCharsets.UTF_8);
    return s.substring(Math.max(0, s.length() - 3000));
  }
}
