package dev.snailtrail.reconcile;

import static dev.snailtrail.reconcile.Pass.data;

import dev.snailtrail.provider.Ecs;
import dev.snailtrail.provider.ProviderException;
import dev.snailtrail.provider.Providers;
import dev.snailtrail.provider.TaskDefinition;
import dev.snailtrail.provider.TaskDefinitionSpec;
import dev.snailtrail.rollout.ContentHash;
import dev.snailtrail.rollout.Reason;
import dev.snailtrail.rollout.TaskDefinitions;
import dev.snailtrail.spec.Phase;
import dev.snailtrail.trail.EventType;
import dev.snailtrail.trail.Severity;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Each phase's revision: the task definition the rollout starts from with the phase applied, found
 * by its content hash or registered, never twice. A rollout without a template starts from the live
 * revision it recorded as its baseline; revisions never change, so what one holds is read once and
 * kept.
 */
final class PhaseRevisions {
  private static final int LIVE_BASES_KEPT = 1024;

  private final Providers providers;
  private final Map<String, TaskDefinitionSpec> liveBases =
      Collections.synchronizedMap(
          new LinkedHashMap<>(16, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<String, TaskDefinitionSpec> eldest) {
              return size() > LIVE_BASES_KEPT;
            }
          });

  PhaseRevisions(Providers providers) {
    this.providers = providers;
  }

  /** What the rollout's phases start from: its declared task definition, or its baseline's. */
  TaskDefinitionSpec base(Pass p) {
    TaskDefinitionSpec declared = TaskDefinitions.declaredBase(p.rollout);
    if (declared != null) {
      return declared;
    }
    String arn = p.status.baseline();
    if (arn == null) {
      throw new IllegalStateException(
          "rollout " + p.rollout.name() + " rolls the live service but recorded no baseline");
    }
    TaskDefinitionSpec cached = liveBases.get(arn);
    if (cached != null) {
      return cached;
    }
    TaskDefinitionSpec live =
        providers
            .ecs()
            .describeTaskDefinition(p.service.region(), arn)
            .orElseThrow(
                () ->
                    new ProviderException(
                        ProviderException.Kind.NOT_FOUND,
                        "ecs",
                        "DescribeTaskDefinition",
                        "the baseline task definition "
                            + arn
                            + " the rollout started from is gone"))
            .spec();
    liveBases.put(arn, live);
    return live;
  }

  /**
   * The task definition phase {@code index} runs.
   *
   * @throws TaskDefinitions.NotApplicable when the spec does not fit the base
   */
  TaskDefinitionSpec taskDefinition(Pass p, int index) {
    return TaskDefinitions.forPhase(p.rollout, index, base(p));
  }

  /**
   * Makes sure phase {@code index} has a registered revision. Returns true when it took an action
   * (a registration) or recorded a found one, so the pass should end there.
   */
  boolean ensure(Pass p, int index) {
    Phase phase = p.phase(index);
    if (p.status.revisions().containsKey(phase.name())) {
      return false;
    }
    TaskDefinitionSpec spec = taskDefinition(p, index);
    String hash = ContentHash.of(spec);
    String region = p.service.region();
    Ecs ecs = providers.ecs();
    Optional<TaskDefinition> found = ecs.findTaskDefinitionByHash(region, spec.family(), hash);
    TaskDefinition td;
    if (found.isPresent()) {
      td = found.get();
      p.emitFor(
          phase.name(),
          EventType.TaskDefinitionReused,
          Severity.Normal,
          Reason.ContentReused,
          "Task definition " + td.shortName() + " reused (same content)",
          data("revision", td.shortName(), "hash", hash));
    } else {
      td = ecs.registerTaskDefinition(region, ContentHash.tagged(spec));
      p.emitFor(
          phase.name(),
          EventType.TaskDefinitionRegistered,
          Severity.Normal,
          Reason.ContentRegistered,
          "Task definition " + td.shortName() + " registered (" + mainImage(p, spec) + ")",
          data("revision", td.shortName(), "hash", hash));
    }
    p.recordRevision(phase.name(), td.arn());
    return true;
  }

  private static String mainImage(Pass p, TaskDefinitionSpec spec) {
    var c = spec.container(TaskDefinitions.mainContainer(p.rollout.spec().template(), spec));
    return c == null ? spec.family() : c.image();
  }
}
