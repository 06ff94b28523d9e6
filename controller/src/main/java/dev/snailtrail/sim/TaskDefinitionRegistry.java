package dev.snailtrail.sim;

import dev.snailtrail.provider.ProviderException;
import dev.snailtrail.provider.TaskDefinition;
import dev.snailtrail.provider.TaskDefinitionSpec;
import dev.snailtrail.provider.TaskDefinitionStatus;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The task definition revisions of every family, numbered from 1, as ECS registers them. */
final class TaskDefinitionRegistry {
  /** Revisions by {@code region|family}, revision n at index n - 1. */
  private final Map<String, List<TaskDefinition>> families = new HashMap<>();

  TaskDefinition register(String region, TaskDefinitionSpec spec) {
    List<TaskDefinition> revisions =
        families.computeIfAbsent(World.key(region, spec.family()), k -> new ArrayList<>());
    int revision = revisions.size() + 1;
    TaskDefinition td =
        new TaskDefinition(
            "arn:aws:ecs:"
                + region
                + ":"
                + World.ACCOUNT
                + ":task-definition/"
                + spec.family()
                + ":"
                + revision,
            spec.family(),
            revision,
            TaskDefinitionStatus.ACTIVE,
            spec);
    revisions.add(td);
    return td;
  }

  Optional<TaskDefinition> describe(String region, String arnOrFamilyRevision) {
    String s = arnOrFamilyRevision;
    int slash = s.indexOf("task-definition/");
    if (slash >= 0) {
      s = s.substring(slash + "task-definition/".length());
    }
    int colon = s.lastIndexOf(':');
    String family = colon < 0 ? s : s.substring(0, colon);
    List<TaskDefinition> revisions = families.get(World.key(region, family));
    if (revisions == null) {
      return Optional.empty();
    }
    if (colon < 0) {
      return revisions.stream()
          .filter(t -> t.status() == TaskDefinitionStatus.ACTIVE)
          .reduce((a, b) -> b);
    }
    try {
      int revision = Integer.parseInt(s.substring(colon + 1));
      return revision >= 1 && revision <= revisions.size()
          ? Optional.of(revisions.get(revision - 1))
          : Optional.empty();
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  Optional<TaskDefinition> findByHash(String region, String family, String hash) {
    List<TaskDefinition> revisions = families.getOrDefault(World.key(region, family), List.of());
    for (int i = revisions.size() - 1; i >= 0; i--) {
      TaskDefinition td = revisions.get(i);
      if (td.status() == TaskDefinitionStatus.ACTIVE
          && hash.equals(td.spec().tags().get(TaskDefinitionSpec.HASH_TAG))) {
        return Optional.of(td);
      }
    }
    return Optional.empty();
  }

  void deregister(String region, String arnOrFamilyRevision) {
    TaskDefinition td =
        describe(region, arnOrFamilyRevision)
            .orElseThrow(() -> unknown("DeregisterTaskDefinition", arnOrFamilyRevision));
    List<TaskDefinition> revisions = families.get(World.key(region, td.family()));
    revisions.set(
        td.revision() - 1,
        new TaskDefinition(
            td.arn(), td.family(), td.revision(), TaskDefinitionStatus.INACTIVE, td.spec()));
  }

  /** What ECS answers for a task definition it does not have. */
  static ProviderException unknown(String operation, String taskDefinition) {
    return new ProviderException(
        ProviderException.Kind.INVALID,
        "ecs",
        operation,
        "ClientException: Unable to describe task definition " + taskDefinition);
  }
}
