package dev.snailtrail.spec.load;

import dev.snailtrail.spec.Analysis;
import dev.snailtrail.spec.DriftPolicy;
import dev.snailtrail.spec.Metadata;
import dev.snailtrail.spec.Phase;
import dev.snailtrail.spec.Rollout;
import dev.snailtrail.spec.RolloutSpec;
import dev.snailtrail.spec.Target;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.snakeyaml.engine.v2.nodes.Node;

/** Binds one YAML document to a {@link Rollout}, recording every problem it meets. */
final class RolloutBinder {
  static final Set<String> ROOT_KEYS = Set.of("apiVersion", "kind", "metadata", "spec", "status");
  static final Set<String> METADATA_KEYS = Set.of("name", "labels");
  static final Set<String> SPEC_KEYS =
      Set.of("target", "template", "analysis", "progressDeadline", "phases", "driftPolicy");

  private final Diagnostics diagnostics;
  private final Path baseDir;

  /**
   * @param baseDir where a relative {@code template.fromFile} is looked for; null when files may
   *     not be read
   */
  RolloutBinder(Diagnostics diagnostics, Path baseDir) {
    this.diagnostics = diagnostics;
    this.baseDir = baseDir;
  }

  /** The rollout, or null when the document has problems (they are in the diagnostics). */
  Rollout bind(Node document) {
    int before = diagnostics.count();
    Fields root = new Value(document, "", diagnostics).fields(ROOT_KEYS);
    if (root == null) {
      return null;
    }
    exact(root, "apiVersion", Rollout.API_VERSION);
    exact(root, "kind", Rollout.KIND);
    Value metadataValue = root.require("metadata");
    Metadata metadata = metadataValue == null ? null : metadata(metadataValue);
    Value specValue = root.require("spec");
    RolloutSpec spec = specValue == null ? null : spec(specValue);
    // status is what `get` prints; a file saved from it may be applied again as it is.
    if (diagnostics.count() > before || metadata == null || spec == null) {
      return null;
    }
    return new Rollout(Rollout.API_VERSION, Rollout.KIND, metadata, spec);
  }

  private static void exact(Fields f, String key, String expected) {
    Value v = f.require(key);
    String s = v == null ? null : v.string();
    if (s != null && !s.equals(expected)) {
      v.problem(key + " must be " + expected + ", found '" + s + "'");
    }
  }

  private static Metadata metadata(Value value) {
    Fields f = value.fields(METADATA_KEYS);
    if (f == null) {
      return null;
    }
    Value nameValue = f.require("name");
    String name = nameValue == null ? null : nameValue.string();
    if (name != null && Formats.dnsLabelProblem(name) != null) {
      nameValue.problem(Formats.dnsLabelProblem(name));
    }
    Map<String, String> labels = f.stringMap("labels");
    return name == null ? null : new Metadata(name, labels);
  }

  private RolloutSpec spec(Value value) {
    Fields f = value.fields(SPEC_KEYS);
    if (f == null) {
      return null;
    }
    // Without a template, phases start from the service's live task definition.
    Value templateValue = f.get("template");
    TemplateBinder.Result template = new TemplateBinder(baseDir).bind(templateValue);
    Value targetValue = f.require("target");
    Target target =
        targetValue == null
            ? null
            : TargetBinder.bind(
                targetValue, template, templateValue == null ? null : f.keyNode("template"));

    Value deadlineValue = f.get("progressDeadline");
    Duration deadline = deadlineValue == null ? null : deadlineValue.duration();
    if (deadline != null && (deadline.isZero() || deadline.isNegative())) {
      deadlineValue.problem("progressDeadline must be longer than 0");
      deadline = null;
    }
    deadline = deadline != null ? deadline : Defaults.PROGRESS_DEADLINE;

    Value analysisValue = f.get("analysis");
    Analysis analysis = AnalysisBinder.bind(analysisValue, Defaults.ANALYSIS);
    Value located = analysisValue != null ? analysisValue : deadlineValue;
    if (located != null) {
      AnalysisBinder.checkDeadline(analysis, deadline, located);
    }

    Value phasesValue = f.require("phases");
    List<Phase> phases =
        phasesValue == null
            ? List.of()
            : new PhaseBinder(target, template, analysis, deadline).bind(phasesValue);
    if (template == null || target == null) {
      return null;
    }
    DriftPolicy drift = driftPolicy(f.get("driftPolicy"));
    return new RolloutSpec(target, template.template(), analysis, deadline, phases, drift);
  }

  private static DriftPolicy driftPolicy(Value v) {
    String s = v == null ? null : v.string();
    if (s == null) {
      return Defaults.DRIFT_POLICY;
    }
    return switch (s) {
      case "report" -> DriftPolicy.REPORT;
      case "revert" -> DriftPolicy.REVERT;
      default -> {
        v.problem("'" + s + "' is not a drift policy; expected report or revert");
        yield Defaults.DRIFT_POLICY;
      }
    };
  }
}
