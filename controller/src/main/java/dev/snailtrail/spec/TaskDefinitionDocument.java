package dev.snailtrail.spec;

import java.nio.file.Path;
import java.util.Objects;

/**
 * A registered task definition a template starts from, as ECS prints it ({@code aws ecs
 * describe-task-definition} output, {@code {"taskDefinition": {...}, "tags": [...]}}, or the bare
 * task definition object). The spec carries the content itself, read once when the spec is loaded,
 * so no reconcile pass reads a file and a spec sent elsewhere needs nothing beside it.
 *
 * <p>The content is JSON text in one canonical form (properties sorted, no insignificant
 * whitespace) and keeps every field as given, not only those the controller registers.
 *
 * <p>Equality, hash code and string form are the content alone. Where it was read from is
 * provenance for messages: a spec written out (which carries the content inline) and loaded again
 * is equal to the one read from the file, and its phase fingerprints, computed over the string
 * form, are the same.
 */
public final class TaskDefinitionDocument {
  private final String json;
  private final Path source;

  /**
   * @param json the content as canonical JSON text
   * @param source the file it was read from ({@code template.fromFile}), or null when the spec
   *     holds it inline ({@code template.taskDefinition})
   */
  public TaskDefinitionDocument(String json, Path source) {
    this.json = Objects.requireNonNull(json, "json");
    this.source = source;
  }

  /** The content as canonical JSON text. */
  public String json() {
    return json;
  }

  /** The file it was read from, or null when the spec holds it inline. */
  public Path source() {
    return source;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TaskDefinitionDocument d && json.equals(d.json);
  }

  @Override
  public int hashCode() {
    return json.hashCode();
  }

  @Override
  public String toString() {
    return json;
  }
}
