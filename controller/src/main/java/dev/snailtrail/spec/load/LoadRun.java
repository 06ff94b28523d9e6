package dev.snailtrail.spec.load;

import dev.snailtrail.spec.AnalysisTemplate;
import dev.snailtrail.spec.Rollout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.Tag;

/**
 * One load of one or more texts: each is parsed, then the AnalysisTemplates of all of them are
 * read, then the rollouts, so a rollout may use a template of any text given (or of the catalog),
 * wherever it is written. Every problem of every text is kept.
 */
final class LoadRun {
  private final TemplateIndex templates;
  private final Map<String, Text> texts = new LinkedHashMap<>();
  private boolean aborted;

  /** One text: its problems and the documents composed from it, by kind. */
  private record Text(
      Diagnostics diagnostics,
      Path baseDir,
      List<Node> templateDocuments,
      List<Node> rolloutDocuments,
      List<AnalysisTemplate> templates,
      List<Rollout> rollouts) {}

  LoadRun(TemplateCatalog catalog) {
    this.templates = new TemplateIndex(catalog);
  }

  /** A text that could not even be read (missing, too large, not UTF-8): one problem. */
  void unreadable(String source, String message) {
    text(source, null).diagnostics().add(1, 1, "", message);
  }

  /**
   * Parses a text into documents, to be read by {@link #finish}.
   *
   * @param baseDir where its {@code template.fromFile} paths resolve; null when it may name none
   */
  void add(String source, String yaml, Path baseDir) {
    Text t = text(source, baseDir);
    Diagnostics d = t.diagnostics();
    int bytes = yaml.getBytes(StandardCharsets.UTF_8).length;
    if (bytes > SpecLoader.MAX_BYTES) {
      d.add(1, 1, "", SpecLoader.tooLarge(bytes));
      return;
    }
    LoadSettings settings = SpecLoader.settings(source);
    try {
      if (!YamlGuard.check(yaml, settings, d)) {
        return;
      }
      for (Node document : new Compose(settings).composeAllFromString(yaml)) {
        if (document instanceof ScalarNode s && s.getTag().equals(Tag.NULL)) {
          continue; // an empty document, e.g. after a trailing ---
        }
        (isTemplate(document) ? t.templateDocuments() : t.rolloutDocuments()).add(document);
      }
    } catch (Diagnostics.Abort e) {
      // The reason is recorded; reading on would only repeat it.
    } catch (MarkedYamlEngineException e) {
      d.add(e.getProblemMark().or(e::getContextMark), "", SpecLoader.syntaxMessage(e));
    } catch (YamlEngineException e) {
      d.add(1, 1, "", "YAML: " + e.getMessage());
    }
  }

  /** Reads every document of every text added: the templates first, then the rollouts. */
  Documents finish() {
    try {
      texts.values().forEach(this::readTemplates);
      texts.values().forEach(this::readRollouts);
    } catch (Diagnostics.Abort e) {
      aborted = true; // the reason is recorded
    }
    List<Documents.Part> parts = new ArrayList<>();
    List<Problem> problems = new ArrayList<>();
    texts.forEach(
        (source, t) -> {
          if (!aborted
              && !t.diagnostics().hasProblems()
              && t.templateDocuments().isEmpty()
              && t.rolloutDocuments().isEmpty()) {
            t.diagnostics()
                .add(
                    1,
                    1,
                    "",
                    "holds no Rollout or AnalysisTemplate (an empty file or only comments)");
          }
          boolean valid = !t.diagnostics().hasProblems();
          parts.add(
              new Documents.Part(
                  source, valid ? t.rollouts() : List.of(), valid ? t.templates() : List.of()));
          problems.addAll(t.diagnostics().sorted());
        });
    templates.storedTexts().forEach(d -> problems.addAll(d.sorted()));
    return new Documents(parts, problems);
  }

  private Text text(String source, Path baseDir) {
    return texts.computeIfAbsent(
        source,
        s ->
            new Text(
                new Diagnostics(s),
                baseDir,
                new ArrayList<>(),
                new ArrayList<>(),
                new ArrayList<>(),
                new ArrayList<>()));
  }

  private void readTemplates(Text t) {
    for (Node document : t.templateDocuments()) {
      TemplateIndex.Entry e = AnalysisTemplateBinder.bind(document, t.diagnostics());
      if (e == null) {
        continue;
      }
      TemplateIndex.Entry earlier = templates.add(e);
      if (earlier != null) {
        t.diagnostics()
            .add(
                e.nameNode(),
                "metadata.name",
                "AnalysisTemplate '"
                    + e.name()
                    + "' is defined twice (first at "
                    + earlier.location()
                    + "); give one another name");
      } else if (!e.broken()) {
        t.templates().add(e.template());
      }
    }
  }

  private void readRollouts(Text t) {
    Map<String, Node> names = new HashMap<>();
    for (Node document : t.rolloutDocuments()) {
      Rollout r = bind(document, t);
      if (r != null) {
        if (names.putIfAbsent(r.name(), document) != null) {
          t.diagnostics()
              .add(
                  document,
                  "metadata.name",
                  "rollout '" + r.name() + "' appears twice in this file");
        }
        t.rollouts().add(r);
      }
    }
  }

  private Rollout bind(Node document, Text t) {
    try {
      return new RolloutBinder(t.diagnostics(), t.baseDir(), templates).bind(document);
    } catch (Diagnostics.Abort e) {
      throw e;
    } catch (RuntimeException e) {
      // A defect in the binder must still come out as a located answer, not a stack trace.
      t.diagnostics().add(document, "", "internal error while reading this document: " + e);
      return null;
    }
  }

  /** Whether a document says {@code kind: AnalysisTemplate}. */
  private static boolean isTemplate(Node document) {
    if (!(document instanceof MappingNode m)) {
      return false;
    }
    for (NodeTuple t : m.getValue()) {
      if (t.getKeyNode() instanceof ScalarNode k
          && k.getValue().equals("kind")
          && t.getValueNode() instanceof ScalarNode v) {
        return v.getValue().equals(AnalysisTemplate.KIND);
      }
    }
    return false;
  }
}
