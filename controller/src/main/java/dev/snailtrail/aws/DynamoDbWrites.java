package dev.snailtrail.aws;

import static dev.snailtrail.aws.DynamoDbItems.n;
import static dev.snailtrail.aws.DynamoDbItems.s;

import dev.snailtrail.store.Fence;
import dev.snailtrail.store.LeaseLost;
import dev.snailtrail.store.Leases;
import dev.snailtrail.store.RolloutTable;
import dev.snailtrail.store.Store;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.ConditionCheck;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/**
 * The writes of a rollout in {@link DynamoDbTable}: one transaction holding the check that the
 * fence still holds the rollout's lease, the row's replacement on its version (or the check that it
 * exists), and the trail events, each on its number being free. A transaction takes 25 items (the
 * limit every DynamoDB, moto's included, accepts): a pass with more events than fit writes the
 * first ones in transactions of their own, each fenced, and the status with the last.
 */
final class DynamoDbWrites {
  /** Items one transaction may hold. */
  static final int MAX_ITEMS = 25;

  private final DynamoDbClient db;
  private final AwsCalls calls;
  private final String table;

  DynamoDbWrites(DynamoDbClient db, AwsCalls calls, String table) {
    this.db = db;
    this.calls = calls;
    this.table = table;
  }

  void write(
      String name,
      RolloutTable.Row replacement,
      long expectedVersion,
      List<RolloutTable.TrailRow> trail,
      Fence fence) {
    int room = MAX_ITEMS - (fence.fences() ? 2 : 1);
    List<RolloutTable.TrailRow> left = trail;
    while (left.size() > room) {
      transactOrThrow(name, fence, null, expectedVersion, left.subList(0, room));
      left = left.subList(room, left.size());
    }
    transactOrThrow(name, fence, replacement, expectedVersion, left);
  }

  private void transactOrThrow(
      String name,
      Fence fence,
      RolloutTable.Row replacement,
      long expectedVersion,
      List<RolloutTable.TrailRow> trail) {
    List<TransactWriteItem> items = new ArrayList<>();
    if (fence.fences()) {
      items.add(
          check(
              DynamoDbItems.leaseKey(name),
              "holder = :h AND #token = :t",
              Map.of(":h", s(fence.holder()), ":t", n(fence.token())),
              Map.of("#token", "token")));
    }
    int rowAt = items.size();
    if (replacement != null) {
      items.add(
          TransactWriteItem.builder()
              .put(
                  Put.builder()
                      .tableName(table)
                      .item(DynamoDbItems.item(replacement))
                      .conditionExpression("resourceVersion = :v")
                      .expressionAttributeValues(Map.of(":v", n(expectedVersion)))
                      .build())
              .build());
    } else {
      items.add(check(DynamoDbItems.rowKey(name), "attribute_exists(pk)", null, null));
    }
    for (RolloutTable.TrailRow t : trail) {
      items.add(put(table, DynamoDbItems.item(name, t), "attribute_not_exists(pk)"));
    }
    Optional<Failed> failed = transact("TransactWriteItems", items);
    if (failed.isEmpty()) {
      return;
    }
    int at = failed.get().index();
    if (fence.fences() && at == 0) {
      Map<String, AttributeValue> lease = failed.get().item();
      if (lease == null || lease.isEmpty()) {
        lease = leaseNow(name); // not every DynamoDB returns the item that failed its check
      }
      throw new LeaseLost(
          name, "the lease on " + name + " is " + describe(lease) + ", not " + fence);
    }
    if (at == rowAt) {
      throw new Store.Conflict(
          replacement == null
              ? "rollout " + name + " was deleted"
              : "rollout "
                  + name
                  + " changed or was deleted: the write expected resourceVersion "
                  + expectedVersion);
    }
    long sequence = trail.get(at - rowAt - 1).sequence();
    throw new Store.Conflict("trail event " + sequence + " of " + name + " was stored meanwhile");
  }

  private Map<String, AttributeValue> leaseNow(String name) {
    return calls
        .call(
            DynamoDbTable.SERVICE,
            "GetItem",
            () ->
                db.getItem(
                    g -> g.tableName(table).key(DynamoDbItems.leaseKey(name)).consistentRead(true)))
        .item();
  }

  /** The first item of a transaction whose condition failed, and that item as it is (or null). */
  record Failed(int index, Map<String, AttributeValue> item) {}

  private static String describe(Map<String, AttributeValue> lease) {
    if (lease == null || lease.isEmpty()) {
      return "gone (the rollout was deleted)";
    }
    Leases.Lease now = DynamoDbItems.lease(lease);
    return now.free() ? "free (token " + now.token() + ")" : now.fence().toString();
  }

  /**
   * Runs one transaction.
   *
   * @return empty when it was written, else the first item whose condition failed
   */
  Optional<Failed> transact(String operation, List<TransactWriteItem> items) {
    return calls.call(
        DynamoDbTable.SERVICE,
        operation,
        () -> {
          try {
            db.transactWriteItems(t -> t.transactItems(items));
            return Optional.empty();
          } catch (TransactionCanceledException e) {
            return Optional.of(failedCondition(e));
          }
        });
  }

  /** The first item that failed its condition; anything else is not an answer but a failure. */
  private static Failed failedCondition(TransactionCanceledException e) {
    List<CancellationReason> reasons = e.cancellationReasons();
    for (int i = 0; i < reasons.size(); i++) {
      if ("ConditionalCheckFailed".equals(reasons.get(i).code())) {
        return new Failed(i, reasons.get(i).item());
      }
    }
    throw e;
  }

  static TransactWriteItem put(String table, Map<String, AttributeValue> item, String condition) {
    return TransactWriteItem.builder()
        .put(Put.builder().tableName(table).item(item).conditionExpression(condition).build())
        .build();
  }

  private TransactWriteItem check(
      Map<String, AttributeValue> key,
      String condition,
      Map<String, AttributeValue> values,
      Map<String, String> names) {
    return TransactWriteItem.builder()
        .conditionCheck(
            ConditionCheck.builder()
                .tableName(table)
                .key(key)
                .conditionExpression(condition)
                .expressionAttributeValues(values)
                .expressionAttributeNames(names)
                .build())
        .build();
  }
}
