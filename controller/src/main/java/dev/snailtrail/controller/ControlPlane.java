package dev.snailtrail.controller;

import dev.snailtrail.rollout.RolloutStatus;
import dev.snailtrail.spec.AnalysisTemplate;
import dev.snailtrail.spec.Rollout;
import dev.snailtrail.spec.load.SpecException;
import dev.snailtrail.trail.NoteKind;
import dev.snailtrail.trail.TrailEvent;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What people (through the HTTP API and the CLI) can ask of a running controller. Every mutation
 * ends in the store and wakes the rollout's worker; nothing here reconciles by itself.
 */
public interface ControlPlane {

  /**
   * Validates and stores rollout and AnalysisTemplate documents. A rollout may use the templates of
   * the text and those stored; it is stored with their gates filled in, and keeps them when a
   * template changes later. The generation moves only when a document changed; the same one again
   * changes nothing. The text must carry everything it needs: a {@code template.fromFile} is
   * refused with how to inline it, since the file is where the text was written, not here.
   *
   * @param sourceName where the text came from, for error locations (a file name, "request")
   * @throws SpecException with located problems; nothing is stored then
   * @throws Damaged when a rollout of the text is stored but cannot be read; nothing is stored then
   * @throws Conflict when a rollout of the text names a service another rollout manages; nothing is
   *     stored then
   */
  List<Applied> apply(String sourceName, String yaml) throws SpecException;

  /** A rollout, damaged or not: a damaged one's status says StoreDamaged and why. */
  Optional<RolloutView> get(String name);

  /** Every rollout, the damaged ones with the rest (see {@link #get}). */
  List<RolloutView> list();

  /**
   * Trail events of a rollout, oldest first.
   *
   * @param afterSeq only events with a higher sequence number (0: from the start)
   * @param limit at most this many (the newest of them when more match)
   * @throws NotFound when no such rollout exists
   */
  List<TrailEvent> trail(String name, long afterSeq, int limit);

  /**
   * Applies a manual verb.
   *
   * @param by who asked (recorded in the trail), or null
   * @throws NotFound when no such rollout exists
   * @throws dev.snailtrail.rollout.VerbRefused when the rollout's state does not allow it
   * @throws Damaged when the rollout's stored files cannot be read
   */
  RolloutView command(String name, Verb verb, String by);

  /**
   * Writes a person's note into the rollout's trail; the rollout itself does not change.
   *
   * @param text the note, one line (checked by the caller)
   * @param by who wrote it, or null
   * @return the event recorded
   * @throws NotFound when no such rollout exists
   * @throws Damaged when the rollout's stored files cannot be read
   */
  TrailEvent note(String name, NoteKind kind, String text, String by);

  /** Deletes a rollout from the store (the ECS service is left as it is). */
  boolean delete(String name);

  /** Whether the store can be read and the provider answers. */
  Health health();

  /** Every stored AnalysisTemplate, by name. */
  default List<TemplateView> templates() {
    return List.of();
  }

  /** The stored AnalysisTemplate of this name. */
  default Optional<TemplateView> template(String name) {
    return Optional.empty();
  }

  /**
   * Deletes a stored AnalysisTemplate; the rollouts that used it keep its gates (until they are
   * applied again, when their uses need it).
   *
   * @return whether it existed
   */
  default boolean deleteTemplate(String name) {
    return false;
  }

  /**
   * The outcome of applying one document.
   *
   * @param kind {@code Rollout} or {@code AnalysisTemplate}
   */
  record Applied(String name, long generation, boolean changed, String kind) {
    /** A rollout's. */
    public Applied(String name, long generation, boolean changed) {
      this(name, generation, changed, Rollout.KIND);
    }
  }

  /**
   * A stored AnalysisTemplate.
   *
   * @param updatedAt when it last changed (applying it unchanged leaves this)
   * @param usedBy the stored rollouts whose gates came from it when they were applied, by name
   */
  record TemplateView(
      AnalysisTemplate template, long generation, Instant updatedAt, List<String> usedBy) {
    public TemplateView {
      usedBy = List.copyOf(usedBy);
    }
  }

  /**
   * A rollout as stored: its spec, generation and status. For a rollout whose stored files cannot
   * be read, what could be: the spec is null when it is the damaged file, the generation 0 when the
   * versions are, and the status carries the StoreDamaged condition and message.
   *
   * @param holder the replica acting on the rollout when the store is shared, else null
   */
  record RolloutView(
      String name,
      long generation,
      Rollout spec,
      RolloutStatus status,
      long resourceVersion,
      String holder) {

    /** A rollout that no replica holds: the store is one controller's alone. */
    public RolloutView(
        String name, long generation, Rollout spec, RolloutStatus status, long resourceVersion) {
      this(name, generation, spec, status, resourceVersion, null);
    }
  }

  /** The manual verbs. */
  enum Verb {
    approve,
    promote,
    /**
     * Promote straight to the last phase, past every approval, gate and bake (the API's {@code
     * promote} with {@code "full": true}).
     */
    promoteFull,
    pause,
    resume,
    abort,
    retry,
    undo
  }

  /** Readiness of the parts a controller needs. */
  record Health(boolean storeReadable, boolean providerReachable, String message) {
    public boolean ready() {
      return storeReadable && providerReachable;
    }
  }

  /**
   * The rollout's files in the store cannot be read, so nothing was changed; the message names the
   * file, what is wrong with it and what to do.
   */
  final class Damaged extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public Damaged(String message) {
      super(message);
    }
  }

  /**
   * A rollout names an ECS service (account, region, cluster, service) that another rollout already
   * manages: two rollouts of one service would each undo the other's changes for ever. The message
   * names the owner and what to do; nothing was changed.
   */
  final class Conflict extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public Conflict(String message) {
      super(message);
    }
  }

  /** No rollout by that name. */
  final class NotFound extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public NotFound(String name) {
      super("no rollout named '" + name + "'");
    }
  }
}
