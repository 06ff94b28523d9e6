package dev.snailtrail.gate;

import dev.snailtrail.provider.Ecs.ContainerState;
import dev.snailtrail.provider.Ecs.ServiceState;
import dev.snailtrail.provider.Ecs.TaskState;
import dev.snailtrail.provider.TaskStatus;
import dev.snailtrail.provider.TaskStopCode;
import dev.snailtrail.spec.Gate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * {@code ecsTasks}: the desired number of tasks RUNNING on the phase's task definition, and none of
 * the phase's tasks stopped abnormally.
 */
final class EcsTasksGate {

  Measurement measure(Gate.EcsTasks gate, GateContext ctx) {
    Optional<ServiceState> found = ctx.providers().ecs().describeService(ctx.service());
    if (found.isEmpty()) {
      return new Measurement.Fail(
          "service "
              + ctx.service().service()
              + " does not exist in cluster "
              + ctx.service().cluster()
              + " ("
              + ctx.service().region()
              + "); create it or set target.createIfMissing");
    }
    int desired = found.get().desiredCount();
    String revision = PhaseTasks.shortName(ctx.taskDefinitionArn());
    List<TaskState> phaseTasks =
        ctx.providers().ecs().listTasks(ctx.service(), true).stream()
            .filter(t -> ctx.taskDefinitionArn().equals(t.taskDefinitionArn()))
            .filter(t -> PhaseTasks.startedInPhase(t, ctx.phaseStartedAt()))
            .toList();
    List<TaskState> abnormal = phaseTasks.stream().filter(EcsTasksGate::stoppedAbnormally).toList();
    long running = phaseTasks.stream().filter(t -> t.lastStatus() == TaskStatus.RUNNING).count();
    String counts = running + "/" + desired + " tasks RUNNING";
    String on = " on " + revision;
    if (!abnormal.isEmpty()) {
      return new Measurement.Fail(describeStops(abnormal) + "; " + counts + on);
    }
    if (running == desired) {
      return new Measurement.Pass(counts + on);
    }
    if (running > desired) {
      return new Measurement.Pending(counts + on + "; waiting for ECS to stop the extra tasks");
    }
    return new Measurement.Pending(counts + starting(phaseTasks) + on);
  }

  private static boolean stoppedAbnormally(TaskState t) {
    boolean stopped =
        t.desiredStatus() == TaskStatus.STOPPED || t.lastStatus() == TaskStatus.STOPPED;
    if (!stopped) {
      return false;
    }
    return t.stopCode() == TaskStopCode.TASK_FAILED_TO_START
        || t.stopCode() == TaskStopCode.ESSENTIAL_CONTAINER_EXITED
        || failedExit(t).isPresent();
  }

  private static Optional<ContainerState> failedExit(TaskState t) {
    return t.containers().stream()
        .filter(c -> c.exitCode() != null && c.exitCode() != 0)
        .findFirst();
  }

  /** "2 tasks exited with code 1 (Essential container in task exited)", grouped by cause. */
  private static String describeStops(List<TaskState> abnormal) {
    Map<String, Integer> byCause = new LinkedHashMap<>();
    for (TaskState t : abnormal) {
      byCause.merge(cause(t), 1, Integer::sum);
    }
    return byCause.entrySet().stream()
        .map(e -> PhaseTasks.tasks(e.getValue()) + " " + e.getKey())
        .collect(Collectors.joining("; "));
  }

  private static String cause(TaskState t) {
    Optional<ContainerState> exited = failedExit(t);
    if (exited.isPresent()) {
      String why = firstNonBlank(t.stoppedReason(), exited.get().reason());
      return "exited with code " + exited.get().exitCode() + (why == null ? "" : " (" + why + ")");
    }
    String containerReason =
        t.containers().stream()
            .map(ContainerState::reason)
            .filter(r -> r != null && !r.isBlank())
            .findFirst()
            .orElse(null);
    String why =
        firstNonBlank(t.stoppedReason(), containerReason, Objects.toString(t.stopCode(), null));
    return "stopped: " + (why == null ? "no reason given" : why);
  }

  /** ", 1 PENDING, 1 PROVISIONING" for the tasks on their way up. */
  private static String starting(List<TaskState> phaseTasks) {
    Map<String, Long> byStatus =
        phaseTasks.stream()
            .filter(
                t -> t.lastStatus() != TaskStatus.RUNNING && t.lastStatus() != TaskStatus.STOPPED)
            .collect(
                Collectors.groupingBy(
                    t -> String.valueOf(t.lastStatus()), TreeMap::new, Collectors.counting()));
    if (byStatus.isEmpty()) {
      return ", none starting yet";
    }
    return byStatus.entrySet().stream()
        .map(e -> ", " + e.getValue() + " " + e.getKey())
        .collect(Collectors.joining());
  }

  private static String firstNonBlank(String... values) {
    for (String v : values) {
      if (v != null && !v.isBlank()) {
        return v;
      }
    }
    return null;
  }
}
