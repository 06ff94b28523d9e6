package dev.snailtrail.rollout;

import dev.snailtrail.provider.Ecs;
import dev.snailtrail.provider.Ecs.PortMapping;
import dev.snailtrail.provider.Ecs.ServiceState;
import dev.snailtrail.provider.NetworkMode;
import dev.snailtrail.provider.ProviderException;
import dev.snailtrail.provider.ServiceRef;
import dev.snailtrail.provider.TaskDefinitionJson;
import dev.snailtrail.provider.TaskDefinitionSpec;
import dev.snailtrail.provider.TaskDefinitionSpec.ContainerDefinition;
import dev.snailtrail.provider.TaskDefinitionSpec.HealthCheck;
import dev.snailtrail.spec.ImageRef;
import dev.snailtrail.spec.Phase;
import dev.snailtrail.spec.Rollout;
import dev.snailtrail.spec.RolloutSpec;
import dev.snailtrail.spec.Template;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Builds the task definition a phase runs: the task definition the rollout starts from (the live
 * service's revision, or the template's) with exactly what the phase names changed: the main
 * container's image, variables and secrets, sidecar images, task CPU and memory. Everything else
 * the base holds is kept as it is, field for field.
 */
public final class TaskDefinitions {
  /** The tag naming the rollout on every revision it registers. */
  public static final String ROLLOUT_TAG = "snailtrail.dev/rollout";

  private TaskDefinitions() {}

  /**
   * What the rollout declares phases start from: the template's fields, or the task definition it
   * carries; null when it rolls the live service's task definition (recorded as its baseline).
   */
  public static TaskDefinitionSpec declaredBase(Rollout rollout) {
    Template t = rollout.spec().template();
    if (t.startsFromLiveService()) {
      return null;
    }
    if (t.fromFile() != null) {
      return TaskDefinitionJson.read(t.fromFile().json());
    }
    return fromTemplate(rollout);
  }

  /**
   * What the service runs now, whole: the base of a rollout on the live service before it records
   * its baseline (doctor, render).
   *
   * @throws ProviderException NOT_FOUND when the service or its task definition is absent
   */
  public static TaskDefinitionSpec runningNow(Ecs ecs, ServiceRef ref) {
    ServiceState s =
        ecs.describeService(ref)
            .orElseThrow(
                () ->
                    new ProviderException(
                        ProviderException.Kind.NOT_FOUND,
                        "ecs",
                        "DescribeServices",
                        "service "
                            + ref.service()
                            + " not found in cluster "
                            + ref.cluster()
                            + "; a rollout without a template rolls the live service's task"
                            + " definition"));
    return ecs.describeTaskDefinition(ref.region(), s.taskDefinitionArn())
        .orElseThrow(
            () ->
                new ProviderException(
                    ProviderException.Kind.NOT_FOUND,
                    "ecs",
                    "DescribeTaskDefinition",
                    "the service's task definition " + s.taskDefinitionArn() + " not found"))
        .spec();
  }

  /**
   * The task definition of phase {@code index} of a rollout that declares its base.
   *
   * @throws IllegalStateException when it starts from the live service (use the other form)
   */
  public static TaskDefinitionSpec forPhase(Rollout rollout, int index) {
    TaskDefinitionSpec base = declaredBase(rollout);
    if (base == null) {
      throw new IllegalStateException(
          "rollout " + rollout.name() + " starts from the live service's task definition");
    }
    return forPhase(rollout, index, base);
  }

  /**
   * The task definition of phase {@code index}, started from {@code base}.
   *
   * @throws NotApplicable when the phase names a container the base does not have
   */
  public static TaskDefinitionSpec forPhase(Rollout rollout, int index, TaskDefinitionSpec base) {
    Template t = rollout.spec().template();
    Phase phase = rollout.spec().phases().get(index);
    String main = mainContainer(t, base);
    TaskDefinitionSpec td = base.withEnvironment(main, t.env()).withSecrets(main, t.secrets());
    if (t.fromFile() != null) {
      // The template's numbers default to the file's; an explicit one changes the task.
      td = withUnits(td, t.cpu(), t.memory());
    }
    if (phase.image() != null) {
      td = td.withImage(main, phase.image().toString());
    }
    for (Map.Entry<String, ImageRef> e : phase.images().entrySet()) {
      requireContainer(td, e.getKey(), "phase " + phase.name() + " gives an image for");
      td = td.withImage(e.getKey(), e.getValue().toString());
    }
    td = td.withEnvironment(main, phase.env()).withSecrets(main, phase.secrets());
    td = withUnits(td, phase.cpu(), phase.memory());
    ContainerDefinition c = td.container(main);
    List<String> both =
        c.environment().keySet().stream().filter(c.secrets()::containsKey).sorted().toList();
    if (!both.isEmpty()) {
      throw new NotApplicable(
          String.join(", ", both)
              + (both.size() == 1 ? " is" : " are")
              + " both a variable and a secret of container "
              + main
              + " once phase "
              + phase.name()
              + " is applied; ECS refuses that: keep one of them in the spec");
    }
    Map<String, String> tags = new TreeMap<>(base.tags());
    tags.remove(TaskDefinitionSpec.HASH_TAG);
    tags.put(ROLLOUT_TAG, rollout.name());
    return td.withTags(tags);
  }

