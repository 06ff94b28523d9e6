package dev.snailtrail.provider;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import dev.snailtrail.provider.Ecs.PortMapping;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The content of a task definition as {@code RegisterTaskDefinition} takes it: the API's own JSON,
 * whole. Nothing is picked out of it and rebuilt, so a field the controller does not know (an EFS
 * volume, a secret, a ulimit, one AWS adds next year) travels from the live revision to the one a
 * phase registers untouched. The typed accessors are read-only views of the few fields the
 * controller reasons about; the {@code with…} methods change exactly what a phase names.
 *
 * <p>Immutable. Equality is the content, fields in any order.
 */
public final class TaskDefinitionSpec {

  /**
   * The tag under which a registered revision records the content hash it was registered from
   * ({@code dev.snailtrail.rollout.ContentHash}).
   */
  public static final String HASH_TAG = "snailtrail.dev/content-hash";

  /**
   * What {@code DescribeTaskDefinition} prints that {@code RegisterTaskDefinition} does not take.
   */
  static final Set<String> DESCRIBE_ONLY =
      Set.of(
          "taskDefinitionArn",
          "revision",
          "status",
          "requiresAttributes",
          "compatibilities",
          "registeredAt",
          "registeredBy",
          "deregisteredAt");

  private final ObjectNode doc;
  private final String canonical;

  private TaskDefinitionSpec(ObjectNode doc) {
    this.doc = doc;
    this.canonical = TaskDefinitionNodes.canonical(doc);
  }

  /** A spec holding a copy of {@code registerInput}, the JSON of a registration request. */
  @JsonCreator
  public static TaskDefinitionSpec of(JsonNode registerInput) {
    if (registerInput == null || !registerInput.isObject()) {
      throw new IllegalArgumentException("a task definition is a JSON object");
    }
    return new TaskDefinitionSpec((ObjectNode) registerInput.deepCopy());
  }

  /**
   * A registered revision as {@code DescribeTaskDefinition} prints it, with its tags, turned into
   * the registration that would make it again: the fields ECS adds on registration are dropped.
   */
  public static TaskDefinitionSpec described(JsonNode taskDefinition, Map<String, String> tags) {
    ObjectNode copy = (ObjectNode) taskDefinition.deepCopy();
    DESCRIBE_ONLY.forEach(copy::remove);
    return new TaskDefinitionSpec(copy).withTags(tags);
  }

  /** A spec built from the fields the controller knows by name (the template, tests). */
  public static TaskDefinitionSpec of(
      String family,
      List<ContainerDefinition> containers,
      String cpu,
      String memory,
      NetworkMode networkMode,
      List<String> requiresCompatibilities,
      String executionRoleArn,
      String taskRoleArn,
      Map<String, String> tags) {
    ObjectNode d = TaskDefinitionNodes.NODES.objectNode();
    d.put("family", family);
    ArrayNode defs = d.putArray("containerDefinitions");
    containers.forEach(c -> defs.add(TaskDefinitionNodes.toJson(c)));
    TaskDefinitionNodes.putIfSet(d, "cpu", cpu);
    TaskDefinitionNodes.putIfSet(d, "memory", memory);
    TaskDefinitionNodes.putIfSet(
        d, "networkMode", networkMode == null ? null : networkMode.toString());
    if (!requiresCompatibilities.isEmpty()) {
      ArrayNode compat = d.putArray("requiresCompatibilities");
      requiresCompatibilities.forEach(compat::add);
    }
    TaskDefinitionNodes.putIfSet(d, "executionRoleArn", executionRoleArn);
    TaskDefinitionNodes.putIfSet(d, "taskRoleArn", taskRoleArn);
    return new TaskDefinitionSpec(d).withTags(tags);
  }

  // ------------------------------------------------------------------ reading

  /** A copy of the whole registration input (also how the spec is written as JSON). */
  @JsonValue
  public ObjectNode json() {
    return doc.deepCopy();
  }

  /**
   * The content as JSON text with every object's fields sorted, so equal content gives equal text.
   *
   * @param withTags whether the tags count (the content hash leaves them out)
   */
  public String canonicalJson(boolean withTags) {
    if (withTags || !doc.has("tags")) {
      return canonical;
    }
    ObjectNode copy = doc.deepCopy();
    copy.remove("tags");
    return TaskDefinitionNodes.canonical(copy);
  }

  public String family() {
    return TaskDefinitionNodes.text(doc, "family");
  }

  /** Task CPU units as ECS writes them ("512"), or null. */
  public String cpu() {
    return TaskDefinitionNodes.text(doc, "cpu");
  }

  /** Task memory in MiB as ECS writes it ("1024"), or null. */
  public String memory() {
    return TaskDefinitionNodes.text(doc, "memory");
  }

  public NetworkMode networkMode() {
    return NetworkMode.of(TaskDefinitionNodes.text(doc, "networkMode"));
  }

  /** e.g. [FARGATE]. */
  public List<String> requiresCompatibilities() {
    return TaskDefinitionNodes.strings(doc.get("requiresCompatibilities"));
  }

  public String executionRoleArn() {
    return TaskDefinitionNodes.text(doc, "executionRoleArn");
  }

  public String taskRoleArn() {
    return TaskDefinitionNodes.text(doc, "taskRoleArn");
  }

