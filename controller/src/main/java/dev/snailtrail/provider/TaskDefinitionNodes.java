package dev.snailtrail.provider;

import dev.snailtrail.provider.Ecs.PortMapping;
import dev.snailtrail.provider.TaskDefinitionSpec.ContainerDefinition;
import dev.snailtrail.provider.TaskDefinitionSpec.HealthCheck;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The JSON details of {@link TaskDefinitionSpec}: containers in and out, merges, canonical text.
 */
final class TaskDefinitionNodes {
  static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private TaskDefinitionNodes() {}

  static ObjectNode toJson(ContainerDefinition d) {
    ObjectNode c = NODES.objectNode();
    c.put("name", d.name());
    c.put("image", d.image());
    c.put("essential", d.essential());
    ArrayNode ports = c.putArray("portMappings");
    for (PortMapping p : d.portMappings()) {
      ports
          .addObject()
          .put("containerPort", p.containerPort())
          .put("hostPort", p.hostPort())
          .put("protocol", p.protocol());
    }
    merge(c, "environment", "value", d.environment());
    merge(c, "secrets", "valueFrom", d.secrets());
    if (d.healthCheck() != null) {
      ObjectNode h = c.putObject("healthCheck");
      ArrayNode command = h.putArray("command");
      d.healthCheck().command().forEach(command::add);
      putIfPositive(h, "interval", d.healthCheck().interval());
      putIfPositive(h, "timeout", d.healthCheck().timeout());
      putIfPositive(h, "retries", d.healthCheck().retries());
      putIfPositive(h, "startPeriod", d.healthCheck().startPeriod());
    }
    if (d.logDriver() != null) {
      ObjectNode log = c.putObject("logConfiguration").put("logDriver", d.logDriver());
      ObjectNode options = log.putObject("options");
      new TreeMap<>(d.logOptions()).forEach(options::put);
    }
    return c;
  }

  static ContainerDefinition fromJson(JsonNode c) {
    List<PortMapping> ports = new ArrayList<>();
    for (JsonNode m : c.path("portMappings")) {
      int containerPort = m.path("containerPort").asInt(0);
      ports.add(
          new PortMapping(
              containerPort,
              m.path("hostPort").asInt(containerPort),
              m.path("protocol").asString("tcp")));
    }
    HealthCheck health = null;
    JsonNode hc = c.get("healthCheck");
    if (hc != null && hc.isObject()) {
      health =
          new HealthCheck(
              strings(hc.get("command")),
              hc.path("interval").asInt(HealthCheck.INTERVAL),
              hc.path("timeout").asInt(HealthCheck.TIMEOUT),
              hc.path("retries").asInt(HealthCheck.RETRIES),
              hc.path("startPeriod").asInt(HealthCheck.START_PERIOD));
    }
    JsonNode log = c.path("logConfiguration");
    Map<String, String> logOptions = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> e : log.path("options").properties()) {
      logOptions.put(e.getKey(), e.getValue().asString(""));
    }
    return new ContainerDefinition(
        text(c, "name"),
        text(c, "image"),
        c.path("essential").asBoolean(true),
        ports,
        pairs(c.get("environment"), "value"),
        health,
        text(log, "logDriver"),
        logOptions,
        pairs(c.get("secrets"), "valueFrom"));
  }

  static void merge(
      ObjectNode container, String listField, String valueField, Map<String, String> entries) {
    if (entries.isEmpty()) {
      return;
    }
    ArrayNode list =
        container.get(listField) instanceof ArrayNode a ? a : container.putArray(listField);
    Map<String, String> left = new TreeMap<>(entries);
    for (JsonNode e : list) {
      String n = text(e, "name");
      if (n != null && left.containsKey(n)) {
        ((ObjectNode) e).put(valueField, left.remove(n));
      }
    }
    left.forEach((k, v) -> list.addObject().put("name", k).put(valueField, v));
  }

  static void putIfSet(ObjectNode d, String field, String value) {
    if (value != null) {
      d.put(field, value);
    }
  }

  static void putIfPositive(ObjectNode d, String field, int value) {
    if (value > 0) {
      d.put(field, value);
    }
  }

  static String text(JsonNode node, String field) {
    JsonNode v = node == null ? null : node.get(field);
    return v == null || !v.isValueNode() || v.isNull() ? null : v.asString();
  }

  static List<String> strings(JsonNode array) {
    List<String> out = new ArrayList<>();
    if (array != null && array.isArray()) {
      for (JsonNode v : array) {
        out.add(v.asString(""));
      }
    }
    return out;
  }

  static Map<String, String> pairs(JsonNode list, String valueField) {
    Map<String, String> out = new LinkedHashMap<>();
    if (list != null && list.isArray()) {
      for (JsonNode e : list) {
        if (text(e, "name") != null) {
          out.put(text(e, "name"), e.path(valueField).asString(""));
        }
      }
    }
    return out;
  }

  static String canonical(JsonNode node) {
    return JSON.writeValueAsString(sorted(node));
  }

  private static JsonNode sorted(JsonNode node) {
    if (node.isObject()) {
      ObjectNode out = NODES.objectNode();
      Map<String, JsonNode> fields = new TreeMap<>();
      node.properties().forEach(e -> fields.put(e.getKey(), e.getValue()));
      fields.forEach((k, v) -> out.set(k, sorted(v)));
      return out;
    }
    if (node.isArray()) {
      ArrayNode out = NODES.arrayNode();
      node.forEach(v -> out.add(sorted(v)));
      return out;
    }
    return node;
  }
}
