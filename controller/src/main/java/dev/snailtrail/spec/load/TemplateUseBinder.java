package dev.snailtrail.spec.load;

import dev.snailtrail.spec.AnalysisTemplate;
import dev.snailtrail.spec.Gate;
import dev.snailtrail.spec.TemplateUse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;

/**
 * Reads an item of a phase's {@code gates} that uses an AnalysisTemplate: {@code - template: NAME}
 * with its {@code args} (and a {@code name}, when one phase uses a template twice). The template's
 * gates are filled in with the arguments and read in the phase's context, as if written there; a
 * problem in them is reported where it is in the template, for this use, and once at the use.
 *
 * <p>An item that also carries {@code gates} is a use already expanded, as the effective spec
 * writes it: its gates are read as written and the template is not looked up, so a stored rollout
 * keeps the gates it was applied with.
 */
final class TemplateUseBinder {
  static final Set<String> KEYS = Set.of("template", "name", "args", "gates");

  /** The gates a use gave and the record of the use. */
  record Bound(List<Gate> gates, TemplateUse use) {}

  private final TemplateIndex templates;
  private final GateBinder gates;

  TemplateUseBinder(TemplateIndex templates, GateBinder gates) {
    this.templates = templates;
    this.gates = gates;
  }

  /** Whether a gate item is a template use (a mapping with a {@code template} key). */
  static boolean isUse(Value item) {
    return item.node() instanceof MappingNode m
        && m.getValue().stream()
            .map(NodeTuple::getKeyNode)
            .anyMatch(k -> k instanceof ScalarNode s && s.getValue().equals("template"));
  }

  /**
   * The use, or null when it has problems (they are recorded).
   *
   * @param first the index in the phase's gates its first gate takes
   */
  Bound bind(Value item, int first) {
    int before = item.diagnostics().count();
    Fields f = item.fields(KEYS);
    if (f == null) {
      return null;
    }
    Value templateValue = f.require("template");
    String template = templateValue == null ? null : templateValue.string();
    Value nameValue = f.get("name");
    String name = nameValue == null ? template : nameValue.string();
    if (nameValue != null && name != null && Formats.dnsLabelProblem(name) != null) {
      nameValue.problem(Formats.dnsLabelProblem(name));
    }
    Value argsValue = f.get("args");
    Fields args = argsValue == null ? null : argsValue.fields(null);
    Value written = f.get("gates");
    if (template == null || name == null || item.diagnostics().count() > before) {
      return null;
    }
    return written != null
        ? expanded(written, template, name, args, first)
        : expand(item, templateValue, template, name, args, first);
  }

  /** A use the effective spec wrote out: its gates as they are. */
  private Bound expanded(Value written, String template, String name, Fields given, int first) {
    List<Value> items = written.items();
    if (items == null) {
      return null;
    }
    if (items.isEmpty()) {
      written.problem(
          "a template use's gates hold at least one gate; leave 'gates' out to take the template's");
      return null;
    }
    List<Gate> bound = new ArrayList<>();
    for (Value item : items) {
      if (isUse(item)) {
        item.problem("the gates of a template use are gates; templates do not use templates");
      } else {
        bound.add(gates.bind(item));
      }
    }
    Map<String, String> args = new LinkedHashMap<>();
    for (String key : given == null ? List.<String>of() : given.keys()) {
      args.put(key, given.present(key).scalarText());
    }
    if (bound.contains(null) || args.containsValue(null)) {
      return null;
    }
    return new Bound(bound, new TemplateUse(template, name, args, first, bound.size()));
  }