  private static TaskDefinitionSpec withUnits(TaskDefinitionSpec td, int cpu, int memory) {
    TaskDefinitionSpec out = td;
    if (cpu > 0 && !Integer.toString(cpu).equals(out.cpu())) {
      out = out.withCpu(Integer.toString(cpu));
    }
    if (memory > 0 && !Integer.toString(memory).equals(out.memory())) {
      out = out.withMemory(Integer.toString(memory));
    }
    return out;
  }

  /**
   * The container phases change: the template's {@code container}, else the only container, else
   * the only one with a port mapping (the others being sidecars).
   *
   * @throws NotApplicable when the template names none and there are several, or names one the task
   *     definition does not have
   */
  public static String mainContainer(Template t, TaskDefinitionSpec base) {
    List<String> names = base.containers().stream().map(ContainerDefinition::name).toList();
    if (t.container() != null) {
      requireContainer(base, t.container(), "spec.template.container names");
      return t.container();
    }
    if (names.size() == 1) {
      return names.get(0);
    }
    List<String> serving =
        base.containers().stream()
            .filter(c -> !c.portMappings().isEmpty())
            .map(ContainerDefinition::name)
            .toList();
    if (serving.size() == 1) {
      return serving.get(0); // the one that serves; the others are sidecars
    }
    throw new NotApplicable(
        "task definition "
            + base.family()
            + " has containers "
            + String.join(", ", names)
            + (serving.isEmpty() ? ", none with a port" : " with ports on " + serving.size())
            + ": set spec.template.container to the one the phases change");
  }

  private static void requireContainer(TaskDefinitionSpec td, String name, String who) {
    if (td.container(name) == null) {
      throw new NotApplicable(
          who
              + " container '"
              + name
              + "', which task definition "
              + td.family()
              + " does not have; it has: "
              + String.join(
                  ", ", td.containers().stream().map(ContainerDefinition::name).toList()));
    }
  }

  /**
   * The spec does not fit the task definition it starts from (known only once the live revision is
   * read): a person must change the spec; nothing was registered.
   */
  public static final class NotApplicable extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public NotApplicable(String message) {
      super(message);
    }
  }

  private static TaskDefinitionSpec fromTemplate(Rollout rollout) {
    RolloutSpec spec = rollout.spec();
    return fromTemplate(spec.template(), spec.target().region(), spec.phases().get(0).image());
  }

  /**
   * The task definition the template's fields describe, with {@code image} in the main container
   * (no phase applied).
   */
  public static TaskDefinitionSpec fromTemplate(Template t, String region, ImageRef image) {
    List<ContainerDefinition> containers = new ArrayList<>();
    String logDriver = null;
    Map<String, String> logOptions = Map.of();
    if (t.logGroup() != null) {
      logDriver = "awslogs";
      logOptions =
          Map.of(
              "awslogs-group", t.logGroup(),
              "awslogs-region", region,
              "awslogs-stream-prefix", t.family());
    }
    HealthCheck health = null;
    if (t.healthCheck() != null) {
      Template.HealthCheck h = t.healthCheck();
      health =
          new HealthCheck(
              h.command(),
              h.intervalSeconds(),
              h.timeoutSeconds(),
              h.retries(),
              h.startPeriodSeconds());
    }
    NetworkMode mode = NetworkMode.of(t.networkMode());
    boolean bindsHostPort = mode == NetworkMode.AWSVPC || mode == NetworkMode.HOST;
    containers.add(
        new ContainerDefinition(
            t.container(),
            image.toString(),
            true,
            List.of(new PortMapping(t.port(), bindsHostPort ? t.port() : 0, "tcp")),
            t.env(),
            health,
            logDriver,
            logOptions));
    for (Template.Sidecar s : t.sidecars()) {
      containers.add(
          new ContainerDefinition(
              s.name(),
              s.image().toString(),
              s.essential(),
              List.of(),
              Map.of(),
              null,
              logDriver,
              logOptions));
    }
    return TaskDefinitionSpec.of(
        t.family(),
        containers,
        Integer.toString(t.cpu()),
        Integer.toString(t.memory()),
        mode,
        List.of(t.launchType()),
        t.executionRoleArn(),
        t.taskRoleArn(),
        Map.of());
  }
}
