package dev.snailtrail.spec.load;

import dev.snailtrail.provider.TaskDefinitionSpec;
import dev.snailtrail.provider.TaskDefinitionSpec.ContainerDefinition;
import dev.snailtrail.spec.ImageRef;
import dev.snailtrail.spec.Template;
import dev.snailtrail.spec.Template.HealthCheck;
import dev.snailtrail.spec.Template.Sidecar;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

/**
 * Reads {@code spec.template}. A spec without one, or whose template gives only {@code container},
 * {@code env} and {@code secrets}, starts from the service's live task definition: nothing is
 * filled in, since what the template leaves out is the live revision's. Otherwise fields left out
 * come from the registered task definition the template starts from, when one is given (read from
 * {@code fromFile}, or inline in {@code taskDefinition}), then from {@link Defaults}.
 */
final class TemplateBinder {
  static final Set<String> KEYS =
      Set.of(
          "family",
          "container",
          "port",
          "cpu",
          "memory",
          "env",
          "launchType",
          "networkMode",
          "executionRoleArn",
          "taskRoleArn",
          "logGroup",
          "healthCheck",
          "sidecars",
          "fromFile",
          "taskDefinition",
          "secrets");
  static final Set<String> HEALTH_CHECK_KEYS =
      Set.of("command", "interval", "timeout", "retries", "startPeriod");
  static final Set<String> SIDECAR_KEYS = Set.of("name", "image", "essential");
  static final Set<String> LAUNCH_TYPES = Set.of("FARGATE", "EC2");
  static final Set<String> NETWORK_MODES = Set.of("awsvpc", "bridge", "host");

  /** The keys of a template that starts from the service's live task definition. */
  static final Set<String> LIVE_KEYS = Set.of("container", "env", "secrets");

  /**
   * The bound template and what phases need to know of it.
   *
   * @param fileImage the main container's image in the task definition started from, or null
   * @param containers names of every container in the task, the main one first (in live mode only
   *     the main container, when the template names it)
   * @param healthChecked containers that have a container health check
   * @param baseUnreadable a task definition to start from was given but could not be read (the
   *     problem is recorded): what it would have supplied is not demanded again
   * @param live the template starts from the service's live task definition, which the loader never
   *     sees: its containers, port and log group are known only when the controller runs
   */
  record Result(
      Template template,
      ImageRef fileImage,
      Set<String> containers,
      Set<String> healthChecked,
      boolean baseUnreadable,
      boolean live) {}

  private final Path baseDir;

  /**
   * @param baseDir where a relative {@code fromFile} is looked for; null when files may not be read
   *     (a spec sent to the controller must carry its task definition)
   */
  TemplateBinder(Path baseDir) {
    this.baseDir = baseDir;
  }

  /**
   * @param value {@code spec.template}, or null when the spec has none
   */
  Result bind(Value value) {
    Fields f = value == null ? null : value.fields(KEYS);
    if (value != null && f == null) {
      return null;
    }
    if (f == null || LIVE_KEYS.containsAll(f.keys())) {
      return live(f);
    }
    return own(f);
  }

  /**
   * A template that starts from the service's live task definition: nothing is filled in here,
   * since every field the template leaves out is the live revision's.
   */
  private static Result live(Fields f) {
    String container = f == null ? null : name(f, "container", null, true);
    ContainerVariables.Written written =
        f == null ? ContainerVariables.Written.NONE : ContainerVariables.read(f);
    ContainerVariables.checkTemplate(written, written.env(), written.secrets(), null);
    Template template =
        new Template(
            null,
            container,
            0,
            0,
            0,
            written.env(),
            null,
            null,
            null,
            null,
            null,
            null,
            List.of(),
            null,
            written.secrets());
    Set<String> containers = container == null ? Set.of() : Set.of(container);
    return new Result(template, null, containers, Set.of(), false, true);
  }