  private Bound expand(
      Value item, Value templateValue, String template, String name, Fields args, int first) {
    TemplateIndex.Entry e = templates.get(template);
    if (e == null) {
      templateValue.problem(templates.unknown(template));
      return null;
    }
    if (e.broken()) {
      templateValue.problem(
          "AnalysisTemplate '"
              + template
              + "' has problems of its own, reported at "
              + e.location()
              + "; fix them first");
      return null;
    }
    Map<String, ScalarNode> values = values(templateValue, args, e);
    if (values == null) {
      return null;
    }
    Diagnostics inTemplate = new Diagnostics(e.diagnostics().source(), item.diagnostics());
    List<Gate> bound = new ArrayList<>();
    for (Value gate : e.gates()) {
      Value filled =
          new Value(Placeholders.fill(gate.node(), values, inTemplate), gate.path(), inTemplate);
      bound.add(gates.bind(filled));
    }
    if (inTemplate.hasProblems()) {
      report(item, templateValue, e, inTemplate.sorted());
      return null;
    }
    Map<String, String> used = new LinkedHashMap<>();
    values.forEach((k, v) -> used.put(k, v.getValue()));
    return new Bound(bound, new TemplateUse(template, name, used, first, bound.size()));
  }

  /**
   * Every argument's value, as given or by default, in the order the template declares them; null
   * when the use gives one the template does not declare, or lacks one it needs.
   */
  private static Map<String, ScalarNode> values(
      Value templateValue, Fields args, TemplateIndex.Entry e) {
    Diagnostics d = templateValue.diagnostics();
    int before = d.count();
    Set<String> declared = e.declared().keySet();
    for (String key : args == null ? List.<String>of() : args.keys()) {
      Value v = args.present(key);
      if (!declared.contains(key)) {
        d.add(args.keyNode(key), args.child(key), unknownArgument(e, key));
      } else if (!(v.node() instanceof ScalarNode) || v.isNull()) {
        v.problem(
            "an argument's value is one value (a string, a number or a boolean); found "
                + Value.describe(v.node()));
      }
    }
    Map<String, ScalarNode> values = new LinkedHashMap<>();
    for (AnalysisTemplate.Argument a : e.template().args()) {
      Value v = args == null || !args.keys().contains(a.name()) ? null : args.present(a.name());
      if (v != null && v.node() instanceof ScalarNode s) {
        values.put(a.name(), s);
      } else if (!a.required()) {
        values.put(a.name(), e.defaults().get(a.name()));
      } else if (v == null) {
        Value at = args == null ? templateValue : args.owner();
        at.problem(
            "missing argument '"
                + a.name()
                + "' of AnalysisTemplate '"
                + e.name()
                + "' (declared at "
                + TemplateIndex.location(
                    e.diagnostics().source(), e.declared().get(a.name()).node())
                + ", without a default); give it under args, e.g. args: {"
                + a.name()
                + ": ...}");
      }
    }
    return d.count() > before ? null : values;
  }

  private static String unknownArgument(TemplateIndex.Entry e, String key) {
    List<String> names = List.copyOf(e.declared().keySet());
    if (names.isEmpty()) {
      return "AnalysisTemplate '" + e.name() + "' declares no arguments; remove args";
    }
    String close = Hints.didYouMean(key, names);
    return "AnalysisTemplate '"
        + e.name()
        + "' has no argument '"
        + key
        + "'"
        + (close.startsWith("; did you mean") ? close : "")
        + " (its arguments: "
        + String.join(", ", names)
        + ")";
  }

  /**
   * Reports problems found in a template's gates filled in for one use: each where it is in the
   * template, saying which use; and once at the use, with the first of them.
   */
  private static void report(
      Value item, Value templateValue, TemplateIndex.Entry e, List<Problem> problems) {
    String use =
        " (in the gates it gives "
            + TemplateIndex.location(item.diagnostics().source(), item.node())
            + " "
            + item.path()
            + ")";
    for (Problem p : problems) {
      e.diagnostics()
          .add(new Problem(p.source(), p.line(), p.column(), p.path(), p.message() + use));
    }
    Problem first = problems.get(0);
    templateValue.problem(
        "AnalysisTemplate '"
            + e.name()
            + "' gives a gate that is not valid with this use's args: "
            + first.format()
            + (problems.size() > 1 ? " (and " + (problems.size() - 1) + " more there)" : ""));
  }
}
