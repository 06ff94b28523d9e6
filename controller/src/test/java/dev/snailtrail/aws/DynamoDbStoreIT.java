package dev.snailtrail.aws;

import static org.assertj.core.api.Assertions.assertThat;

import dev.snailtrail.moto.MotoServer;
import dev.snailtrail.rollout.RolloutStatus;
import dev.snailtrail.store.Fence;
import dev.snailtrail.store.SharedStoreContract;
import dev.snailtrail.store.Store;
import dev.snailtrail.store.TableStore;
import dev.snailtrail.trail.TrailEvent;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The store contract and the shared store's leases over the wire, on moto's DynamoDB: conditional
 * writes, transactions and queries as the SDK sends them.
 */
@ExtendWith(MotoServer.Extension.class)
class DynamoDbStoreIT extends SharedStoreContract {
  private static final String TABLE = "snailtrail-test";
  private static AwsProviders aws;

  @BeforeAll
  static void open() {
    aws = AwsProviders.open(MotoServer.get().settings());
  }

  @AfterAll
  static void close() {
    aws.close();
  }

  @BeforeEach
  void table() {
    assertThat(aws.createStoreTable(MotoServer.REGION, TABLE)).as("created").isTrue();
    assertThat(aws.createStoreTable(MotoServer.REGION, TABLE)).as("exists already").isFalse();
  }

  @Override
  protected TableStore store() {
    return new TableStore(aws.storeTable(MotoServer.REGION, TABLE), "dynamodb:" + TABLE, clock);
  }

  @Override
  protected Store reopen() {
    return store();
  }

  @Test
  void aPassWithMoreEventsThanATransactionTakesStoresThemAll() throws Exception {
    TableStore store = store();
    Store.Applied a = store.apply(parse(minimalText()));
    var lease = store.acquire(store.lease("hello-web").orElseThrow(), "a").orElseThrow();
    List<TrailEvent> many = new ArrayList<>();
    for (int i = 1; i <= 60; i++) {
      many.add(event(i));
    }
    RolloutStatus status = RolloutStatus.initial().toBuilder().message("busy").build();

    Store.Committed c = store.commit("hello-web", a.resourceVersion(), many, status, lease.fence());

    assertThat(c.status().eventSeq()).isEqualTo(60);
    assertThat(reopen().trail("hello-web")).hasSize(60).containsExactlyElementsOf(many);
    assertThat(reopen().get("hello-web").orElseThrow().status().message()).isEqualTo("busy");
    assertThat(store.commit("hello-web", c.resourceVersion(), List.of(), status, Fence.NONE))
        .extracting(Store.Committed::resourceVersion)
        .isEqualTo(c.resourceVersion() + 1);
  }
}
