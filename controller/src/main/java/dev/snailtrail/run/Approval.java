package dev.snailtrail.run;

import dev.snailtrail.rollout.RolloutStatus;
import dev.snailtrail.spec.Rollout;

/**
 * Who decides, in a {@link RolloutDriver}, on a phase that needs approval ({@code approval:
 * manual}) once the rollout reaches it. Nothing approves by itself unless told to: {@link #NOBODY}
 * ends the run with the phase awaiting approval, {@link #AUTOMATIC} approves every phase and the
 * trail says so, and the composition root may ask a person.
 */
@FunctionalInterface
public interface Approval {

  /**
   * Decides on the phase {@code status} awaits approval for ({@code status.currentPhase()}).
   *
   * @throws InterruptedException when the run is stopped while a person is being asked
   */
  Decision decide(Rollout rollout, RolloutStatus status) throws InterruptedException;

  /** What came of asking. */
  sealed interface Decision permits Approved, NotApproved {}

  /**
   * The phase may start.
   *
   * @param by who approved, recorded in the trail; null when approved automatically
   */
  record Approved(String by) implements Decision {}

  /**
   * The phase keeps waiting and the run ends there.
   *
   * @param why in a few words, e.g. "no terminal to ask" or "alice answered no"
   */
  record NotApproved(String why) implements Decision {}

  /** Nobody approves: the run ends at the first phase that needs approval. */
  Approval NOBODY = (rollout, status) -> new NotApproved("nobody was asked");

  /** Every phase is approved as soon as it is reached, recorded as approved automatically. */
  Approval AUTOMATIC = (rollout, status) -> new Approved(null);
}
