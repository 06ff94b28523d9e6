package dev.snailtrail.provider;

import java.util.Optional;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads an EventBridge event, as an EventBridge rule delivers it to SQS (the event itself as the
 * message body), into the {@link Change} it announces: ECS Deployment State Change, ECS Task State
 * Change and ECS Service Action name a service, CloudWatch Alarm State Change an alarm. The
 * simulator writes its events in the same shape, so both providers' events go through here.
 */
public final class ChangeEvents {
  /** The {@code detail-type}s a controller wakes on; deploy/eventbridge matches exactly these. */
  public static final String DEPLOYMENT = "ECS Deployment State Change";

  public static final String TASK = "ECS Task State Change";
  public static final String SERVICE_ACTION = "ECS Service Action";
  public static final String ALARM = "CloudWatch Alarm State Change";

  private static final JsonMapper MAPPER = JsonMapper.builder().build();

  private ChangeEvents() {}

  /**
   * The change an event announces; empty for an event of another kind, one that names no service or
   * alarm (a task started outside a service), or text that is not an event.
   */
  public static Optional<Change> parse(String json) {
    JsonNode event;
    try {
      event = MAPPER.readTree(json);
    } catch (JacksonException e) {
      return Optional.empty();
    }
    if (event == null || !event.isObject()) {
      return Optional.empty();
    }
    String type = text(event, "detail-type");
    String region = text(event, "region");
    JsonNode detail = event.path("detail");
    if (type == null || region == null) {
      return Optional.empty();
    }
    return switch (type) {
      case DEPLOYMENT, SERVICE_ACTION -> service(event, region, detail);
      case TASK -> task(region, detail);
      case ALARM -> alarm(region, detail);
      default -> Optional.empty();
    };
  }

  /** The service of its first resource (a service ARN), the cluster from the ARN or the detail. */
  private static Optional<Change> service(JsonNode event, String region, JsonNode detail) {
    JsonNode resources = event.path("resources");
    String arn = resources.isArray() && !resources.isEmpty() ? resources.get(0).asString() : null;
    if (arn == null || !arn.contains(":service/")) {
      return Optional.empty();
    }
    String[] path = arn.substring(arn.indexOf(":service/") + ":service/".length()).split("/");
    String service = path[path.length - 1];
    String cluster = path.length > 1 ? path[0] : lastSegment(text(detail, "clusterArn"));
    if (service.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        new Change.ServiceChanged(
            arnRegion(arn, region), cluster, service, text(detail, "eventName")));
  }

  /** A task's service, from its group {@code service:NAME}; a standalone task names none. */
  private static Optional<Change> task(String region, JsonNode detail) {
    String group = text(detail, "group");
    if (group == null || !group.startsWith("service:") || group.length() == "service:".length()) {
      return Optional.empty();
    }
    return Optional.of(
        new Change.ServiceChanged(
            region,
            lastSegment(text(detail, "clusterArn")),
            group.substring("service:".length()),
            text(detail, "lastStatus")));
  }

  private static Optional<Change> alarm(String region, JsonNode detail) {
    String name = text(detail, "alarmName");
    if (name == null || name.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new Change.AlarmChanged(region, name, text(detail.path("state"), "value")));
  }

  private static String text(JsonNode node, String field) {
    JsonNode v = node.get(field);
    return v == null || !v.isString() ? null : v.asString();
  }

  private static String lastSegment(String arnOrName) {
    if (arnOrName == null) {
      return null;
    }
    return arnOrName.substring(arnOrName.lastIndexOf('/') + 1);
  }

  /** An ARN's region ({@code arn:aws:ecs:REGION:...}), else the event's. */
  private static String arnRegion(String arn, String fallback) {
    String[] parts = arn.split(":", 6);
    return parts.length > 3 && !parts[3].isEmpty() ? parts[3] : fallback;
  }
}
