package dev.snailtrail.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.snailtrail.rollout.RolloutStatus;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * What a store that several replicas share does besides the {@link StoreContract}: leases taken
 * only as seen, fencing tokens that only grow, writes refused to a replica that lost the lease, and
 * races between replicas that end as one write.
 */
public abstract class SharedStoreContract extends StoreContract {

  @Override
  protected abstract TableStore store();

  @Test
  void aLeaseIsTakenOnlyAsSeenAndItsTokenOnlyGrows() throws Exception {
    TableStore store = store();
    store.apply(parse(minimalText()));
    Leases leases = store.leases().orElseThrow();
    Leases.Lease free = leases.lease("hello-web").orElseThrow();
    assertThat(free).isEqualTo(new Leases.Lease("hello-web", null, 0));

    Leases.Lease a = leases.acquire(free, "replica-a").orElseThrow();
    assertThat(a).isEqualTo(new Leases.Lease("hello-web", "replica-a", 1));
    assertThat(leases.acquire(free, "replica-b")).as("seen free, but taken meanwhile").isEmpty();
    // replica-b finds replica-a gone and takes its rollout over.
    Leases.Lease b = leases.acquire(a, "replica-b").orElseThrow();
    assertThat(b.token()).isEqualTo(2);
    assertThat(leases.release(a)).as("replica-a no longer holds it").isFalse();
    assertThat(leases.release(b)).isTrue();
    Leases.Lease freed = leases.lease("hello-web").orElseThrow();
    assertThat(freed).isEqualTo(new Leases.Lease("hello-web", null, 2));
    assertThat(leases.acquire(freed, "replica-a").orElseThrow().token()).isEqualTo(3);
    assertThat(leases.all()).containsExactly(new Leases.Lease("hello-web", "replica-a", 3));
  }

  @Test
  void aReplicaThatLostTheLeaseWritesNothing() throws Exception {
    TableStore store = store();
    Store.Applied applied = store.apply(parse(minimalText()));
    Leases leases = store.leases().orElseThrow();
    Leases.Lease a = leases.acquire(leases.lease("hello-web").orElseThrow(), "a").orElseThrow();
    Leases.Lease b = leases.acquire(a, "b").orElseThrow();
    RolloutStatus stale = RolloutStatus.initial().toBuilder().message("stale").build();

    assertThatThrownBy(
            () ->
                store.commit(
                    "hello-web", applied.resourceVersion(), List.of(event(1)), stale, a.fence()))
        .isInstanceOf(LeaseLost.class)
        .hasMessageContaining("b#2");

    assertThat(reopen().trail("hello-web")).isEmpty();
    assertThat(reopen().get("hello-web").orElseThrow().status()).isEqualTo(RolloutStatus.initial());
    RolloutStatus fresh = RolloutStatus.initial().toBuilder().message("fresh").build();
    Store.Committed c =
        store.commit("hello-web", applied.resourceVersion(), List.of(event(1)), fresh, b.fence());
    assertThat(c.events()).containsExactly(event(1));
    assertThat(reopen().get("hello-web").orElseThrow().status().message()).isEqualTo("fresh");
  }

  @Test
  void twoReplicasApplyingOneSpecChangeMakeOneGeneration() throws Exception {
    store().apply(parse(minimalText()));
    String changed = minimalText().replace("nginx:1.27", "nginx:1.28");
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      Callable<Store.Applied> apply = () -> store().apply(parse(changed));
      Future<Store.Applied> first = pool.submit(apply);
      Future<Store.Applied> second = pool.submit(apply);
      assertThat(List.of(first.get(), second.get()))
          .extracting(Store.Applied::changed)
          .containsExactlyInAnyOrder(true, false);
    } finally {
      pool.shutdownNow();
    }
    assertThat(reopen().get("hello-web").orElseThrow().generation()).isEqualTo(2);
  }

  @Test
  void replicasBeatAndLeave() {
    TableStore store = store();
    Instant until = T0.plusSeconds(15);
    store.beat(new Leases.Replica("a", 1, until, "10.0.0.1:8080"));
    store.beat(new Leases.Replica("b", 1, until, null));
    store.beat(new Leases.Replica("a", 2, until.plusSeconds(5), "10.0.0.1:8080"));

    assertThat(reopenLeases().replicas())
        .containsExactlyInAnyOrder(
            new Leases.Replica("a", 2, until.plusSeconds(5), "10.0.0.1:8080"),
            new Leases.Replica("b", 1, until, null));
    store.leave("a");
    assertThat(reopenLeases().replicas()).extracting(Leases.Replica::id).containsExactly("b");
  }

  @Test
  void deletingARolloutFreesItsLease() throws Exception {
    TableStore store = store();
    store.apply(parse(minimalText()));
    store.acquire(store.lease("hello-web").orElseThrow(), "a").orElseThrow();

    store.delete("hello-web");

    assertThat(store.lease("hello-web")).isEmpty();
    assertThat(store.all()).isEmpty();
    store.apply(parse(minimalText()));
    assertThat(store.lease("hello-web").orElseThrow().free()).isTrue();
  }

  private Leases reopenLeases() {
    return reopen().leases().orElseThrow();
  }
}
