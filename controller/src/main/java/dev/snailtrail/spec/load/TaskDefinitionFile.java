package dev.snailtrail.spec.load;

import dev.snailtrail.provider.Ecs.PortMapping;
import dev.snailtrail.provider.NetworkMode;
import dev.snailtrail.provider.TaskDefinitionSpec;
import dev.snailtrail.provider.TaskDefinitionSpec.ContainerDefinition;
import dev.snailtrail.provider.TaskDefinitionSpec.HealthCheck;
import java.io.IOException;
import java.io.Serial;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads a registered task definition as {@code aws ecs describe-task-definition} prints it ({@code
 * {"taskDefinition": {...}, "tags": [...]}}) or the bare task definition object, so a rollout can
 * start from a task definition people already have.
 */
public final class TaskDefinitionFile {
  private static final long MAX_BYTES = 1 << 20;
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private TaskDefinitionFile() {}

  /**
   * Reads the file.
   *
   * @throws Invalid when the file is missing, unreadable, too large, not JSON, or not a task
   *     definition; the message says which and names the file
   */
  public static TaskDefinitionSpec read(Path file) throws Invalid {
    String text;
    try {
      if (Files.size(file) > MAX_BYTES) {
        throw new Invalid(file + ": larger than 1 MiB; a task definition is a few KiB");
      }
      text = Files.readString(file);
    } catch (NoSuchFileException e) {
      throw new Invalid(file + ": no such file");
    } catch (IOException e) {
      throw new Invalid(file + ": cannot read: " + e.getMessage());
    }
    return parse(text, file.toString());
  }

  /** Parses task definition JSON text; {@code name} appears in messages. */
  public static TaskDefinitionSpec parse(String text, String name) throws Invalid {
    JsonNode root;
    try {
      root = JSON.readTree(text);
    } catch (JacksonException e) {
      throw new Invalid(name + ": not valid JSON: " + e.getOriginalMessage());
    }
    if (root == null || !root.isObject()) {
      throw new Invalid(name + ": expected a JSON object holding a task definition");
    }
    JsonNode td = root.has("taskDefinition") ? root.get("taskDefinition") : root;
    if (!td.isObject()) {
      throw new Invalid(name + ": 'taskDefinition' is not an object");
    }
    String family = text(td, "family");
    JsonNode containers = td.get("containerDefinitions");
    if (family == null || containers == null || !containers.isArray() || containers.isEmpty()) {
      throw new Invalid(
          name
              + ": not a registered task definition (needs 'family' and 'containerDefinitions'; save"
              + " one with: aws ecs describe-task-definition --task-definition FAMILY)");
    }
    List<ContainerDefinition> defs = new ArrayList<>();
    for (JsonNode c : containers) {
      defs.add(container(c, name, defs.size()));
    }
    return new TaskDefinitionSpec(
        family,
        defs,
        text(td, "cpu"),
        text(td, "memory"),
        NetworkMode.of(text(td, "networkMode")),
        strings(td.get("requiresCompatibilities")),
        text(td, "executionRoleArn"),
        text(td, "taskRoleArn"),
        tags(root.get("tags")));
  }

  private static ContainerDefinition container(JsonNode c, String name, int index) throws Invalid {
    String containerName = text(c, "name");
    String image = text(c, "image");
    if (!c.isObject() || containerName == null || image == null) {
      throw new Invalid(
          name + ": containerDefinitions[" + index + "] needs a 'name' and an 'image'");
    }
    List<PortMapping> ports = new ArrayList<>();
    JsonNode mappings = c.get("portMappings");
    if (mappings != null && mappings.isArray()) {
      for (JsonNode m : mappings) {
        int containerPort = m.path("containerPort").asInt(0);
        ports.add(
            new PortMapping(
                containerPort,
                m.path("hostPort").asInt(containerPort),
                m.path("protocol").asString("tcp")));
      }
    }
    Map<String, String> env = new LinkedHashMap<>();
    JsonNode environment = c.get("environment");
    if (environment != null && environment.isArray()) {
      for (JsonNode e : environment) {
        if (text(e, "name") != null) {
          env.put(text(e, "name"), e.path("value").asString(""));
        }
      }
    }
    HealthCheck health = null;
    JsonNode hc = c.get("healthCheck");
    if (hc != null && hc.isObject()) {
      health =
          new HealthCheck(
              strings(hc.get("command")),
              hc.path("interval").asInt(Defaults.HEALTH_CHECK_INTERVAL),
              hc.path("timeout").asInt(Defaults.HEALTH_CHECK_TIMEOUT),
              hc.path("retries").asInt(Defaults.HEALTH_CHECK_RETRIES),
              hc.path("startPeriod").asInt(Defaults.HEALTH_CHECK_START_PERIOD));
    }
    JsonNode log = c.path("logConfiguration");
    Map<String, String> logOptions = new LinkedHashMap<>();
    JsonNode options = log.path("options");
    if (options.isObject()) {
      for (Map.Entry<String, JsonNode> e : options.properties()) {
        logOptions.put(e.getKey(), e.getValue().asString(""));
      }
    }
    return new ContainerDefinition(
        containerName,
        image,
        c.path("essential").asBoolean(true),
        ports,
        env,
        health,
        text(log, "logDriver"),
        logOptions);
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

  /** A file that cannot serve as a task definition; the message names the file and the fault. */
  public static final class Invalid extends Exception {
    @Serial private static final long serialVersionUID = 1L;

    public Invalid(String message) {
      super(message);
    }
  }

  /**
   * The base task definition of a rollout: its {@code template.fromFile} read again, or null when
   * it has none. The loader validated the file; if it changed on disk since, this says so.
   */
  public static TaskDefinitionSpec baseOf(dev.snailtrail.spec.Rollout rollout) {
    Path from = rollout.spec().template().fromFile();
    if (from == null) {
      return null;
    }
    try {
      return read(from);
    } catch (Invalid e) {
      throw new IllegalStateException(
          "template.fromFile " + from + " changed since the spec was loaded: " + e.getMessage(), e);
    }
  }
}
