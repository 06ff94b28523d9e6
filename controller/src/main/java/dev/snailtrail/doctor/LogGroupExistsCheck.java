package dev.snailtrail.doctor;

import dev.snailtrail.provider.TaskDefinitionSpec.ContainerDefinition;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Check 7: the awslogs log group exists, or the task creates it. Without it a task never starts
 * ({@code ResourceInitializationError: ... The specified log group does not exist}).
 */
final class LogGroupExistsCheck implements PreflightCheck {

  @Override
  public Check id() {
    return Check.LogGroupExists;
  }

  @Override
  public boolean perPhase() {
    return false;
  }

  @Override
  public CheckResult run(Inspection in) {
    Set<String> checked = new LinkedHashSet<>();
    List<String> seen = new ArrayList<>();
    for (ContainerDefinition c : in.taskDefinition().containers()) {
      if (!"awslogs".equals(c.logDriver())) {
        continue;
      }
      String group = c.logOptions().get("awslogs-group");
      String region = c.logOptions().getOrDefault("awslogs-region", in.facts.region());
      if (group == null || !checked.add(region + "|" + group)) {
        continue;
      }
      if ("true".equalsIgnoreCase(c.logOptions().get("awslogs-create-group"))) {
        seen.add(group + " (created by the task: awslogs-create-group)");
        continue;
      }
      if (!in.facts.providers.logs().logGroupExists(region, group)) {
        return in.fail(
            id(),
            "log group " + group + " does not exist: tasks will fail to start",
            "container "
                + c.name()
                + " logs with awslogs to "
                + group
                + " in "
                + region
                + " and awslogs-create-group is not \"true\"",
            "Create it (aws logs create-log-group --log-group-name "
                + group
                + " --region "
                + region
                + "), or set awslogs-create-group to \"true\" (the execution role then needs"
                + " logs:CreateLogGroup).");
      }
      seen.add(group);
    }
    if (seen.isEmpty()) {
      return in.skipped(id(), "no awslogs log configuration", "");
    }
    return in.pass(id(), "awslogs log group ready: " + String.join(", ", seen), "");
  }
}
