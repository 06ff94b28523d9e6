package dev.snailtrail.spec;

import java.util.Map;

/**
 * Gates of a phase that came from an {@link AnalysisTemplate}: the use as written ({@code -
 * template: ml-ready} with its {@code args}), every argument's value, and where the gates it gave
 * sit in {@link Phase#gates()}. The gates are kept as they were expanded when the rollout was
 * loaded, so a later change to the template changes nothing until the rollout is applied again.
 *
 * @param template the template's name
 * @param name what its gates are named after in status: {@code NAME/KIND/INDEX}, e.g. {@code
 *     ml-ready/http/0}; the template's name unless the use gives another
 * @param args every argument's value, defaults included
 * @param first the index in the phase's gates of the first gate it gave
 * @param count how many gates it gave, at least one
 */
public record TemplateUse(
    String template, String name, Map<String, String> args, int first, int count) {
  public TemplateUse {
    args = Map.copyOf(args);
    if (first < 0 || count < 1) {
      throw new IllegalArgumentException(
          "a template use covers at least one gate from index 0 on: first "
              + first
              + ", count "
              + count);
    }
  }

  /** Whether the gate at this index of the phase came from this use. */
  public boolean covers(int gateIndex) {
    return gateIndex >= first && gateIndex < first + count;
  }

  /** The name of the gate at {@code gateIndex} (which this use covers) of this kind. */
  public String gateName(int gateIndex, String kind) {
    return name + "/" + kind + "/" + (gateIndex - first);
  }
}
