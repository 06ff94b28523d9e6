package dev.snailtrail.spec.load;

import dev.snailtrail.provider.TaskDefinitionJson;
import dev.snailtrail.provider.TaskDefinitionSpec;
import dev.snailtrail.spec.TaskDefinitionDocument;
import java.nio.file.Path;
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
}