  /** A template that describes its task definition, alone or over a registered one. */
  private Result own(Fields f) {
    String baseKey = f.has("taskDefinition") ? "taskDefinition" : "fromFile";
    Value baseValue = f.get(baseKey);
    TaskDefinitionBase base = TaskDefinitionBase.bind(f, baseDir);
    TaskDefinitionSpec file = base == null ? null : base.parsed();
    boolean unreadable = base == null && baseValue != null;

    String container = name(f, "container", file == null ? null : mainContainer(file), unreadable);
    ContainerDefinition main = main(f, file, container, baseKey);
    String family = family(f, file, unreadable);
    int port = port(f, main, unreadable);
    int cpu = units(f, "cpu", baseKey, file == null ? null : file.cpu(), Defaults.CPU);
    int memory = units(f, "memory", baseKey, file == null ? null : file.memory(), Defaults.MEMORY);

    ContainerVariables.Written written = ContainerVariables.read(f);
    Map<String, String> env = merged(main == null ? null : main.environment(), written.env());
    Map<String, String> secrets = merged(main == null ? null : main.secrets(), written.secrets());
    ContainerVariables.checkTemplate(written, env, secrets, baseValue);

    String launchType = launchType(f, file);
    String networkMode = networkMode(f, file, launchType);
    String executionRole =
        roleArn(f, "executionRoleArn", file == null ? null : file.executionRoleArn());
    String taskRole = roleArn(f, "taskRoleArn", file == null ? null : file.taskRoleArn());
    String logGroup =
        f.string("logGroup", main == null ? null : main.logOptions().get("awslogs-group"));
    HealthCheck health = ContainerBinder.healthCheck(f.get("healthCheck"), main);
    List<Sidecar> sidecars = ContainerBinder.sidecars(f.get("sidecars"), file, container);

    Set<String> containers = new LinkedHashSet<>();
    Set<String> healthChecked = new LinkedHashSet<>();
    ContainerBinder.collect(container, health, sidecars, file, containers, healthChecked);
    ImageRef fileImage = fileImage(main, container, baseKey, baseValue);
    Template template =
        new Template(
            family,
            container,
            port,
            cpu,
            memory,
            env,
            launchType,
            networkMode,
            executionRole,
            taskRole,
            logGroup,
            health,
            sidecars,
            base == null ? null : base.document(),
            secrets);
    return new Result(template, fileImage, containers, healthChecked, unreadable, false);
  }

  /** The main container in the task definition started from, or null; a wrong name is reported. */
  private static ContainerDefinition main(
      Fields f, TaskDefinitionSpec file, String container, String baseKey) {
    ContainerDefinition main = file == null || container == null ? null : file.container(container);
    if (file != null && container != null && main == null && f.has("container")) {
      f.problem(
          "container",
          "the task definition in "
              + baseKey
              + " has no container '"
              + container
              + "'; it has: "
              + String.join(
                  ", ", file.containers().stream().map(ContainerDefinition::name).toList()));
    }
    return main;
  }

  /**
   * The family. A template without one and without a task definition to start from is not the live
   * service's only because of the other fields it gives, so the problem names them.
   */
  private static String family(Fields f, TaskDefinitionSpec file, boolean unreadable) {
    if (file == null && !unreadable && !f.keys().contains("family")) {
      List<String> own = f.keys().stream().filter(k -> !LIVE_KEYS.contains(k)).sorted().toList();
      f.owner()
          .diagnostics()
          .add(
              f.owner().node(),
              f.child("family"),
              "missing required field 'family': a template that gives "
                  + String.join(", ", own)
                  + " describes a task definition of its own (family, container and port); to"
                  + " roll the service's live task definition instead, give the template only"
                  + " container, env and secrets, or leave it out");
      return null;
    }
    return name(f, "family", file == null ? null : file.family(), unreadable);
  }

  /** Variables of the task definition started from, with the template's over them. */
  private static Map<String, String> merged(Map<String, String> base, Map<String, String> own) {
    Map<String, String> out = new LinkedHashMap<>();
    if (base != null) {
      out.putAll(base);
    }
    out.putAll(own);
    return out;
  }

