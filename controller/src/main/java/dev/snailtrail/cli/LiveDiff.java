package dev.snailtrail.cli;

import dev.snailtrail.provider.Ecs;
import dev.snailtrail.provider.Ecs.ServiceState;
import dev.snailtrail.provider.ServiceRef;
import dev.snailtrail.provider.TaskDefinition;
import dev.snailtrail.provider.TaskDefinitionSpec;
import dev.snailtrail.rollout.ContentHash;
import dev.snailtrail.spec.Rollout;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The live service against what its file says it should run now ({@link Expected}): the task
 * definition's content field by field, its revision, and the desired count, each as {@code live →
 * file}. Reads only.
 *
 * @param differs whether applying the file would change the service
 * @param live one line on what the service runs
 * @param changes the differences, one a line (empty when none)
 */
record LiveDiff(boolean differs, String live, List<String> changes) {

  LiveDiff {
    Objects.requireNonNull(live);
    changes = List.copyOf(changes);
  }

  /**
   * Compares through {@code ecs}.
   *
   * @throws dev.snailtrail.provider.ProviderException when ECS could not be asked
   */
  static LiveDiff of(Ecs ecs, Rollout file, Expected expected) {
    var target = file.spec().target();
    ServiceRef ref = new ServiceRef(target.region(), target.cluster(), target.service());
    String where = "service " + ref.service() + " in " + ref.cluster() + " (" + ref.region() + ")";
    Optional<ServiceState> found = ecs.describeService(ref);
    if (found.isEmpty()) {
      String change =
          target.createIfMissing()
              ? "the service does not exist; the rollout creates it from its first phase"
              : "the service does not exist, and createIfMissing is off: create it first";
      return new LiveDiff(true, where + " does not exist", List.of(change));
    }
    ServiceState service = found.get();
    String runs = TaskDefinition.shortName(service.taskDefinitionArn());
    String live = where + " runs " + runs + " with " + tasks(service.desiredCount());
    List<String> changes = new ArrayList<>();
    if (expected.baseline()) {
      compareWithBaseline(service, expected, changes);
    } else {
      compareWithPhase(ecs, ref.region(), service, expected.content(file), changes);
    }
    if (service.desiredCount() != expected.desiredCount()) {
      changes.add("desiredCount: " + service.desiredCount() + " → " + expected.desiredCount());
    }
    return new LiveDiff(!changes.isEmpty(), live, changes);
  }

  private static void compareWithBaseline(
      ServiceState service, Expected expected, List<String> changes) {
    if (expected.baselineArn() != null
        && !expected.baselineArn().equals(service.taskDefinitionArn())) {
      changes.add(
          "revision: "
              + TaskDefinition.shortName(service.taskDefinitionArn())
              + " → "
              + TaskDefinition.shortName(expected.baselineArn()));
    }
  }

  /**
   * The revision and content. Equal content-hash tags mean equal content; otherwise the fields
   * decide, so a revision registered by hand with the same content is no difference.
   */
  private static void compareWithPhase(
      Ecs ecs, String region, ServiceState service, TaskDefinitionSpec wanted, List<String> out) {
    String hash = ContentHash.of(wanted);
    Optional<TaskDefinition> running =
        ecs.describeTaskDefinition(region, service.taskDefinitionArn());
    if (running.isEmpty()) {
      out.add(
          "revision: "
              + TaskDefinition.shortName(service.taskDefinitionArn())
              + " (ECS no longer describes it) → "
              + revisionFor(ecs, region, wanted, hash));
      return;
    }
    TaskDefinitionSpec live = running.get().spec();
    if (hash.equals(live.tags().get(TaskDefinitionSpec.HASH_TAG))) {
      return;
    }
    List<String> fields =
        TaskDefinitionDiff.between(live, 0, wanted, 0).stream()
            .filter(line -> !line.startsWith("desiredCount:"))
            .toList();
    if (fields.isEmpty()) {
      return;
    }
    out.add(
        "revision: " + running.get().shortName() + " → " + revisionFor(ecs, region, wanted, hash));
    out.addAll(fields);
  }

  /** The registered revision with this content, or what applying the file would register. */
  private static String revisionFor(
      Ecs ecs, String region, TaskDefinitionSpec wanted, String hash) {
    return ecs.findTaskDefinitionByHash(region, wanted.family(), hash)
        .map(TaskDefinition::shortName)
        .orElse("a new revision of " + wanted.family() + " (not registered yet)");
  }

  private static String tasks(int n) {
    return n + (n == 1 ? " task" : " tasks");
  }
}
