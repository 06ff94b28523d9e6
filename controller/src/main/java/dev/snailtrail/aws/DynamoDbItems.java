package dev.snailtrail.aws;

import dev.snailtrail.store.Leases;
import dev.snailtrail.store.RolloutTable;
import java.time.Instant;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * How {@link DynamoDbTable} lays the store out in one table with a string partition key {@code pk}
 * and a string sort key {@code sk}:
 *
 * <pre>
 * pk=rollouts        sk=NAME            the rollout's lease: holder (absent when free), token
 * pk=rollout#NAME    sk=row             generation, resourceVersion, spec, status, createdAt, updatedAt,
 *                                       and while status.traffic.ecs holds a verdict: hookVerdict (S),
 *                                       hookVerdictAt (N, epoch seconds), hookDeployment (S, if known)
 * pk=rollout#NAME    sk=trail#SEQUENCE  one trail event (JSON), the sequence zero-padded to 19 digits
 * pk=replicas        sk=ID              a replica's heartbeat: beat, expiresAt, address
 * </pre>
 *
 * Listing the rollouts and their leases is one query of a partition of small items; a rollout's
 * trail is one query of its own partition, in sequence order. The row's {@code hook*} attributes
 * repeat the status's verdict on an ECS deployment where the lifecycle hook of {@code
 * deploy/lambda/snailtrail-hook} reads it with one GetItem, without parsing the status; every write
 * of the row replaces the whole item, so a status without a verdict leaves none behind.
 */
final class DynamoDbItems {
  static final String PK = "pk";
  static final String SK = "sk";
  static final String ROLLOUTS = "rollouts";
  static final String REPLICAS = "replicas";
  static final String ROW = "row";
  static final String TRAIL = "trail#";
  static final String HOOK_VERDICT = "hookVerdict";
  static final String HOOK_VERDICT_AT = "hookVerdictAt";
  static final String HOOK_DEPLOYMENT = "hookDeployment";

  private DynamoDbItems() {}

  static Map<String, AttributeValue> key(String pk, String sk) {
    return Map.of(PK, s(pk), SK, s(sk));
  }

  static Map<String, AttributeValue> leaseKey(String name) {
    return key(ROLLOUTS, name);
  }

  static Map<String, AttributeValue> rowKey(String name) {
    return key(partition(name), ROW);
  }

  static String partition(String name) {
    return "rollout#" + name;
  }

  static String trailKey(long sequence) {
    return TRAIL + String.format(Locale.ROOT, "%019d", sequence);
  }

  static Map<String, AttributeValue> item(RolloutTable.Row row) {
    Map<String, AttributeValue> item = new HashMap<>(rowKey(row.name()));
    item.put("name", s(row.name()));
    item.put("generation", n(row.generation()));
    item.put("resourceVersion", n(row.resourceVersion()));
    item.put("spec", s(row.spec()));
    item.put("status", s(row.status()));
    item.put("createdAt", s(row.createdAt().toString()));
    item.put("updatedAt", s(row.updatedAt().toString()));
    RolloutTable.Verdict verdict = row.verdict();
    if (verdict != null) {
      item.put(HOOK_VERDICT, s(verdict.verdict()));
      item.put(HOOK_VERDICT_AT, n(verdict.at().getEpochSecond()));
      if (verdict.deployment() != null) {
        item.put(HOOK_DEPLOYMENT, s(verdict.deployment()));
      }
    }
    return item;
  }

  static RolloutTable.Row row(Map<String, AttributeValue> item) {
    return new RolloutTable.Row(
        item.get("name").s(),
        Long.parseLong(item.get("generation").n()),
        Long.parseLong(item.get("resourceVersion").n()),
        item.get("spec").s(),
        item.get("status").s(),
        Instant.parse(item.get("createdAt").s()),
        Instant.parse(item.get("updatedAt").s()),
        verdict(item));
  }

  private static RolloutTable.Verdict verdict(Map<String, AttributeValue> item) {
    AttributeValue verdict = item.get(HOOK_VERDICT);
    AttributeValue at = item.get(HOOK_VERDICT_AT);
    if (verdict == null || at == null) {
      return null;
    }
    AttributeValue deployment = item.get(HOOK_DEPLOYMENT);
    return new RolloutTable.Verdict(
        verdict.s(),
        Instant.ofEpochSecond(Long.parseLong(at.n())),
        deployment == null ? null : deployment.s());
  }

  static Map<String, AttributeValue> item(String name, RolloutTable.TrailRow t) {
    Map<String, AttributeValue> item = new HashMap<>(key(partition(name), trailKey(t.sequence())));
    item.put("sequence", n(t.sequence()));
    item.put("event", s(t.event()));
    return item;
  }

  static RolloutTable.TrailRow trailRow(Map<String, AttributeValue> item) {
    return new RolloutTable.TrailRow(
        Long.parseLong(item.get("sequence").n()), item.get("event").s());
  }

  static Leases.Lease lease(Map<String, AttributeValue> item) {
    AttributeValue holder = item.get("holder");
    return new Leases.Lease(
        item.get(SK).s(),
        holder == null ? null : holder.s(),
        Long.parseLong(item.get("token").n()));
  }

  static Map<String, AttributeValue> item(Leases.Replica r) {
    Map<String, AttributeValue> item = new HashMap<>(key(REPLICAS, r.id()));
    item.put("beat", n(r.beat()));
    item.put("expiresAt", s(r.expiresAt().toString()));
    if (r.address() != null) {
      item.put("address", s(r.address()));
    }
    return item;
  }

  static Leases.Replica replica(Map<String, AttributeValue> item) {
    AttributeValue address = item.get("address");
    return new Leases.Replica(
        item.get(SK).s(),
        Long.parseLong(item.get("beat").n()),
        Instant.parse(item.get("expiresAt").s()),
        address == null ? null : address.s());
  }

  static AttributeValue s(String value) {
    return AttributeValue.fromS(value);
  }

  static AttributeValue n(long value) {
    return AttributeValue.fromN(Long.toString(value));
  }
}
