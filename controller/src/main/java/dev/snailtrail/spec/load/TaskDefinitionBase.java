package dev.snailtrail.spec.load;

import dev.snailtrail.provider.TaskDefinitionJson;
import dev.snailtrail.provider.TaskDefinitionSpec;
import dev.snailtrail.spec.TaskDefinitionDocument;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.nodes.Node;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.cfg.JsonNodeFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * The task definition a template starts from, as the loader has it: the document the spec carries,
 * and the same content parsed, from which the template's omitted fields are filled.
 */
record TaskDefinitionBase(TaskDefinitionDocument document, TaskDefinitionSpec parsed) {
  private static final JsonMapper CANONICAL =
      JsonMapper.builder().enable(JsonNodeFeature.WRITE_PROPERTIES_SORTED).build();

  /**
   * Checks that a JSON document is a task definition and keeps it whole.
   *
   * @param source the file it was read from, or null when the spec holds it inline
   */
  static TaskDefinitionBase of(JsonNode root, Path source) throws TaskDefinitionJson.Invalid {
    TaskDefinitionSpec parsed = TaskDefinitionJson.read(root);
    return new TaskDefinitionBase(
        new TaskDefinitionDocument(CANONICAL.writeValueAsString(root), source), parsed);
  }

  /**
   * The task definition a template starts from, given by {@code fromFile} or {@code
   * taskDefinition}; null when it gives none or it cannot be read (the problem is recorded).
   *
   * @param baseDir where a relative {@code fromFile} is looked for; null when files may not be read
   */
  static TaskDefinitionBase bind(Fields f, Path baseDir) {
    Value fromFile = f.get("fromFile");
    Value inline = f.get("taskDefinition");
    if (fromFile != null && inline != null) {
      String second = later(f, "fromFile", "taskDefinition");
      f.owner()
          .diagnostics()
          .add(
              f.keyNode(second),
              f.child(second),
              "give the task definition to start from once: fromFile names a file holding it,"
                  + " taskDefinition holds it inline; remove one of them");
      return null;
    }
    if (inline != null) {
      return InlineTaskDefinition.bind(inline);
    }
    return fromFile == null ? null : fromFile(fromFile, baseDir);
  }

  /** Of two keys, the one written further down (where a reader meets the conflict). */
  private static String later(Fields f, String a, String b) {
    return offset(f.keyNode(a)) > offset(f.keyNode(b)) ? a : b;
  }

  private static int offset(Node node) {
    return node.getStartMark().map(Mark::getIndex).orElse(0);
  }

  private static TaskDefinitionBase fromFile(Value value, Path baseDir) {
    String name = value.string();
    if (name == null) {
      return null;
    }
    if (baseDir == null) {
      value.problem(
          "the controller cannot read '"
              + name
              + "': a file is read where the spec is written, and a spec sent to the controller"
              + " must carry its task definition. Write it inline as template.taskDefinition, or"
              + " apply with `snailtrail apply -f FILE`, which reads fromFile and sends it inline");
      return null;
    }
    Path path;
    try {
      path = baseDir.resolve(name).toAbsolutePath().normalize();
    } catch (InvalidPathException e) {
      value.problem("'" + name + "' is not a file path: " + e.getReason());
      return null;
    }
    try {
      return TaskDefinitionFile.read(path);
    } catch (TaskDefinitionFile.Invalid e) {
      value.problem(e.getMessage());
      return null;
    }
  }
}
