package dev.snailtrail.spec.load;

import dev.snailtrail.provider.TaskDefinitionJson;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Reads {@code template.taskDefinition}: a task definition written in the spec, in YAML or as
 * pasted JSON (which is YAML), shaped as {@code aws ecs describe-task-definition} prints it or as
 * the bare object. Every problem is located in the spec, down to the field of the task definition.
 */
final class InlineTaskDefinition {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private InlineTaskDefinition() {}

  /** The task definition, or null when it has problems (they are recorded where they are). */
  static TaskDefinitionBase bind(Value value) {
    if (!(value.node() instanceof MappingNode)) {
      value.problem(
          "expected a mapping holding a task definition, found "
              + Value.describe(value.node())
              + " (JSON is YAML: paste aws ecs describe-task-definition output unquoted)");
      return null;
    }
    int before = value.diagnostics().count();
    JsonNode root = json(value);
    if (value.diagnostics().count() > before) {
      return null;
    }
    try {
      return TaskDefinitionBase.of(root, null);
    } catch (TaskDefinitionJson.Invalid e) {
      locate(value, e.at()).problem(e.problem());
      return null;
    }
  }

  /** The YAML as JSON; what JSON cannot hold is reported. */
  private static JsonNode json(Value v) {
    Node node = v.node();
    if (node instanceof MappingNode mapping) {
      ObjectNode object = NODES.objectNode();
      Map<String, Integer> lines = new HashMap<>();
      for (NodeTuple tuple : mapping.getValue()) {
        if (!(tuple.getKeyNode() instanceof ScalarNode key) || key.getTag().equals(Tag.NULL)) {
          v.diagnostics()
              .add(
                  tuple.getKeyNode(),
                  v.path(),
                  "keys must be names, found " + Value.describe(tuple.getKeyNode()));
          continue;
        }
        String name = key.getValue();
        String path = v.path() + "." + name;
        int line = key.getStartMark().map(m -> m.getLine() + 1).orElse(0);
        Integer first = lines.putIfAbsent(name, line);
        if (first != null) {
          v.diagnostics()
              .add(key, path, "duplicate key '" + name + "' (first given on line " + first + ")");
          continue;
        }
        object.set(name, json(new Value(tuple.getValueNode(), path, v.diagnostics())));
      }
      return object;
    }
    if (node instanceof SequenceNode) {
      ArrayNode array = NODES.arrayNode();
      for (Value item : v.items()) {
        array.add(json(item));
      }
      return array;
    }
    return scalar(v, (ScalarNode) node);
  }

  private static JsonNode scalar(Value v, ScalarNode s) {
    Tag tag = s.getTag();
    if (tag.equals(Tag.STR)) {
      return NODES.stringNode(s.getValue());
    }
    if (tag.equals(Tag.NULL)) {
      return NODES.nullNode();
    }
    if (tag.equals(Tag.BOOL)) {
      return NODES.booleanNode(v.bool());
    }
    if (tag.equals(Tag.INT)) {
      try {
        return NODES.numberNode(Value.parseInt(s.getValue()));
      } catch (NumberFormatException e) {
        v.problem("'" + s.getValue() + "' is not a number JSON can hold");
        return NODES.nullNode();
      }
    }
    if (tag.equals(Tag.FLOAT)) {
      double d = parseFloat(s.getValue());
      if (Double.isFinite(d)) {
        return NODES.numberNode(d);
      }
    }
    v.problem(Value.describe(s) + " has no JSON equivalent; quote it if it is meant as text");
    return NODES.nullNode();
  }

  /**
   * A core schema float as a double; NaN for what JSON cannot hold ({@code .inf}, {@code .nan}).
   */
  private static double parseFloat(String text) {
    try {
      return Double.parseDouble(text);
    } catch (NumberFormatException e) {
      return Double.NaN;
    }
  }

  /** The deepest node on the way {@code at} leads from {@code root}. */
  private static Value locate(Value root, List<Object> at) {
    Value here = root;
    for (Object step : at) {
      Value next = child(here, step);
      if (next == null) {
        break;
      }
      here = next;
    }
    return here;
  }

  private static Value child(Value v, Object step) {
    if (step instanceof Integer i && v.node() instanceof SequenceNode seq) {
      return i < seq.getValue().size()
          ? new Value(seq.getValue().get(i), v.path() + "[" + i + "]", v.diagnostics())
          : null;
    }
    if (step instanceof String name && v.node() instanceof MappingNode mapping) {
      for (NodeTuple tuple : mapping.getValue()) {
        if (tuple.getKeyNode() instanceof ScalarNode key && key.getValue().equals(name)) {
          return new Value(tuple.getValueNode(), v.path() + "." + name, v.diagnostics());
        }
      }
    }
    return null;
  }
}
