package dev.snailtrail.aws;

import static org.assertj.core.api.Assertions.assertThat;

import dev.snailtrail.moto.MotoServer;
import dev.snailtrail.rollout.RolloutStatus;
import dev.snailtrail.rollout.TrafficStatus;
import dev.snailtrail.rollout.TrafficStatus.EcsShift;
import dev.snailtrail.rollout.TrafficStatus.HookVerdict;
import dev.snailtrail.store.Fence;
import dev.snailtrail.store.SharedStoreContract;
import dev.snailtrail.store.Store;
import dev.snailtrail.store.TableStore;
import dev.snailtrail.trail.TrailEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

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

  @Test
  void theRowCarriesTheVerdictOfAnEcsDeploymentForItsLifecycleHook() throws Exception {
    TableStore store = store();
    Store.Applied a = store.apply(parse(minimalText()));
    var lease = store.acquire(store.lease("hello-web").orElseThrow(), "a").orElseThrow();
    String deployment = "arn:aws:ecs:us-east-1:123456789012:service-deployment/c/s/abc";
    Instant said = Instant.parse("2026-11-23T10:00:07.250Z");
    RolloutStatus analysing =
        RolloutStatus.initial().toBuilder()
            .traffic(
                TrafficStatus.start(said)
                    .withEcs(new EcsShift(deployment, HookVerdict.ANALYSING, said)))
            .build();

    store.commit("hello-web", a.resourceVersion(), List.of(), analysing, lease.fence());

    assertThat(hookAttributes())
        .isEqualTo(
            Map.of(
                "hookVerdict", AttributeValue.fromS("ANALYSING"),
                "hookVerdictAt", AttributeValue.fromN(Long.toString(said.getEpochSecond())),
                "hookDeployment", AttributeValue.fromS(deployment)));

    clock.advance(Duration.ofMinutes(1));
    Store.Applied changed = store.apply(parse(minimalText().replace("nginx:1.27", "nginx:1.28")));
    assertThat(hookAttributes()).as("a new spec keeps the status, and its verdict").hasSize(3);

    RolloutStatus unnamed =
        analysing.toBuilder()
            .traffic(analysing.traffic().withEcs(new EcsShift(null, HookVerdict.FAILED, said)))
            .build();
    Store.Committed d =
        store.commit("hello-web", changed.resourceVersion(), List.of(), unnamed, lease.fence());
    assertThat(hookAttributes())
        .as("no deployment named yet")
        .containsOnlyKeys("hookVerdict", "hookVerdictAt")
        .containsEntry("hookVerdict", AttributeValue.fromS("FAILED"));

    RolloutStatus done = analysing.toBuilder().traffic(null).message("done").build();
    store.commit("hello-web", d.resourceVersion(), List.of(), done, lease.fence());
    assertThat(hookAttributes()).as("a status without a verdict leaves none").isEmpty();
    assertThat(reopen().get("hello-web").orElseThrow().status().message()).isEqualTo("done");
  }

  /** The row's verdict as the lifecycle hook reads it: one GetItem of the three attributes. */
  private static Map<String, AttributeValue> hookAttributes() {
    DynamoDbClient db = MotoServer.get().client(DynamoDbClient.class, DynamoDbClient::builder);
    return db.getItem(
            g ->
                g.tableName(TABLE)
                    .key(
                        Map.of(
                            "pk", AttributeValue.fromS("rollout#hello-web"),
                            "sk", AttributeValue.fromS("row")))
                    .consistentRead(true)
                    .projectionExpression("hookVerdict, hookVerdictAt, hookDeployment"))
        .item();
  }
}
