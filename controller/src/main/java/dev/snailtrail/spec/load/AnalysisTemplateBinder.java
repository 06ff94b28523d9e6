package dev.snailtrail.spec.load;

import dev.snailtrail.spec.AnalysisTemplate;
import dev.snailtrail.spec.Metadata;
import dev.snailtrail.spec.Rollout;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.api.Dump;
import org.snakeyaml.engine.v2.api.StreamDataWriter;
import org.snakeyaml.engine.v2.common.FlowStyle;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;

/**
 * Binds one YAML document of {@code kind: AnalysisTemplate}. Its gates can only be read whole in a
 * rollout that uses it (an {@code http} path needs the rollout's {@code target.url}, a placeholder
 * its value), so here they are checked as far as they can be alone: each item is one known gate
 * kind with known options, and every placeholder names a declared argument.
 */
final class AnalysisTemplateBinder {
  static final Set<String> ROOT_KEYS = Set.of("apiVersion", "kind", "metadata", "spec");
  static final Set<String> SPEC_KEYS = Set.of("args", "gates");
  static final Set<String> ARG_KEYS = Set.of("name", "default");
  static final Pattern ARG_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_-]{0,62}");

  private AnalysisTemplateBinder() {}

  /**
   * The template, marked broken when it has problems (they are in the diagnostics); null when not
   * even its name can be read.
   */
  static TemplateIndex.Entry bind(Node document, Diagnostics d) {
    int before = d.count();
    Fields root = new Value(document, "", d).fields(ROOT_KEYS);
    if (root == null) {
      return null;
    }
    RolloutBinder.exact(root, "apiVersion", Rollout.API_VERSION);
    Value metadataValue = root.require("metadata");
    Metadata metadata = metadataValue == null ? null : RolloutBinder.metadata(metadataValue);
    Value specValue = root.require("spec");
    Fields spec = specValue == null ? null : specValue.fields(SPEC_KEYS);
    Map<String, Value> declared = new LinkedHashMap<>();
    Map<String, ScalarNode> defaults = new LinkedHashMap<>();
    List<AnalysisTemplate.Argument> args = new ArrayList<>();
    List<Value> gates = new ArrayList<>();
    List<String> kinds = new ArrayList<>();
    if (spec != null) {
      Value argsValue = spec.get("args");
      List<Value> argItems = argsValue == null ? null : argsValue.items();
      for (Value item : argItems == null ? List.<Value>of() : argItems) {
        argument(item, declared, defaults, args);
      }
      Value gatesValue = spec.require("gates");
      List<Value> items = gatesValue == null ? null : gatesValue.items();
      if (items != null && items.isEmpty()) {
        gatesValue.problem("an AnalysisTemplate needs at least one gate");
      }
      for (Value item : items == null ? List.<Value>of() : items) {
        String kind = checkGate(item);
        Placeholders.check(item, declared.keySet());
        gates.add(item);
        kinds.add(kind);
      }
      if (items != null) {
        unused(declared, gates);
      }
    }
    if (metadata == null) {
      return null;
    }
    AnalysisTemplate template =
        d.count() > before ? null : new AnalysisTemplate(metadata, args, kinds, document(document));
    return new TemplateIndex.Entry(
        metadata.name(), template, gates, declared, defaults, nameNode(metadataValue), d);
  }

  /**
   * An argument no gate names is a mistake a use cannot see (its value would go nowhere), so it is
   * refused where it is declared.
   */
  private static void unused(Map<String, Value> declared, List<Value> gates) {
    Set<String> used = new java.util.HashSet<>();
    gates.forEach(g -> Placeholders.names(g.node(), used));
    declared.forEach(
        (name, at) -> {
          if (!used.contains(name)) {
            at.problem(
                "argument '"
                    + name
                    + "' is not used: no gate has {{args."
                    + name
                    + "}}; use it in a gate, or remove it");
          }
        });
  }

  /** Where {@code metadata.name} is written. */
  private static Node nameNode(Value metadata) {
    for (NodeTuple t : ((MappingNode) metadata.node()).getValue()) {
      if (t.getKeyNode() instanceof ScalarNode k && k.getValue().equals("name")) {
        return t.getValueNode();
      }
    }
    return metadata.node();
  }

  private static void argument(
      Value item,
      Map<String, Value> declared,
      Map<String, ScalarNode> defaults,
      List<AnalysisTemplate.Argument> args) {
    Fields f = item.fields(ARG_KEYS);
    if (f == null) {
      return;
    }
    Value nameValue = f.require("name");
    String name = nameValue == null ? null : nameValue.string();
    if (name == null) {
      return;
    }
    if (!ARG_NAME.matcher(name).matches()) {
      nameValue.problem(
          "'"
              + name
              + "' is not an argument name: a letter or '_', then letters, digits, '_' or '-'"
              + " (at most 63)");
      return;
    }
    if (declared.containsKey(name)) {
      int line = declared.get(name).node().getStartMark().map(m -> m.getLine() + 1).orElse(0);
      nameValue.problem("argument '" + name + "' is declared twice (first on line " + line + ")");
      return;
    }
    declared.put(name, nameValue);
    Value defaultValue = f.get("default");
    String text = null;
    if (defaultValue != null) {
      text = defaultValue.scalarText();
      if (text != null) {
        defaults.put(name, (ScalarNode) defaultValue.node());
      }
    } else if (f.keys().contains("default")) {
      f.present("default")
          .problem("a default needs a value; leave 'default' out to make the argument required");
    }
    args.add(new AnalysisTemplate.Argument(name, text));
  }

  /** Checks what can be checked of a gate alone; returns its kind (null when it has none). */
  private static String checkGate(Value item) {
    if (item.node() instanceof MappingNode m
        && m.getValue().stream()
            .anyMatch(
                t -> t.getKeyNode() instanceof ScalarNode k && k.getValue().equals("template"))) {
      item.problem(
          "an AnalysisTemplate's gates are gates: a template does not use other templates; write"
              + " the gates here");
      return null;
    }
    GateBinder.Shape shape = GateBinder.shape(item);
    if (shape == null) {
      return null;
    }
    Fields f =
        shape.options() == null ? null : shape.options().fields(GateBinder.KINDS.get(shape.kind()));
    if (f != null) {
      switch (shape.kind()) {
        case "http" -> nested(f, "expect", GateBinder.EXPECT_KEYS);
        case "cloudwatchMetric" -> nested(f, "query", GateBinder.QUERY_KEYS);
        default -> {}
      }
      nested(f, "analysis", AnalysisBinder.KEYS);
    }
    return shape.kind();
  }

  private static void nested(Fields f, String key, Set<String> known) {
    Value v = f.get(key);
    if (v != null) {
      v.fields(known);
    }
  }

  /** The document as YAML, every mapping and list in block style, every scalar as written. */
  static String document(Node node) {
    StringBuilder out = new StringBuilder();
    new Dump(SpecWriter.SETTINGS)
        .dumpNode(
            block(node),
            new StreamDataWriter() {
              @Override
              public void write(String str) {
                out.append(str);
              }

              @Override
              public void write(String str, int off, int len) {
                out.append(str, off, off + len);
              }
            });
    return out.toString();
  }

  private static Node block(Node node) {
    if (node instanceof MappingNode m) {
      List<NodeTuple> tuples = new ArrayList<>();
      for (NodeTuple t : m.getValue()) {
        tuples.add(new NodeTuple(block(t.getKeyNode()), block(t.getValueNode())));
      }
      return new MappingNode(
          Tag.MAP, true, tuples, FlowStyle.BLOCK, m.getStartMark(), m.getEndMark());
    }
    if (node instanceof SequenceNode s) {
      List<Node> items = new ArrayList<>();
      for (Node item : s.getValue()) {
        items.add(block(item));
      }
      return new SequenceNode(
          Tag.SEQ, true, items, FlowStyle.BLOCK, s.getStartMark(), s.getEndMark());
    }
    return node;
  }
}
