package dev.snailtrail.aws;

import static dev.snailtrail.aws.DynamoDbItems.PK;
import static dev.snailtrail.aws.DynamoDbItems.REPLICAS;
import static dev.snailtrail.aws.DynamoDbItems.ROLLOUTS;
import static dev.snailtrail.aws.DynamoDbItems.SK;
import static dev.snailtrail.aws.DynamoDbItems.TRAIL;
import static dev.snailtrail.aws.DynamoDbItems.n;
import static dev.snailtrail.aws.DynamoDbItems.s;

import dev.snailtrail.store.Fence;
import dev.snailtrail.store.Leases;
import dev.snailtrail.store.RolloutTable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;

/**
 * The shared store's {@link RolloutTable} in one DynamoDB table ({@link DynamoDbItems} has the
 * layout). Every write is conditional: a row on its resourceVersion, a trail event on its number
 * being free, a lease on its holder and token; a write of a rollout is one transaction with the
 * check that its fence still holds the lease ({@link DynamoDbWrites}). Reads are strongly
 * consistent.
 */
final class DynamoDbTable implements RolloutTable {
  static final String SERVICE = "dynamodb";

  private final DynamoDbClient db;
  private final AwsCalls calls;
  private final String table;
  private final DynamoDbWrites writes;

  DynamoDbTable(DynamoDbClient db, AwsCalls calls, String table) {
    this.db = db;
    this.calls = calls;
    this.table = table;
    this.writes = new DynamoDbWrites(db, calls, table);
  }

  @Override
  public Optional<Row> row(String name) {
    return get(DynamoDbItems.rowKey(name)).map(DynamoDbItems::row);
  }

  @Override
  public List<String> names() {
    List<String> names = new ArrayList<>();
    query(q -> q.keyConditionExpression("pk = :pk").expressionAttributeValues(pk(ROLLOUTS)))
        .forEach(item -> names.add(item.get(SK).s()));
    return names;
  }

  @Override
  public boolean create(Row row) {
    List<TransactWriteItem> items =
        List.of(
            DynamoDbWrites.put(table, DynamoDbItems.item(row), "attribute_not_exists(pk)"),
            DynamoDbWrites.put(
                table,
                Map.of(PK, s(ROLLOUTS), SK, s(row.name()), "token", n(0)),
                "attribute_not_exists(pk)"));
    return writes.transact("CreateRollout", items).isEmpty();
  }

  @Override
  public void write(
      String name, Row replacement, long expectedVersion, List<TrailRow> trail, Fence fence) {
    writes.write(name, replacement, expectedVersion, trail, fence);
  }

  @Override
  public List<TrailRow> trail(String name, long fromSequence) {
    return query(
            q ->
                q.keyConditionExpression("pk = :pk AND sk BETWEEN :from AND :to")
                    .expressionAttributeValues(
                        Map.of(
                            ":pk", s(DynamoDbItems.partition(name)),
                            ":from", s(DynamoDbItems.trailKey(Math.max(0, fromSequence))),
                            ":to", s(DynamoDbItems.trailKey(Long.MAX_VALUE)))))
        .stream()
        .map(DynamoDbItems::trailRow)
        .toList();
  }

  @Override
  public long lastSequence(String name) {
    QueryResponse newest =
        calls.call(
            SERVICE,
            "Query",
            () ->
                db.query(
                    q ->
                        q.tableName(table)
                            .consistentRead(true)
                            .keyConditionExpression("pk = :pk AND begins_with(sk, :trail)")
                            .expressionAttributeValues(
                                Map.of(":pk", s(DynamoDbItems.partition(name)), ":trail", s(TRAIL)))
                            .scanIndexForward(false)
                            .limit(1)));
    return newest.items().isEmpty() ? 0 : DynamoDbItems.trailRow(newest.items().get(0)).sequence();
  }

  @Override
  public boolean delete(String name) {
    // The trail and the row first, the lease (which lists the rollout) last: a delete cut short
    // leaves a listed rollout to delete again, never a trail a new rollout of the name would find.
    List<Map<String, AttributeValue>> items =
        query(
            q ->
                q.keyConditionExpression("pk = :pk")
                    .expressionAttributeValues(pk(DynamoDbItems.partition(name)))
                    .projectionExpression("pk, sk"));
    boolean existed = items.stream().anyMatch(i -> i.get(SK).s().equals(DynamoDbItems.ROW));
    for (Map<String, AttributeValue> item : items) {
      deleteItem(Map.of(PK, item.get(PK), SK, item.get(SK)));
    }
    deleteItem(DynamoDbItems.leaseKey(name));
    return existed;
  }

