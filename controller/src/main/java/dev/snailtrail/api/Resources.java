package dev.snailtrail.api;

import dev.snailtrail.controller.ControlPlane;
import dev.snailtrail.controller.ControlPlane.RolloutView;
import dev.snailtrail.rollout.PhaseRef;
import dev.snailtrail.rollout.RolloutStatus;
import dev.snailtrail.rollout.StatusPhase;
import dev.snailtrail.rollout.Step;
import dev.snailtrail.spec.AnalysisTemplate;
import dev.snailtrail.spec.Phase;
import dev.snailtrail.spec.load.Problem;
import dev.snailtrail.spec.load.SpecWriter;
import java.time.Instant;
import java.util.List;

/**
 * The JSON bodies of the HTTP API, shared by {@link ApiServer} and {@link ApiClient} so the two
 * cannot drift apart. Field names here are the wire format documented in {@code docs/api.md}.
 */
public final class Resources {
  private Resources() {}

  /**
   * One line of {@code GET /api/v1/rollouts}.
   *
   * @param storeDamaged the rollout's files in the store cannot be read (the message says which)
   * @param warnings the conditions that hold and need attention though the phase does not show them
   *     (Drifted, ProviderUnavailable, InternalError); empty when none
   * @param holder the controller replica acting on the rollout, when the store is shared (else
   *     absent)
   */
  public record Summary(
      String name,
      StatusPhase phase,
      Step step,
      PhaseRef currentPhase,
      PhaseRef stablePhase,
      int progress,
      long generation,
      long observedGeneration,
      String message,
      boolean storeDamaged,
      List<String> warnings,
      String holder,
      Integer trafficWeight) {

    public Summary {
      warnings = warnings == null ? List.of() : List.copyOf(warnings);
    }

    static Summary of(RolloutView v) {
      RolloutStatus s = v.status();
      return new Summary(
          v.name(),
          s.phase(),
          s.step(),
          s.currentPhase(),
          s.stablePhase(),
          s.progress(),
          v.generation(),
          s.observedGeneration(),
          s.message(),
          s.storeDamaged(),
          names(s),
          v.holder(),
          s.traffic() == null ? null : s.traffic().weight());
    }

    static List<String> names(RolloutStatus s) {
      return s.warnings().stream().map(c -> c.type().name()).toList();
    }
  }

  /** The body of {@code GET /api/v1/rollouts}. */
  public record SummaryList(List<Summary> items) {}

  /**
   * One rollout: {@code GET /api/v1/rollouts/NAME} and the answer to every verb.
   *
   * @param spec the effective spec as YAML, every default spelled out (empty when the stored spec
   *     cannot be read: the status says StoreDamaged)
   * @param phases the phase names in order, so clients need not parse the spec to draw the trail
   * @param redacted whether secrets in the spec (and URLs in status messages) are masked, as they
   *     are for a reader without the API token
   * @param holder the controller replica acting on the rollout, when the store is shared
   */
  public record Detail(
      String name,
      long generation,
      long resourceVersion,
      List<String> phases,
      String spec,
      RolloutStatus status,
      boolean redacted,
      String holder) {

    static Detail of(RolloutView v, boolean redacted) {
      return new Detail(
          v.name(),
          v.generation(),
          v.resourceVersion(),
          v.spec() == null
              ? List.of()
              : v.spec().spec().phases().stream().map(Phase::name).toList(),
          v.spec() == null ? "" : SpecWriter.toYaml(v.spec()),
          v.status(),
          redacted,
          v.holder());
    }
  }

  /**
   * One AnalysisTemplate: {@code GET /api/v1/analysistemplates/NAME}.
   *
   * @param updatedAt when it last changed
   * @param usedBy the stored rollouts whose gates came from it, by name (they keep those gates
   *     whatever happens to it, until they are applied again)
   * @param args the arguments it declares, each with its default (null: every use gives it)
   * @param gates the kind of each of its gates
   * @param document the template as YAML, as applied
   */
  public record TemplateItem(
      String name,
      long generation,
      Instant updatedAt,
      List<String> usedBy,
      List<AnalysisTemplate.Argument> args,
      List<String> gates,
      String document) {

    static TemplateItem of(ControlPlane.TemplateView v) {
      AnalysisTemplate t = v.template();
      return new TemplateItem(
          t.name(), v.generation(), v.updatedAt(), v.usedBy(), t.args(), t.gates(), t.document());
    }
  }

  /** The body of {@code GET /api/v1/analysistemplates}. */
  public record TemplateList(List<TemplateItem> items) {}

  /**
   * The answer to {@code DELETE /api/v1/analysistemplates/NAME}.
   *
   * @param deleted the template's name
   * @param usedBy the stored rollouts whose gates came from it: they keep them, and need it (or
   *     their files applied with its file) to be applied again
   */
  public record TemplateDeleted(String deleted, List<String> usedBy) {}

  /** The body of {@code POST /api/v1/rollouts}. */
  public record AppliedList(List<ControlPlane.Applied> applied) {}

  /** The body of every error answer. */
  public record ErrorBody(String error, List<Problem> problems) {
    ErrorBody(String error) {
      this(error, List.of());
    }
  }

  /**
   * The optional body of a verb.
   *
   * @param by who asked, recorded in the trail
   * @param full with {@code promote}: promote in full, straight to the last phase
   */
  public record VerbRequest(String by, boolean full) {}

  /**
   * The body of {@code POST /api/v1/rollouts/NAME/notes}; the answer is the trail event recorded.
   *
   * @param kind note, decision, lesson or challenge; null: note
   * @param by who wrote it; null: "api"
   */
  public record NoteRequest(String text, String kind, String by) {}
}
