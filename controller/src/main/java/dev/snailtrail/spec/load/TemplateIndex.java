package dev.snailtrail.spec.load;

import dev.snailtrail.spec.AnalysisTemplate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.ScalarNode;

/**
 * The AnalysisTemplates one load resolves uses against: those of the texts it reads, over those of
 * its {@link TemplateCatalog}. A catalog template is read from its document when a use first names
 * it, as a text of its own ({@code analysistemplate/NAME}), so that problems found in it while
 * filling it in for a use point at its lines as {@code get} prints them.
 */
final class TemplateIndex {

  /**
   * One template, as read.
   *
   * @param template the template, or null when it has problems of its own
   * @param gates its gate items, located in its text
   * @param declared each argument's {@code name} value, by name
   * @param defaults each default, by argument name
   * @param nameNode where the template's name is written
   * @param diagnostics the problems of the text it is in
   */
  record Entry(
      String name,
      AnalysisTemplate template,
      List<Value> gates,
      Map<String, Value> declared,
      Map<String, ScalarNode> defaults,
      Node nameNode,
      Diagnostics diagnostics) {
    boolean broken() {
      return template == null;
    }

    /** {@code file:line:col}, where a person finds the template. */
    String location() {
      return TemplateIndex.location(diagnostics.source(), nameNode);
    }
  }

  private final TemplateCatalog catalog;
  private final Map<String, Entry> given = new LinkedHashMap<>();
  private final Map<String, Entry> stored = new HashMap<>();
  private final List<Diagnostics> storedTexts = new ArrayList<>();

  TemplateIndex(TemplateCatalog catalog) {
    this.catalog = catalog;
  }

  /**
   * Adds a template of a text being loaded; returns the one given earlier under its name, if any.
   */
  Entry add(Entry e) {
    return given.putIfAbsent(e.name(), e);
  }

  /** The template of this name, or null. */
  Entry get(String name) {
    Entry e = given.get(name);
    if (e != null) {
      return e;
    }
    AnalysisTemplate t = catalog.templates().get(name);
    return t == null ? null : stored.computeIfAbsent(name, n -> read(t));
  }

  /** The names of every template a use may name, sorted. */
  List<String> names() {
    TreeSet<String> names = new TreeSet<>(given.keySet());
    names.addAll(catalog.templates().keySet());
    return List.copyOf(names);
  }

  /** The texts of catalog templates read so far: problems may have been found in them. */
  List<Diagnostics> storedTexts() {
    return storedTexts;
  }

  /** What to say of a use that names no template there is. */
  String unknown(String name) {
    List<String> names = names();
    String where = catalog.where().isEmpty() ? "" : " " + catalog.where();
    String message = "no AnalysisTemplate named '" + name + "'" + where;
    if (names.isEmpty()) {
      return message + ", which hold none; " + catalog.remedy();
    }
    String close = Hints.didYouMean(name, names);
    String there = "the AnalysisTemplates there: " + String.join(", ", names);
    return close.startsWith("; did you mean")
        ? message + close + " (" + there + ")"
        : message + "; " + there + " (or " + catalog.remedy() + ")";
  }

  private Entry read(AnalysisTemplate t) {
    Diagnostics d = new Diagnostics("analysistemplate/" + t.name());
    storedTexts.add(d);
    Optional<Node> document =
        new Compose(SpecLoader.settings(d.source())).composeString(t.document());
    Entry e = document.map(n -> AnalysisTemplateBinder.bind(n, d)).orElse(null);
    if (e == null) {
      d.add(1, 1, "", "the stored AnalysisTemplate " + t.name() + " holds no template");
    }
    return e;
  }

  /** {@code file:line:col} of a node, as problems say where it is. */
  static String location(String source, Node node) {
    return source
        + ":"
        + node.getStartMark().map(m -> m.getLine() + 1).orElse(1)
        + ":"
        + node.getStartMark().map(m -> m.getColumn() + 1).orElse(1);
  }
}
