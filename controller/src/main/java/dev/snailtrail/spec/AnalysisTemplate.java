package dev.snailtrail.spec;

import java.util.List;

/**
 * A named set of gates, with declared arguments, that the phases of any rollout use by name ({@code
 * - template: ml-ready}). Its gates are YAML with {@code {{args.NAME}}} placeholders until a
 * rollout that uses it is loaded: then they are filled in with that use's arguments and read as the
 * phase's own gates ({@link TemplateUse}). A rollout keeps the gates it was loaded with; a changed
 * template reaches it when it is applied again.
 *
 * @param metadata the template's name (a DNS label) and labels
 * @param args the arguments it declares, in order
 * @param gates the kind of each of its gates, in order (e.g. {@code http}, {@code logs})
 * @param document the template as one YAML document, every field as given: what the store keeps,
 *     what {@code get} prints, and what a rollout's use of it is read from
 */
public record AnalysisTemplate(
    Metadata metadata, List<Argument> args, List<String> gates, String document) {
  public static final String KIND = "AnalysisTemplate";

  public AnalysisTemplate {
    args = List.copyOf(args);
    gates = List.copyOf(gates);
  }

  public String name() {
    return metadata.name();
  }

  /**
   * An argument a template declares.
   *
   * @param name what placeholders call it: {@code {{args.NAME}}}
   * @param defaultValue its value when a use gives none, or null: every use must give one
   */
  public record Argument(String name, String defaultValue) {
    public boolean required() {
      return defaultValue == null;
    }
  }
}
