package dev.snailtrail.provider;

import java.io.Serial;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads a task definition as ECS prints it, {@code aws ecs describe-task-definition} output ({@code
 * {"taskDefinition": {...}, "tags": [...]}}) or the bare task definition object, into the fields
 * the controller registers. Fields it does not use are not refused: they stay in the JSON.
 */
public final class TaskDefinitionJson {
  /** ECS's timings for a health check that leaves them out. */
  public static final int HEALTH_CHECK_INTERVAL = TaskDefinitionSpec.HealthCheck.INTERVAL;

  public static final int HEALTH_CHECK_TIMEOUT = TaskDefinitionSpec.HealthCheck.TIMEOUT;
  public static final int HEALTH_CHECK_RETRIES = TaskDefinitionSpec.HealthCheck.RETRIES;
  public static final int HEALTH_CHECK_START_PERIOD = TaskDefinitionSpec.HealthCheck.START_PERIOD;

  private static final JsonMapper JSON = JsonMapper.builder().build();

  private TaskDefinitionJson() {}

  /**
   * Reads JSON text that is known to hold a task definition (the spec loader checked it).
   *
   * @throws IllegalArgumentException when it does not
   */
  public static TaskDefinitionSpec read(String json) {
    try {
      return read(JSON.readTree(json));
    } catch (JacksonException e) {
      throw new IllegalArgumentException("not valid JSON: " + e.getOriginalMessage(), e);
    } catch (Invalid e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }

  /**
   * Reads a parsed JSON document.
   *
   * @throws Invalid when it is not a task definition, saying where in the document and why
   */
  public static TaskDefinitionSpec read(JsonNode root) throws Invalid {
    if (root == null || !root.isObject()) {
      throw new Invalid(List.of(), "expected a JSON object holding a task definition");
    }
    List<Object> at = new ArrayList<>();
    JsonNode td = root;
    if (root.has("taskDefinition")) {
      td = root.get("taskDefinition");
      at.add("taskDefinition");
      if (!td.isObject()) {
        throw new Invalid(at, "'taskDefinition' is not an object");
      }
    }
    String family = text(td, "family");
    JsonNode containers = td.get("containerDefinitions");
    if (family == null || containers == null || !containers.isArray() || containers.isEmpty()) {
      throw new Invalid(
          at,
          "not a registered task definition (needs 'family' and 'containerDefinitions'; save"
              + " one with: aws ecs describe-task-definition --task-definition FAMILY)");
    }
    at.add("containerDefinitions");
    int index = 0;
    for (JsonNode c : containers) {
      check(c, at, index++);
    }
    // describe-task-definition prints tags beside the task definition; a registration input (or an
    // export of one) carries them inside it. Either way they are the revision's.
    Map<String, String> tags = new LinkedHashMap<>(tags(td.get("tags")));
    tags.putAll(tags(root.get("tags")));
    return TaskDefinitionSpec.described(td, tags);
  }

  private static void check(JsonNode c, List<Object> at, int index) throws Invalid {
    if (!c.isObject() || text(c, "name") == null || text(c, "image") == null) {
      List<Object> here = new ArrayList<>(at);
      here.add(index);
      throw new Invalid(here, "a container needs a 'name' and an 'image'");
    }
  }

  private static String text(JsonNode node, String field) {
    JsonNode v = node == null ? null : node.get(field);
    return v == null || !v.isValueNode() || v.isNull() ? null : v.asString();
  }

  private static List<String> strings(JsonNode array) {
    List<String> out = new ArrayList<>();
    if (array != null && array.isArray()) {
      for (JsonNode v : array) {
        out.add(v.asString(""));
      }
    }
    return out;
  }

  private static Map<String, String> tags(JsonNode array) {
    Map<String, String> out = new LinkedHashMap<>();
    if (array != null && array.isArray()) {
      for (JsonNode t : array) {
        String key = text(t, "key");
        if (key != null && !key.equals(TaskDefinitionSpec.HASH_TAG)) {
          out.put(key, t.path("value").asString(""));
        }
      }
    }
    return out;
  }

  /** JSON that is not a task definition: where in the document, and what is wrong. */
  public static final class Invalid extends Exception {
    @Serial private static final long serialVersionUID = 1L;

    private final transient List<Object> at;
    private final String problem;

    Invalid(List<Object> at, String problem) {
      super(where(at).isEmpty() ? problem : where(at) + ": " + problem);
      this.at = List.copyOf(at);
      this.problem = problem;
    }

    /** The way from the document's root to the fault: field names and list indexes. */
    public List<Object> at() {
      return at;
    }

    /** What is wrong there. */
    public String problem() {
      return problem;
    }

    /** {@code taskDefinition.containerDefinitions[1]}, or empty for the root. */
    public static String where(List<Object> at) {
      StringBuilder b = new StringBuilder();
      for (Object step : at) {
        if (step instanceof Integer i) {
          b.append('[').append(i).append(']');
        } else {
          b.append(b.isEmpty() ? "" : ".").append(step);
        }
      }
      return b.toString();
    }
  }
}