  @Override
  public void check() {
    calls.call(SERVICE, "DescribeTable", () -> db.describeTable(d -> d.tableName(table)));
  }

  @Override
  public List<Leases.Lease> leases() {
    return query(q -> q.keyConditionExpression("pk = :pk").expressionAttributeValues(pk(ROLLOUTS)))
        .stream()
        .map(DynamoDbItems::lease)
        .toList();
  }

  @Override
  public Optional<Leases.Lease> lease(String name) {
    return get(DynamoDbItems.leaseKey(name)).map(DynamoDbItems::lease);
  }

  @Override
  public boolean acquire(Leases.Lease seen, String holder) {
    String held = seen.free() ? "attribute_not_exists(holder)" : "holder = :old";
    Map<String, AttributeValue> values =
        new java.util.HashMap<>(
            Map.of(":t", n(seen.token()), ":next", n(seen.token() + 1), ":h", s(holder)));
    if (!seen.free()) {
      values.put(":old", s(seen.holder()));
    }
    return updateLease(
        seen.rollout(),
        "SET holder = :h, #token = :next",
        "attribute_exists(pk) AND #token = :t AND " + held,
        values);
  }

  @Override
  public boolean release(Leases.Lease held) {
    if (held.free()) {
      return false;
    }
    return updateLease(
        held.rollout(),
        "REMOVE holder",
        "#token = :t AND holder = :h",
        Map.of(":t", n(held.token()), ":h", s(held.holder())));
  }

  @Override
  public void beat(Leases.Replica replica) {
    calls.call(
        SERVICE,
        "PutItem",
        () -> db.putItem(p -> p.tableName(table).item(DynamoDbItems.item(replica))));
  }

  @Override
  public List<Leases.Replica> replicas() {
    return query(q -> q.keyConditionExpression("pk = :pk").expressionAttributeValues(pk(REPLICAS)))
        .stream()
        .map(DynamoDbItems::replica)
        .toList();
  }

  @Override
  public void leave(String replica) {
    deleteItem(DynamoDbItems.key(REPLICAS, replica));
  }

  private boolean updateLease(
      String name, String update, String condition, Map<String, AttributeValue> values) {
    return calls.call(
        SERVICE,
        "UpdateItem",
        () -> {
          try {
            db.updateItem(
                u ->
                    u.tableName(table)
                        .key(DynamoDbItems.leaseKey(name))
                        .updateExpression(update)
                        .conditionExpression(condition)
                        .expressionAttributeNames(Map.of("#token", "token"))
                        .expressionAttributeValues(values));
            return true;
          } catch (ConditionalCheckFailedException e) {
            return false; // an answer: the lease is no longer as seen
          }
        });
  }

  private Optional<Map<String, AttributeValue>> get(Map<String, AttributeValue> key) {
    Map<String, AttributeValue> item =
        calls
            .call(
                SERVICE,
                "GetItem",
                () -> db.getItem(g -> g.tableName(table).key(key).consistentRead(true)))
            .item();
    return item == null || item.isEmpty() ? Optional.empty() : Optional.of(item);
  }

  private void deleteItem(Map<String, AttributeValue> key) {
    calls.call(SERVICE, "DeleteItem", () -> db.deleteItem(d -> d.tableName(table).key(key)));
  }

  /** Every item a query finds, page after page, strongly consistent. */
  private List<Map<String, AttributeValue>> query(Consumer<QueryRequest.Builder> request) {
    List<Map<String, AttributeValue>> items = new ArrayList<>();
    Map<String, AttributeValue> start = null;
    do {
      Map<String, AttributeValue> from = start;
      QueryResponse page =
          calls.call(
              SERVICE,
              "Query",
              () ->
                  db.query(
                      q -> {
                        q.tableName(table).consistentRead(true).exclusiveStartKey(from);
                        request.accept(q);
                      }));
      items.addAll(page.items());
      start = page.hasLastEvaluatedKey() ? page.lastEvaluatedKey() : null;
    } while (start != null && !start.isEmpty());
    return items;
  }

  private static Map<String, AttributeValue> pk(String value) {
    return Map.of(":pk", s(value));
  }
}