  /** The tags registered with the revision, by key. */
  public Map<String, String> tags() {
    Map<String, String> out = new LinkedHashMap<>();
    for (JsonNode t : doc.path("tags")) {
      if (TaskDefinitionNodes.text(t, "key") != null) {
        out.put(TaskDefinitionNodes.text(t, "key"), t.path("value").asString(""));
      }
    }
    return out;
  }

  /** Read-only views of the containers, in order. */
  public List<ContainerDefinition> containers() {
    List<ContainerDefinition> out = new ArrayList<>();
    for (JsonNode c : doc.path("containerDefinitions")) {
      out.add(TaskDefinitionNodes.fromJson(c));
    }
    return out;
  }

  /** The container with this name, or null. */
  public ContainerDefinition container(String name) {
    return containers().stream().filter(c -> c.name().equals(name)).findFirst().orElse(null);
  }

  // ------------------------------------------------------------------ changing

  /** This content with other tags (replacing all of them; none when empty). */
  public TaskDefinitionSpec withTags(Map<String, String> tags) {
    return edit(
        d -> {
          d.remove("tags");
          if (!tags.isEmpty()) {
            ArrayNode list = d.putArray("tags");
            new TreeMap<>(tags).forEach((k, v) -> list.addObject().put("key", k).put("value", v));
          }
        });
  }

  /** This content with task-level CPU units. */
  public TaskDefinitionSpec withCpu(String cpu) {
    return edit(d -> d.put("cpu", cpu));
  }

  /** This content with task-level memory. */
  public TaskDefinitionSpec withMemory(String memory) {
    return edit(d -> d.put("memory", memory));
  }

  /**
   * This content with one container's image replaced.
   *
   * @throws IllegalArgumentException when there is no such container
   */
  public TaskDefinitionSpec withImage(String container, String image) {
    return editContainer(container, c -> c.put("image", image));
  }

  /**
   * This content with variables merged into a container's environment: a name it has takes the new
   * value in place, a new name is added (in name order after the existing ones).
   */
  public TaskDefinitionSpec withEnvironment(String container, Map<String, String> variables) {
    return editContainer(
        container, c -> TaskDefinitionNodes.merge(c, "environment", "value", variables));
  }

  /**
   * This content with secrets merged into a container's {@code secrets}, as {@link
   * #withEnvironment} merges variables: name to {@code valueFrom} (a Secrets Manager or SSM
   * Parameter Store reference; never a value).
   */
  public TaskDefinitionSpec withSecrets(String container, Map<String, String> secrets) {
    return editContainer(
        container, c -> TaskDefinitionNodes.merge(c, "secrets", "valueFrom", secrets));
  }

  private TaskDefinitionSpec edit(Consumer<ObjectNode> change) {
    ObjectNode copy = doc.deepCopy();
    change.accept(copy);
    return new TaskDefinitionSpec(copy);
  }

  private TaskDefinitionSpec editContainer(String name, Consumer<ObjectNode> change) {
    return edit(
        d -> {
          for (JsonNode c : d.path("containerDefinitions")) {
            if (name.equals(TaskDefinitionNodes.text(c, "name"))) {
              change.accept((ObjectNode) c);
              return;
            }
          }
          throw new IllegalArgumentException(
              "task definition " + family() + " has no container named " + name);
        });
  }

  // ------------------------------------------------------------------ views

  /**
   * A container, as far as the controller reads it.
   *
   * @param environment name to value
   * @param secrets name to {@code valueFrom}
   * @param healthCheck command and timings, or null
   * @param logDriver e.g. awslogs, or null
   * @param logOptions options of the log driver
   */
  public record ContainerDefinition(
      String name,
      String image,
      boolean essential,
      List<PortMapping> portMappings,
      Map<String, String> environment,
      HealthCheck healthCheck,
      String logDriver,
      Map<String, String> logOptions,
      Map<String, String> secrets) {
    public ContainerDefinition {
      portMappings = List.copyOf(portMappings);
      environment = Map.copyOf(environment);
      logOptions = Map.copyOf(logOptions);
      secrets = Map.copyOf(secrets);
    }

    /** A container without secrets. */
    public ContainerDefinition(
        String name,
        String image,
        boolean essential,
        List<PortMapping> portMappings,
        Map<String, String> environment,
        HealthCheck healthCheck,
        String logDriver,
        Map<String, String> logOptions) {
      this(
          name,
          image,
          essential,
          portMappings,
          environment,
          healthCheck,
          logDriver,
          logOptions,
          Map.of());
    }

    /** The main container port: the first port mapping's, or 0 without one. */
    public int firstPort() {
      return portMappings.isEmpty() ? 0 : portMappings.get(0).containerPort();
    }
  }

  /** A container health check. */
  public record HealthCheck(
      List<String> command, int interval, int timeout, int retries, int startPeriod) {
    /** ECS's timings for a health check that leaves them out. */
    public static final int INTERVAL = 30;

    public static final int TIMEOUT = 5;
    public static final int RETRIES = 3;
    public static final int START_PERIOD = 0;

    public HealthCheck {
      command = List.copyOf(command);
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TaskDefinitionSpec s && canonical.equals(s.canonical);
  }

  @Override
  public int hashCode() {
    return Objects.hash(canonical);
  }

  @Override
  public String toString() {
    return canonical;
  }
}
