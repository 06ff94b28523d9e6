package dev.snailtrail.spec.load;

import dev.snailtrail.spec.Durations;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;

/**
 * A YAML node together with its field path, read as the type a field expects. Every reader reports
 * a located problem and returns null when the node is not of that type, so binding goes on and
 * finds the next problem too.
 */
record Value(Node node, String path, Diagnostics diagnostics) {

  Value {
    diagnostics.visit(node, path);
  }

  void problem(String message) {
    diagnostics.add(node, path, message);
  }

  boolean isNull() {
    return node instanceof ScalarNode s && s.getTag().equals(Tag.NULL);
  }

  /** The text of a scalar of any type (for durations, thresholds and the like), or null. */
  String scalarText() {
    if (node instanceof ScalarNode s && !s.getTag().equals(Tag.NULL)) {
      return s.getValue();
    }
    problem("expected a value, found " + describe(node));
    return null;
  }

  String string() {
    if (node instanceof ScalarNode s && s.getTag().equals(Tag.STR)) {
      return s.getValue();
    }
    if (node instanceof ScalarNode s
        && (s.getTag().equals(Tag.INT)
            || s.getTag().equals(Tag.FLOAT)
            || s.getTag().equals(Tag.BOOL))) {
      problem(
          "expected a string, found "
              + describe(node)
              + "; quote it if it is meant as text: \""
              + s.getValue()
              + "\"");
      return null;
    }
    problem("expected a string, found " + describe(node));
    return null;
  }

  Integer integer() {
    if (node instanceof ScalarNode s && s.getTag().equals(Tag.INT)) {
      BigInteger n = s.getValue().length() > 24 ? null : parseInt(s.getValue());
      if (n == null || n.bitLength() > 31) {
        problem(s.getValue() + " is out of range");
        return null;
      }
      return n.intValue();
    }
    if (node instanceof ScalarNode s
        && s.getTag().equals(Tag.STR)
        && s.getValue().matches("-?\\d{1,9}")) {
      problem("expected an integer, found a string (\"" + s.getValue() + "\"); remove the quotes");
      return null;
    }
    problem("expected an integer, found " + describe(node));
    return null;
  }

  Boolean bool() {
    if (node instanceof ScalarNode s && s.getTag().equals(Tag.BOOL)) {
      return s.getValue().toLowerCase(Locale.ROOT).equals("true");
    }
    problem("expected true or false, found " + describe(node));
    return null;
  }

  Duration duration() {
    String text = scalarText();
    if (text == null) {
      return null;
    }
    try {
      return Durations.parse(text);
    } catch (IllegalArgumentException e) {
      problem(e.getMessage());
      return null;
    }
  }

  /** Parses the scalar text with {@code parser}, reporting its IllegalArgumentException. */
  <T> T parsed(Function<String, T> parser) {
    String text = string();
    if (text == null) {
      return null;
    }
    try {
      return parser.apply(text);
    } catch (IllegalArgumentException e) {
      problem(e.getMessage());
      return null;
    }
  }

  /** The items of a list, or null when this is not a list. */
  List<Value> items() {
    if (node instanceof SequenceNode seq) {
      List<Value> items = new ArrayList<>();
      List<Node> nodes = seq.getValue();
      for (int i = 0; i < nodes.size(); i++) {
        items.add(new Value(nodes.get(i), path + "[" + i + "]", diagnostics));
      }
      return items;
    }
    problem("expected a list, found " + describe(node));
    return null;
  }

  /** A list of strings; items of other types are reported and left out. */
  List<String> strings() {
    List<Value> items = items();
    if (items == null) {
      return null;
    }
    List<String> out = new ArrayList<>();
    for (Value item : items) {
      String s = item.string();
      if (s != null) {
        out.add(s);
      }
    }
    return out;
  }

  /** A mapping with only the given keys, or null when this is not a mapping. */
  Fields fields(Set<String> known) {
    if (node instanceof MappingNode) {
      return new Fields(this, known);
    }
    problem("expected a mapping, found " + describe(node));
    return null;
  }

  /** A mapping of names to string values (env, headers, labels, dimensions). */
  Map<String, String> stringMap() {
    if (!(node instanceof MappingNode)) {
      problem("expected a mapping of names to strings, found " + describe(node));
      return null;
    }
    Map<String, String> out = new LinkedHashMap<>();
    Fields fields = new Fields(this, null);
    for (String key : fields.keys()) {
      String value = fields.present(key).string();
      if (value != null) {
        out.put(key, value);
      }
    }
    return out;
  }

  static String describe(Node node) {
    if (node instanceof MappingNode) {
      return "a mapping";
    }
    if (node instanceof SequenceNode) {
      return "a list";
    }
    ScalarNode s = (ScalarNode) node;
    Tag tag = s.getTag();
    String shown = s.getValue().length() > 40 ? s.getValue().substring(0, 40) + "…" : s.getValue();
    if (tag.equals(Tag.NULL)) {
      return "nothing (null)";
    }
    if (tag.equals(Tag.INT)) {
      return "an integer (" + shown + ")";
    }
    if (tag.equals(Tag.FLOAT)) {
      return "a number (" + shown + ")";
    }
    if (tag.equals(Tag.BOOL)) {
      return "a boolean (" + shown + ")";
    }
    if (tag.equals(Tag.STR)) {
      return "a string (\"" + shown + "\")";
    }
    return "a value tagged " + tag.getValue();
  }

  /** YAML 1.2 core schema integers: decimal, 0o octal, 0x hexadecimal. */
  static BigInteger parseInt(String text) {
    String t = text;
    boolean negative = false;
    if (t.startsWith("+") || t.startsWith("-")) {
      negative = t.startsWith("-");
      t = t.substring(1);
    }
    BigInteger n;
    if (t.startsWith("0x")) {
      n = new BigInteger(t.substring(2), 16);
    } else if (t.startsWith("0o")) {
      n = new BigInteger(t.substring(2), 8);
    } else {
      n = new BigInteger(t);
    }
    return negative ? n.negate() : n;
  }
}
