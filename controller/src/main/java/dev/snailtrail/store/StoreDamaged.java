package dev.snailtrail.store;

import dev.snailtrail.rollout.RolloutStatus;
import java.nio.file.Path;
import java.time.Instant;

/**
 * A rollout whose files in the store cannot be read: one is empty, not JSON (or not YAML), cut
 * short, of the wrong shape, missing, or not readable by the controller. The store changes nothing
 * of such a rollout (no write, no delete but an explicit {@link Store#delete}): the file stays as
 * it is for a person to look at. The message names the file, what is wrong with it and what to do.
 */
public final class StoreDamaged extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String rollout;
  private final transient Path file;
  private final String problem;
  private final transient StoredRollout readable;

  StoreDamaged(String rollout, Path file, String problem, String message, StoredRollout readable) {
    super(message);
    this.rollout = rollout;
    this.file = file;
    this.problem = problem;
    this.readable = readable;
  }

  /**
   * The rollout as shown while damaged: what could be read, its status (the initial one when it
   * could not be read) marked StoreDamaged.
   */
  static StoreDamaged of(String name, Unreadable damage, StoredRollout read, Instant now) {
    String message = message(name, damage.file(), damage.problem(), damage.advice(name));
    StoredRollout readable = marked(name, read, message, now);
    return new StoreDamaged(name, damage.file(), damage.problem(), message, readable);
  }

  /**
   * A rollout whose row in a shared table cannot be read ({@link TableStore}); {@link #file()} is
   * null then.
   *
   * @param where the table, the rollout and the part that cannot be read
   */
  static StoreDamaged ofRow(
      String name, String where, String problem, StoredRollout read, Instant now) {
    String advice =
        "Start the rollout over: `snailtrail delete " + name + "`, then apply its spec again.";
    String message =
        "rollout "
            + name
            + " is damaged: "
            + where
            + " cannot be read: "
            + problem
            + ". The controller leaves it as it is and goes on with the other rollouts. "
            + advice;
    StoredRollout readable = marked(name, read, message, now);
    return new StoreDamaged(name, null, problem, message, readable);
  }

  /** One line: the rollout, the file, what is wrong with it, and what to do. */
  static String message(String rollout, Path file, String problem, String advice) {
    return "rollout "
        + rollout
        + " is damaged: "
        + file
        + " cannot be read: "
        + problem
        + ". The controller leaves it as it is and goes on with the other rollouts. "
        + advice;
  }

  public String rollout() {
    return rollout;
  }

  /** The first file of the rollout that cannot be read; null for a store without files. */
  public Path file() {
    return file;
  }

  /** What is wrong with the file, in a few words. */
  public String problem() {
    return problem;
  }

  /**
   * What could be read, for showing the rollout: the generation and versions (0 when {@code
   * meta.json} is the damaged file), the spec (null when {@code spec.yaml} is), and the status (the
   * initial one when {@code status.json} is) marked {@link
   * dev.snailtrail.rollout.RolloutStatus#withStoreDamaged StoreDamaged} with this message.
   */
  public StoredRollout readable() {
    return readable;
  }

  /** What could be read, its status (the initial one when it could not be read) marked damaged. */
  private static StoredRollout marked(
      String name, StoredRollout read, String message, Instant now) {
    RolloutStatus status = read.status() != null ? read.status() : RolloutStatus.initial();
    return new StoredRollout(
        name,
        read.generation(),
        read.resourceVersion(),
        read.spec(),
        status.withStoreDamaged(message, now),
        read.createdAt(),
        read.updatedAt());
  }
}
