package dev.snailtrail.aws;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.SdkField;
import software.amazon.awssdk.core.SdkPojo;
import software.amazon.awssdk.core.protocol.MarshallingType;
import software.amazon.awssdk.core.traits.ListTrait;
import software.amazon.awssdk.core.traits.MapTrait;
import software.amazon.awssdk.core.util.SdkAutoConstructList;
import software.amazon.awssdk.core.util.SdkAutoConstructMap;
import software.amazon.awssdk.utils.builder.SdkBuilder;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Converts any SDK model object to and from JSON in the API's own field names (those of {@code aws
 * ecs describe-task-definition}), walking the model's field list rather than naming fields. A field
 * AWS adds reaches the controller with the next SDK version without a line changed here, and
 * nothing the SDK knows is dropped on the way through.
 */
final class SdkJson {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private SdkJson() {}

  /** The object's set fields as JSON; unset fields are left out. */
  static ObjectNode toJson(SdkPojo pojo) {
    ObjectNode out = NODES.objectNode();
    for (SdkField<?> f : pojo.sdkFields()) {
      Object value = f.getValueOrDefault(pojo);
      JsonNode json = valueToJson(f, value);
      if (json != null) {
        out.set(f.locationName(), json);
      }
    }
    return out;
  }

  /**
   * Builds a model object from JSON. Keys the model does not know are ignored; {@code unknown}
   * collects their paths so a caller can say which fields the SDK could not carry.
   *
   * @param builder a fresh builder of the model, e.g. {@code
   *     RegisterTaskDefinitionRequest::builder}
   */
  static <T> T fromJson(
      JsonNode json, Supplier<? extends SdkBuilder<?, T>> builder, Set<String> unknown) {
    SdkBuilder<?, T> b = builder.get();
    fill((SdkPojo) b, json, "", unknown);
    return b.build();
  }

  private static void fill(SdkPojo builder, JsonNode json, String path, Set<String> unknown) {
    Map<String, SdkField<?>> byName = new LinkedHashMap<>();
    for (SdkField<?> f : builder.sdkFields()) {
      byName.put(f.locationName(), f);
    }
    for (Map.Entry<String, JsonNode> e : json.properties()) {
      SdkField<?> f = byName.get(e.getKey());
      if (f == null) {
        unknown.add(path + e.getKey());
        continue;
      }
      if (e.getValue().isNull()) {
        continue;
      }
      f.set(builder, jsonToValue(f, e.getValue(), path + e.getKey(), unknown));
    }
  }

  private static JsonNode valueToJson(SdkField<?> f, Object value) {
    if (value == null
        || value instanceof SdkAutoConstructList<?>
        || value instanceof SdkAutoConstructMap<?, ?>) {
      return null; // never set: the SDK's placeholder, not an empty list someone sent
    }
    MarshallingType<?> type = f.marshallingType();
    if (type == MarshallingType.LIST) {
      ArrayNode array = NODES.arrayNode();
      SdkField<?> member = f.getRequiredTrait(ListTrait.class).memberFieldInfo();
      for (Object item : (List<?>) value) {
        JsonNode j = valueToJson(member, item);
        array.add(j == null ? NODES.nullNode() : j);
      }
      return array;
    }
    if (type == MarshallingType.MAP) {
      ObjectNode map = NODES.objectNode();
      SdkField<?> v = f.getRequiredTrait(MapTrait.class).valueFieldInfo();
      for (Map.Entry<?, ?> e : ((Map<?, ?>) value).entrySet()) {
        JsonNode j = valueToJson(v, e.getValue());
        map.set(String.valueOf(e.getKey()), j == null ? NODES.nullNode() : j);
      }
      return map;
    }
    return scalarToJson(value);
  }

  private static JsonNode scalarToJson(Object value) {
    return switch (value) {
      case SdkPojo pojo -> toJson(pojo);
      case String s -> NODES.stringNode(s);
      case Integer i -> NODES.numberNode(i);
      case Long l -> NODES.numberNode(l);
      case Short s -> NODES.numberNode(s);
      case Byte b -> NODES.numberNode(b);
      case Float x -> NODES.numberNode(x);
      case Double d -> NODES.numberNode(d);
      case BigDecimal d -> NODES.numberNode(d);
      case Boolean b -> NODES.booleanNode(b);
      case Instant t -> NODES.stringNode(t.toString());
      case SdkBytes bytes -> NODES.stringNode(bytes.asUtf8String());
      default -> NODES.stringNode(String.valueOf(value));
    };
  }

  private static Object jsonToValue(
      SdkField<?> f, JsonNode json, String path, Set<String> unknown) {
    MarshallingType<?> type = f.marshallingType();
    if (type == MarshallingType.LIST) {
      SdkField<?> member = f.getRequiredTrait(ListTrait.class).memberFieldInfo();
      List<Object> out = new ArrayList<>();
      int i = 0;
      for (JsonNode item : json) {
        out.add(jsonToValue(member, item, path + "[" + i++ + "].", unknown));
      }
      return out;
    }
    if (type == MarshallingType.MAP) {
      SdkField<?> v = f.getRequiredTrait(MapTrait.class).valueFieldInfo();
      Map<String, Object> out = new LinkedHashMap<>();
      for (Map.Entry<String, JsonNode> e : json.properties()) {
        out.put(e.getKey(), jsonToValue(v, e.getValue(), path + e.getKey() + ".", unknown));
      }
      return out;
    }
    if (type == MarshallingType.SDK_POJO) {
      SdkPojo nested = f.constructor().get();
      fill(nested, json, path.endsWith(".") ? path : path + ".", unknown);
      return ((SdkBuilder<?, ?>) nested).build();
    }
    if (type == MarshallingType.INTEGER) {
      return json.asInt();
    }
    if (type == MarshallingType.LONG) {
      return json.asLong();
    }
    if (type == MarshallingType.BOOLEAN) {
      return json.asBoolean();
    }
    if (type == MarshallingType.DOUBLE) {
      return json.asDouble();
    }
    if (type == MarshallingType.FLOAT) {
      return (float) json.asDouble();
    }
    if (type == MarshallingType.INSTANT) {
      return json.isNumber()
          ? Instant.ofEpochMilli((long) (json.asDouble() * 1000))
          : Instant.parse(json.asString());
    }
    return json.isValueNode() ? json.asString() : json.toString();
  }
}
