package dev.snailtrail.spec.load;

import dev.snailtrail.provider.TaskDefinitionJson;
import java.io.IOException;
import java.io.Serial;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads {@code template.fromFile}: a registered task definition saved as {@code aws ecs
 * describe-task-definition} prints it, or the bare task definition object. It is read once, when
 * the spec is loaded; the spec then carries the content.
 */
final class TaskDefinitionFile {
  private static final long MAX_BYTES = 1 << 20;
  private static final String SAVE = "aws ecs describe-task-definition --task-definition FAMILY > ";
  private static final JsonMapper JSON =
      JsonMapper.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

  private TaskDefinitionFile() {}

  /**
   * Reads the file.
   *
   * @throws Invalid when the file is missing, unreadable, too large, not JSON, or not a task
   *     definition; the message names the file and says which
   */
  static TaskDefinitionBase read(Path file) throws Invalid {
    byte[] bytes;
    try {
      if (Files.isDirectory(file)) {
        throw new Invalid(file + ": is a directory; fromFile names a JSON file");
      }
      if (Files.size(file) > MAX_BYTES) {
        throw new Invalid(file + ": larger than 1 MiB; a task definition is a few KiB");
      }
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new Invalid(
          file
              + ": no such file; fromFile is relative to the spec file's directory: save the task"
              + " definition there with "
              + SAVE
              + file.getFileName()
              + ", or write it inline as template.taskDefinition");
    } catch (IOException e) {
      throw new Invalid(
          file
              + ": cannot read: "
              + e.getMessage()
              + "; make it readable to whoever loads the spec");
    }
    JsonNode root;
    try {
      root = JSON.readTree(bytes);
    } catch (JacksonException e) {
      TokenStreamLocation at = e.getLocation();
      String where =
          at == null || at.getLineNr() < 1
              ? ""
              : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
      throw new Invalid(
          file
              + ": not valid JSON"
              + where
              + ": "
              + e.getOriginalMessage()
              + "; save the task definition with "
              + SAVE
              + file.getFileName());
    }
    try {
      return TaskDefinitionBase.of(root, file);
    } catch (TaskDefinitionJson.Invalid e) {
      throw new Invalid(file + ": " + e.getMessage());
    }
  }

  /** A file that cannot serve as a task definition; the message names the file and the fault. */
  static final class Invalid extends Exception {
    @Serial private static final long serialVersionUID = 1L;

    Invalid(String message) {
      super(message);
    }
  }
}
