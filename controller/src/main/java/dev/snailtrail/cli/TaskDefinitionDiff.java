package dev.snailtrail.cli;

import dev.snailtrail.provider.TaskDefinitionSpec;
import dev.snailtrail.provider.TaskDefinitionSpec.ContainerDefinition;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * Field-by-field differences between two task definitions and desired counts, in the words of the
 * task definition: {@code containers[api].image: …:hybrid → …:hybrid-v2}.
 */
final class TaskDefinitionDiff {
  private TaskDefinitionDiff() {}

  static List<String> between(
      TaskDefinitionSpec before, int countBefore, TaskDefinitionSpec after, int countAfter) {
    Map<String, String> a = flatten(before, countBefore);
    Map<String, String> b = flatten(after, countAfter);
    Set<String> keys = new LinkedHashSet<>(a.keySet());
    keys.addAll(b.keySet());
    List<String> lines = new ArrayList<>();
    for (String key : keys) {
      String x = a.get(key);
      String y = b.get(key);
      if (!Objects.equals(x, y)) {
        lines.add(key + ": " + (x == null ? "(none)" : x) + " → " + (y == null ? "(none)" : y));
      }
    }
    return lines;
  }

  /** Every field that ECS would see, by path; tags are bookkeeping and left out. */
  static Map<String, String> flatten(TaskDefinitionSpec t, int desiredCount) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("desiredCount", Integer.toString(desiredCount));
    m.put("family", t.family());
    m.put("cpu", t.cpu());
    m.put("memory", t.memory());
    m.put("networkMode", Objects.toString(t.networkMode(), null));
    m.put("requiresCompatibilities", String.valueOf(t.requiresCompatibilities()));
    m.put("executionRoleArn", t.executionRoleArn());
    m.put("taskRoleArn", t.taskRoleArn());
    for (ContainerDefinition c : t.containers()) {
      String p = "containers[" + c.name() + "].";
      m.put(p + "image", c.image());
      m.put(p + "essential", Boolean.toString(c.essential()));
      m.put(p + "portMappings", String.valueOf(c.portMappings()));
      new TreeMap<>(c.environment()).forEach((k, v) -> m.put(p + "environment." + k, v));
      m.put(p + "healthCheck", c.healthCheck() == null ? null : c.healthCheck().toString());
      m.put(p + "logDriver", c.logDriver());
      new TreeMap<>(c.logOptions()).forEach((k, v) -> m.put(p + "logOptions." + k, v));
    }
    m.values().removeIf(Objects::isNull);
    return m;
  }
}
