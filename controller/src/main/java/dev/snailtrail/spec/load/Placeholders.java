package dev.snailtrail.spec.load;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;

/**
 * The {@code {{args.NAME}}} placeholders in an AnalysisTemplate's gates: checked against the
 * template's arguments when the template is read, filled in with a use's values when a rollout that
 * uses it is read.
 */
final class Placeholders {
  /** Anything between double braces; what is inside must be {@code args.NAME}. */
  static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{\\s*([^{}]{0,200}?)\\s*\\}\\}");

  static final Pattern ARG = Pattern.compile("args\\.([A-Za-z_][A-Za-z0-9_-]*)");

  private Placeholders() {}

  /** Whether the text holds a placeholder (well formed or not). */
  static boolean any(String text) {
    return PLACEHOLDER.matcher(text).find();
  }

  /**
   * Reports, at its scalar, every placeholder under {@code value} that is not {@code {{args.NAME}}}
   * with NAME one of {@code declared}.
   */
  static void check(Value value, Set<String> declared) {
    Node node = value.node();
    if (node instanceof MappingNode m) {
      for (NodeTuple t : m.getValue()) {
        check(new Value(t.getKeyNode(), value.path(), value.diagnostics()), declared);
        String key = t.getKeyNode() instanceof ScalarNode k ? k.getValue() : "?";
        String path = value.path().isEmpty() ? key : value.path() + "." + key;
        check(new Value(t.getValueNode(), path, value.diagnostics()), declared);
      }
    } else if (node instanceof SequenceNode s) {
      List<Node> items = s.getValue();
      for (int i = 0; i < items.size(); i++) {
        check(new Value(items.get(i), value.path() + "[" + i + "]", value.diagnostics()), declared);
      }
    } else if (node instanceof ScalarNode s) {
      Matcher m = PLACEHOLDER.matcher(s.getValue());
      while (m.find()) {
        String problem = problem(m.group(), m.group(1), declared);
        if (problem != null) {
          value.problem(problem);
        }
      }
    }
  }

  /** Adds to {@code into} the argument every {@code {{args.NAME}}} under {@code node} names. */
  static void names(Node node, Set<String> into) {
    if (node instanceof MappingNode m) {
      for (NodeTuple t : m.getValue()) {
        names(t.getKeyNode(), into);
        names(t.getValueNode(), into);
      }
    } else if (node instanceof SequenceNode s) {
      s.getValue().forEach(item -> names(item, into));
    } else if (node instanceof ScalarNode s) {
      Matcher m = PLACEHOLDER.matcher(s.getValue());
      while (m.find()) {
        Matcher arg = ARG.matcher(m.group(1));
        if (arg.matches()) {
          into.add(arg.group(1));
        }
      }
    }
  }

  private static String problem(String written, String inside, Set<String> declared) {
    Matcher arg = ARG.matcher(inside);
    List<String> names = declared.stream().sorted().toList();
    String known =
        names.isEmpty()
            ? "the template declares no arguments; declare one under spec.args"
            : "its arguments are " + String.join(", ", names);
    if (!arg.matches()) {
      String hint = inside.matches("[A-Za-z_][A-Za-z0-9_-]*") ? " ({{args." + inside + "}}?)" : "";
      return "'"
          + written
          + "' is not a placeholder: write {{args.NAME}} with NAME an argument of this template"
          + hint
          + "; "
          + known;
    }
    String name = arg.group(1);
    if (declared.contains(name)) {
      return null;
    }
    String close = names.isEmpty() ? "" : Hints.didYouMean(name, names);
    return "placeholder "
        + written
        + " names no argument of this template"
        + (close.startsWith("; did you mean") ? close : "")
        + "; "
        + known
        + (names.isEmpty() ? ": - name: " + name : "");
  }

  /**
   * A copy of {@code node} with every placeholder replaced by its argument's value, each copied
   * node at the place of the node it copies (so problems point into the template). A scalar that is
   * one placeholder and nothing else takes the type the value was written with ({@code args: {port:
   * 8080}} makes {@code port: "{{args.port}}"} an integer, {@code args: {port: "8080"}} a string);
   * text around a placeholder makes a string.
   *
   * @param values each argument's value as written in the use, or as its default
   */
  static Node fill(Node node, Map<String, ScalarNode> values, Diagnostics budget) {
    budget.visit(node, "");
    if (node instanceof MappingNode m) {
      List<NodeTuple> tuples = new ArrayList<>();
      for (NodeTuple t : m.getValue()) {
        tuples.add(
            new NodeTuple(
                fill(t.getKeyNode(), values, budget), fill(t.getValueNode(), values, budget)));
      }
      return new MappingNode(
          m.getTag(), true, tuples, m.getFlowStyle(), m.getStartMark(), m.getEndMark());
    }
    if (node instanceof SequenceNode s) {
      List<Node> items = new ArrayList<>();
      for (Node item : s.getValue()) {
        items.add(fill(item, values, budget));
      }
      return new SequenceNode(
          s.getTag(), true, items, s.getFlowStyle(), s.getStartMark(), s.getEndMark());
    }
    ScalarNode s = (ScalarNode) node;
    Matcher m = PLACEHOLDER.matcher(s.getValue());
    if (!m.find()) {
      return s;
    }
    boolean whole = m.start() == 0 && m.end() == s.getValue().length();
    m.reset();
    StringBuilder b = new StringBuilder();
    Tag tag = Tag.STR;
    while (m.find()) {
      Matcher arg = ARG.matcher(m.group(1));
      ScalarNode value = arg.matches() ? values.get(arg.group(1)) : null;
      m.appendReplacement(
          b, Matcher.quoteReplacement(value == null ? m.group() : value.getValue()));
      if (whole && value != null) {
        tag = value.getTag();
      }
    }
    m.appendTail(b);
    return new ScalarNode(
        tag, true, b.toString(), s.getScalarStyle(), s.getStartMark(), s.getEndMark());
  }
}
