package dev.snailtrail.sim;

import dev.snailtrail.json.Json;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The events the simulated account sends to EventBridge, in AWS's own shape (the JSON an
 * EventBridge rule delivers to SQS): ECS Deployment State Change, ECS Task State Change, ECS
 * Service Action and CloudWatch Alarm State Change. Held until a feed takes them; past {@link
 * #CAPACITY} the oldest are dropped, as a queue nobody reads loses messages (a lost event changes
 * nothing for the controller). Guarded by the simulator's lock, like the rest of the world.
 */
final class SimEvents {
  static final int CAPACITY = 50_000;

  private final ArrayDeque<String> pending = new ArrayDeque<>();
  private long dropped;
  private long sequence;

  void deployment(SimService s, SimDeployment d, String eventName, String reason, Instant at) {
    Map<String, Object> detail = new LinkedHashMap<>();
    detail.put("eventType", eventName.endsWith("FAILED") ? "ERROR" : "INFO");
    detail.put("eventName", eventName);
    detail.put("deploymentId", d.id);
    detail.put("updatedAt", at.toString());
    detail.put("reason", reason);
    emit("ECS Deployment State Change", "aws.ecs", s.ref.region(), List.of(s.arn), detail, at);
  }

  void serviceAction(SimService s, String eventName, String clusterArn, Instant at) {
    Map<String, Object> detail = new LinkedHashMap<>();
    detail.put("eventType", "INFO");
    detail.put("eventName", eventName);
    detail.put("clusterArn", clusterArn);
    detail.put("createdAt", at.toString());
    emit("ECS Service Action", "aws.ecs", s.ref.region(), List.of(s.arn), detail, at);
  }

  void task(SimTask t, String clusterArn, Instant at) {
    Map<String, Object> detail = new LinkedHashMap<>();
    detail.put("clusterArn", clusterArn);
    detail.put("group", "service:" + t.service.ref.service());
    detail.put("taskArn", t.arn);
    detail.put("taskDefinitionArn", t.taskDefinition.arn());
    detail.put("lastStatus", t.lastStatus.toString());
    detail.put("desiredStatus", t.desiredStatus.toString());
    detail.put("updatedAt", at.toString());
    if (t.stoppedReason != null) {
      detail.put("stoppedReason", t.stoppedReason);
    }
    emit("ECS Task State Change", "aws.ecs", t.service.ref.region(), List.of(t.arn), detail, at);
  }

  void alarm(String region, String name, String state, String previous, String reason, Instant at) {
    Map<String, Object> detail = new LinkedHashMap<>();
    detail.put("alarmName", name);
    detail.put("state", Map.of("value", state, "reason", reason, "timestamp", at.toString()));
    detail.put("previousState", Map.of("value", previous));
    String arn = "arn:aws:cloudwatch:" + region + ":" + World.ACCOUNT + ":alarm:" + name;
    emit("CloudWatch Alarm State Change", "aws.cloudwatch", region, List.of(arn), detail, at);
  }

  private void emit(
      String type,
      String source,
      String region,
      List<String> resources,
      Map<String, Object> detail,
      Instant at) {
    Map<String, Object> event = new LinkedHashMap<>();
    event.put("version", "0");
    event.put("id", "sim-" + (++sequence));
    event.put("detail-type", type);
    event.put("source", source);
    event.put("account", World.ACCOUNT);
    event.put("time", at.toString());
    event.put("region", region);
    event.put("resources", resources);
    event.put("detail", detail);
    pending.addLast(Json.mapper().writeValueAsString(event));
    while (pending.size() > CAPACITY) {
      pending.removeFirst();
      dropped++;
    }
  }

  /** Every event sent since the last call, oldest first. */
  List<String> drain() {
    List<String> out = new ArrayList<>(pending);
    pending.clear();
    return out;
  }

  /** Events dropped because nobody took them in time. */
  long dropped() {
    return dropped;
  }
}