  private static String networkMode(Fields f, TaskDefinitionSpec file, String launchType) {
    String networkMode =
        oneOf(
            f,
            "networkMode",
            NETWORK_MODES,
            fileOr(file, t -> Objects.toString(t.networkMode(), null), Defaults.NETWORK_MODE));
    if (launchType.equals("FARGATE") && !networkMode.equals("awsvpc")) {
      f.problem("networkMode", "Fargate tasks run only under networkMode awsvpc");
    }
    return networkMode;
  }

  /** The main container's image in the task definition started from, or null. */
  private static ImageRef fileImage(
      ContainerDefinition main, String container, String baseKey, Value baseValue) {
    if (main == null) {
      return null;
    }
    try {
      return ImageRef.parse(main.image());
    } catch (IllegalArgumentException e) {
      baseValue.problem("container '" + container + "' in " + baseKey + ": " + e.getMessage());
      return null;
    }
  }

  /** The file's main container: the only one, or the first essential one with a port. */
  private static String mainContainer(TaskDefinitionSpec file) {
    if (file.containers().size() == 1) {
      return file.containers().get(0).name();
    }
    return file.containers().stream()
        .filter(c -> c.essential() && !c.portMappings().isEmpty())
        .map(ContainerDefinition::name)
        .findFirst()
        .orElse(null);
  }

  /**
   * @param optional not required even without a fallback
   */
  static String name(Fields f, String key, String fallback, boolean optional) {
    Value v = fallback == null && !optional ? f.require(key) : f.get(key);
    String s = v == null ? null : v.string();
    if (s != null && !Formats.ECS_NAME.matcher(s).matches()) {
      v.problem(
          "'"
              + s
              + "' is not a valid "
              + key
              + " name: use up to 255 letters, digits, '-' and '_'");
    }
    return s != null ? s : fallback;
  }

  private static int port(Fields f, ContainerDefinition main, boolean optional) {
    Integer fromFile =
        main == null || main.portMappings().isEmpty()
            ? null
            : main.portMappings().get(0).containerPort();
    Value v = fromFile == null && !optional ? f.require("port") : f.get("port");
    Integer port = v == null ? null : v.integer();
    if (port != null && (port < 1 || port > 65535)) {
      v.problem("port " + port + " is outside 1-65535");
    }
    return port != null ? port : fromFile != null ? fromFile : 0;
  }

  private static int units(Fields f, String key, String baseKey, String fromFile, int fallback) {
    Integer n = f.integer(key);
    if (n != null && n < 1) {
      f.problem(key, key + " must be positive");
      n = null;
    }
    if (n == null && fromFile != null) {
      try {
        n = Integer.parseInt(fromFile.strip());
      } catch (NumberFormatException e) {
        f.problem(baseKey, key + " '" + fromFile + "' in " + baseKey + " is not a number of units");
      }
    }
    return n != null ? n : fallback;
  }

  private static String launchType(Fields f, TaskDefinitionSpec file) {
    String fallback = Defaults.LAUNCH_TYPE;
    if (file != null
        && !file.requiresCompatibilities().isEmpty()
        && !file.requiresCompatibilities().contains("FARGATE")) {
      fallback = "EC2";
    }
    return oneOf(f, "launchType", LAUNCH_TYPES, fallback);
  }

  private static String oneOf(Fields f, String key, Set<String> allowed, String fallback) {
    Value v = f.get(key);
    String s = v == null ? null : v.string();
    if (s != null && !allowed.contains(s)) {
      v.problem("'" + s + "' is not a " + key + Hints.didYouMean(s, allowed));
      s = null;
    }
    return s != null ? s : fallback;
  }

  private static <T> T fileOr(
      TaskDefinitionSpec file, Function<TaskDefinitionSpec, T> get, T fallback) {
    T v = file == null ? null : get.apply(file);
    return v != null ? v : fallback;
  }

  private static String roleArn(Fields f, String key, String fallback) {
    Value v = f.get(key);
    String s = v == null ? null : v.string();
    if (s != null && !Formats.ROLE_ARN.matcher(s).matches()) {
      v.problem("'" + s + "' is not an IAM role ARN (arn:aws:iam::123456789012:role/name)");
    }
    return s != null ? s : fallback;
  }
}
