package dev.snailtrail.spec.load;

import dev.snailtrail.spec.AnalysisTemplate;
import dev.snailtrail.spec.Rollout;
import java.util.List;

/**
 * What one load read from its texts (files, or a request's body): the rollouts and
 * AnalysisTemplates of each, and every problem found in any of them. A text with a problem gives
 * nothing, and a problem may lie in another text than the one that caused it (a template's gate
 * that is not valid for a rollout's use of it is reported in the template, and at the use).
 *
 * @param parts each text's documents, in the order the texts were given
 * @param problems every problem, text by text, each text's in the order of its lines
 */
public record Documents(List<Part> parts, List<Problem> problems) {
  public Documents {
    parts = List.copyOf(parts);
    problems = List.copyOf(problems);
  }

  /**
   * The documents of one text; none when the text has problems.
   *
   * @param source the text's name, as problems give it
   */
  public record Part(String source, List<Rollout> rollouts, List<AnalysisTemplate> templates) {
    public Part {
      rollouts = List.copyOf(rollouts);
      templates = List.copyOf(templates);
    }
  }

  /** Every rollout read, text by text. */
  public List<Rollout> rollouts() {
    return parts.stream().flatMap(p -> p.rollouts().stream()).toList();
  }

  /** Every AnalysisTemplate read, text by text. */
  public List<AnalysisTemplate> templates() {
    return parts.stream().flatMap(p -> p.templates().stream()).toList();
  }

  /** Whether the text of this name has no problem. */
  public boolean valid(String source) {
    return problems.stream().noneMatch(p -> p.source().equals(source));
  }

  /**
   * These documents when nothing is wrong with any.
   *
   * @throws SpecException with every problem
   */
  public Documents orThrow() throws SpecException {
    if (!problems.isEmpty()) {
      throw new SpecException(problems);
    }
    return this;
  }
}
