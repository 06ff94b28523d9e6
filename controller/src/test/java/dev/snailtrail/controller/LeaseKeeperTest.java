package dev.snailtrail.controller;

import static org.assertj.core.api.Assertions.assertThat;

import dev.snailtrail.store.StoreContract;
import dev.snailtrail.store.TableStore;
import dev.snailtrail.time.MutableClock;
import java.io.OutputStream;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.Test;

/**
 * When a replica's beat stands still, the others take its rollouts over the moment it is gone (its
 * beat unchanged for a TTL since they saw it move), not at whichever of their rounds comes next:
 * rounds drift later by the time each one takes, and a takeover that waits for the next one lands
 * up to a round past the TTL.
 */
class LeaseKeeperTest {
  static final Duration TTL = Duration.ofSeconds(15);
  static final Duration RENEW = Duration.ofSeconds(5);

  /** How late each of b's rounds runs: the time a round over a slow table takes. */
  static final Duration LATE = Duration.ofMillis(300);

  final MutableClock clock = new MutableClock(StoreContract.T0);
  final TableStore table = TableStore.inMemory(clock);

  LeaseKeeper keeper(String name) {
    return new LeaseKeeper(
        table,
        new LeaseSettings(name, TTL, RENEW, null),
        clock,
        rollout -> {},
        rollout -> new ReentrantLock(),
        new PrintStream(OutputStream.nullOutputStream()));
  }

  @Test
  void aReplicaThatStopsBeatingLosesItsRolloutsAsSoonAsItIsGone() throws Exception {
    for (String name : Set.of("one", "two", "three", "four")) {
      table.apply(StoreContract.parse(StoreContract.minimalText().replace("hello-web", name)));
    }
    LeaseKeeper a = keeper("a");
    LeaseKeeper b = keeper("b");
    ManualScheduler bRounds = new ManualScheduler(clock);
    a.tick();
    b.start(bRounds, () -> false);
    a.tick(); // a finds b, and keeps its share
    assertThat(a.held()).hasSize(2);

    // a's last beat, then b's next round sees it: from here a is gone after a TTL
    clock.advance(Duration.ofSeconds(1));
    a.tick();
    Instant seen = nextRound(bRounds);
    assertThat(b.held()).hasSize(2);

    Instant tookOver = null;
    while (tookOver == null) {
      Instant round = nextRound(bRounds);
      assertThat(round).as("b's rounds").isBefore(seen.plus(TTL.multipliedBy(2)));
      tookOver = b.held().size() == 4 ? round : null;
    }
    assertThat(Duration.between(seen, tookOver))
        .as("from the round that saw a's last beat to the one that took its rollouts")
        .isEqualTo(TTL.plus(LATE));
    assertThat(b.untilNextRound()).as("then the usual interval").isEqualTo(RENEW);
  }

  /** Runs b's next round {@link #LATE} after it was due; returns when it ran. */
  private Instant nextRound(ManualScheduler rounds) {
    clock.set(rounds.nextDue().orElseThrow().plus(LATE));
    rounds.runDue();
    return clock.instant();
  }
}
