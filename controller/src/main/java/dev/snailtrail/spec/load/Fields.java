package dev.snailtrail.spec.load;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.Tag;

/**
 * The fields of one YAML mapping. Reading it reports, once and in place, keys that are not strings,
 * keys given twice and keys the field does not know (with the nearest known name).
 */
final class Fields {
  private final Value owner;
  private final Map<String, Node> values = new LinkedHashMap<>();
  private final Map<String, Node> keyNodes = new LinkedHashMap<>();

  /**
   * @param known the keys this mapping may hold, or null for free-form names (env, labels)
   */
  Fields(Value owner, Set<String> known) {
    this.owner = owner;
    Diagnostics d = owner.diagnostics();
    for (NodeTuple tuple : ((MappingNode) owner.node()).getValue()) {
      Node keyNode = tuple.getKeyNode();
      if (!(keyNode instanceof ScalarNode key) || key.getTag().equals(Tag.NULL)) {
        d.add(keyNode, owner.path(), "keys must be names, found " + Value.describe(keyNode));
        continue;
      }
      String name = key.getValue();
      String path = child(name);
      if (values.containsKey(name)) {
        int firstLine = keyNodes.get(name).getStartMark().map(m -> m.getLine() + 1).orElse(0);
        d.add(
            keyNode, path, "duplicate key '" + name + "' (first given on line " + firstLine + ")");
        continue;
      }
      if (known != null && !known.contains(name)) {
        d.add(keyNode, path, "unknown field '" + name + "'" + Hints.didYouMean(name, known));
        continue;
      }
      values.put(name, tuple.getValueNode());
      keyNodes.put(name, keyNode);
    }
  }

  Value owner() {
    return owner;
  }

  String child(String name) {
    return owner.path().isEmpty() ? name : owner.path() + "." + name;
  }

  List<String> keys() {
    return new ArrayList<>(values.keySet());
  }

  boolean has(String key) {
    Node n = values.get(key);
    return n != null && !(n instanceof ScalarNode s && s.getTag().equals(Tag.NULL));
  }

  /** The value under {@code key}, or null when absent or written as null. */
  Value get(String key) {
    return has(key) ? new Value(values.get(key), child(key), owner.diagnostics()) : null;
  }

  /** The value under a key that is present, even when it is written as null. */
  Value present(String key) {
    return new Value(values.get(key), child(key), owner.diagnostics());
  }

  /** The key node, for problems about the field as a whole; the mapping when absent. */
  Node keyNode(String key) {
    Node n = keyNodes.get(key);
    return n == null ? owner.node() : n;
  }

  /** Reports a missing required field at the start of this mapping and returns null. */
  Value require(String key) {
    Value v = get(key);
    if (v == null) {
      owner
          .diagnostics()
          .add(
              values.containsKey(key) ? values.get(key) : owner.node(),
              child(key),
              values.containsKey(key)
                  ? "'" + key + "' needs a value"
                  : "missing required field '" + key + "'");
    }
    return v;
  }

  String string(String key, String fallback) {
    Value v = get(key);
    String s = v == null ? null : v.string();
    return s == null ? fallback : s;
  }

  String requiredString(String key) {
    Value v = require(key);
    return v == null ? null : v.string();
  }

  Integer integer(String key) {
    Value v = get(key);
    return v == null ? null : v.integer();
  }

  Boolean bool(String key) {
    Value v = get(key);
    return v == null ? null : v.bool();
  }

  List<String> strings(String key) {
    Value v = get(key);
    List<String> s = v == null ? null : v.strings();
    return s == null ? List.of() : s;
  }

  Map<String, String> stringMap(String key) {
    Value v = get(key);
    Map<String, String> m = v == null ? null : v.stringMap();
    return m == null ? Map.of() : m;
  }

  void problem(String key, String message) {
    Value v = get(key);
    if (v != null) {
      v.problem(message);
    } else {
      owner.diagnostics().add(keyNode(key), child(key), message);
    }
  }
}
