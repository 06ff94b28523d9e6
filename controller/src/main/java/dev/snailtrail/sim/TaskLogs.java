package dev.snailtrail.sim;

import dev.snailtrail.provider.Logs.LogEvent;
import dev.snailtrail.provider.TaskDefinitionSpec.ContainerDefinition;

/** A task's log lines, written to its main container's awslogs group as ECS would. */
final class TaskLogs {
  private final World world;

  TaskLogs(World world) {
    this.world = world;
  }

  /**
   * Whether every awslogs group the task's containers write to exists, creating the ones whose
   * {@code awslogs-create-group} is "true"; false when one is missing (the task cannot start).
   */
  boolean groupsReady(SimTask t) {
    for (ContainerDefinition c : t.taskDefinition.spec().containers()) {
      String group = groupOf(c);
      if (group == null) {
        continue;
      }
      if (!world.logGroups.exists(region(t, c), group)) {
        if ("true".equals(c.logOptions().get("awslogs-create-group"))) {
          world.logGroups.create(region(t, c), group);
        } else {
          return false;
        }
      }
    }
    return true;
  }

  void log(SimTask t, String message) {
    for (ContainerDefinition c : t.taskDefinition.spec().containers()) {
      if (!c.name().equals(t.main.name())) {
        continue;
      }
      String group = groupOf(c);
      if (group == null) {
        return;
      }
      String prefix = c.logOptions().getOrDefault("awslogs-stream-prefix", "ecs");
      world.logGroups.write(
          region(t, c),
          group,
          new LogEvent(world.now, prefix + "/" + c.name() + "/" + t.id, message));
    }
  }

  private static String groupOf(ContainerDefinition c) {
    return "awslogs".equals(c.logDriver()) ? c.logOptions().get("awslogs-group") : null;
  }

  private static String region(SimTask t, ContainerDefinition c) {
    return c.logOptions().getOrDefault("awslogs-region", t.service.ref.region());
  }
}
