package dev.snailtrail.reconcile;

import static dev.snailtrail.reconcile.Pass.data;

import dev.snailtrail.provider.Ecs;
import dev.snailtrail.provider.ProviderException;
import dev.snailtrail.provider.Providers;
import dev.snailtrail.provider.TaskDefinition;
import dev.snailtrail.provider.TaskDefinitionSpec;
import dev.snailtrail.provider.TaskDefinitionStatus;
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
 *
 * <p>Where a revision with the phase's content can be, and what it costs to look: a phase begins
 * with one {@code DescribeTaskDefinition} of its family, which ECS answers with the family's newest
 * ACTIVE revision, and which preflight's look at the rollback target (usually that very revision:
 * the baseline, or the phase before) and a live base share. That revision carries the content hash
 * when this content was the last registered, as after a pass cut off between registering and
 * recording. When it is the baseline or a revision the rollout recorded, nothing was registered in
 * the family since the rollout last looked, so no registration of its own went unrecorded: the
 * phase registers. Otherwise (someone registered since, a pass of this rollout among them perhaps,
 * or an earlier phase has the same content) the family's newest revisions are searched by hash
 * ({@code ListTaskDefinitions}). A revision with the same content older than the family's newest
 * one the rollout knows is not searched for, and not reused.
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
    TaskDefinition newest = p.describedByArn().get(arn);
    TaskDefinitionSpec live =
        (newest != null ? Optional.of(newest) : describe(p, arn))
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
   * The family the rollout's revisions belong to: its declared task definition's, or its
   * baseline's.
   */
  private String family(Pass p) {
    TaskDefinitionSpec declared = TaskDefinitions.declaredBase(p.rollout);
    return declared != null ? declared.family() : TaskDefinition.family(p.status.baseline());
  }

  /**
   * The newest ACTIVE revision of the rollout's family, read once a pass: asked first when a phase
   * begins, so that the base and preflight take it from the pass when it is theirs.
   */
  Optional<TaskDefinition> newest(Pass p) {
    return describe(p, family(p));
  }

  private Optional<TaskDefinition> describe(Pass p, String arnOrFamily) {
    Optional<TaskDefinition> seen = p.described.get(arnOrFamily);
    if (seen == null) {
      seen = providers.ecs().describeTaskDefinition(p.service.region(), arnOrFamily);
      p.described.put(arnOrFamily, seen);
    }
    return seen;
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
    Optional<TaskDefinition> newest = newest(p);
    TaskDefinitionSpec spec = taskDefinition(p, index);
    String hash = ContentHash.of(spec);
    String region = p.service.region();
    Ecs ecs = providers.ecs();
    Optional<TaskDefinition> found =
        newest.filter(td -> hasContent(td, hash)).isPresent()
            ? newest
            : mayHide(p, newest, hash)
                ? ecs.findTaskDefinitionByHash(region, spec.family(), hash)
                : Optional.empty();
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

  private static boolean hasContent(TaskDefinition td, String hash) {
    return td.status() == TaskDefinitionStatus.ACTIVE
        && hash.equals(td.spec().tags().get(TaskDefinitionSpec.HASH_TAG));
  }

  /**
   * Whether a revision with this content may exist that the family's newest does not show: the
   * newest is not one the rollout knows (its baseline or a revision it recorded), so something was
   * registered since, perhaps by a pass of this rollout cut off before it recorded it; or an
   * earlier phase of the rollout recorded a revision with the same content.
   */
  private boolean mayHide(Pass p, Optional<TaskDefinition> newest, String hash) {
    if (newest.isEmpty()) {
      return false; // the family has no ACTIVE revision: nothing to find
    }
    TaskDefinition n = newest.get();
    boolean known =
        n.status() == TaskDefinitionStatus.ACTIVE
            && (n.arn().equals(p.status.baseline()) || p.status.revisions().containsValue(n.arn()));
    if (!known) {
      return true;
    }
    for (String name : p.status.revisions().keySet()) {
      int i = p.rollout.spec().indexOf(name);
      if (i >= 0 && hash.equals(ContentHash.of(taskDefinition(p, i)))) {
        return true;
      }
    }
    return false;
  }

  private static String mainImage(Pass p, TaskDefinitionSpec spec) {
    var c = spec.container(TaskDefinitions.mainContainer(p.rollout.spec().template(), spec));
    return c == null ? spec.family() : c.image();
  }
}
