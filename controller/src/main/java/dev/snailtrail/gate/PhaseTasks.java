package dev.snailtrail.gate;

import dev.snailtrail.provider.Ecs.ContainerState;
import dev.snailtrail.provider.Ecs.TaskState;
import dev.snailtrail.provider.TaskStatus;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Which tasks belong to the phase being measured: the ECS-facing gates share this reading. */
final class PhaseTasks {

  private PhaseTasks() {}

  /** The phase's RUNNING tasks: on its task definition, last seen RUNNING. */
  static List<TaskState> running(GateContext ctx) {
    return ctx.providers().ecs().listTasks(ctx.service(), false).stream()
        .filter(t -> ctx.taskDefinitionArn().equals(t.taskDefinitionArn()))
        .filter(t -> t.lastStatus() == TaskStatus.RUNNING)
        .toList();
  }

  /**
   * Whether a task on the phase's task definition began during the phase. A task that never started
   * (an image that cannot be pulled) has no start time, so its stop time decides; a task with
   * neither is taken as the phase's, since ECS reports it for the current deployment.
   */
  static boolean startedInPhase(TaskState t, Instant phaseStartedAt) {
    Instant when = t.startedAt() != null ? t.startedAt() : t.stoppedAt();
    return when == null || !when.isBefore(phaseStartedAt);
  }

  /** The container with this name in the task, or empty. */
  static Optional<ContainerState> container(TaskState t, String name) {
    return t.containers().stream().filter(c -> c.name().equals(name)).findFirst();
  }

  /** {@code family:revision} of a task definition ARN, how people name revisions. */
  static String shortName(String taskDefinitionArn) {
    if (taskDefinitionArn == null) {
      return "(none)";
    }
    int slash = taskDefinitionArn.lastIndexOf('/');
    return slash >= 0 ? taskDefinitionArn.substring(slash + 1) : taskDefinitionArn;
  }

  /** "1 task" or "2 tasks". */
  static String tasks(int n) {
    return n == 1 ? "1 task" : n + " tasks";
  }
}
