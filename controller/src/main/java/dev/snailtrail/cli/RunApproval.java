package dev.snailtrail.cli;

import dev.snailtrail.rollout.RolloutStatus;
import dev.snailtrail.run.Approval;
import dev.snailtrail.spec.Rollout;
import java.util.Locale;

/**
 * How {@code snailtrail run} decides on a phase that needs approval: with {@code --auto-approve} it
 * approves, recorded as approved automatically; on a terminal it asks the person there, who
 * approves as their OS user; otherwise nobody approves and the run ends with the phase awaiting
 * approval. It remembers why the last phase was not approved, for the run's last words.
 */
final class RunApproval implements Approval {
  private final boolean automatic;
  private final Prompt prompt;
  private final String user;
  private String notApproved = "";

  /**
   * @param automatic approve every phase without asking ({@code --auto-approve})
   * @param prompt where a person is asked, if anyone can be
   * @param user who that person is (the OS user), recorded in the trail as the approver
   */
  RunApproval(boolean automatic, Prompt prompt, String user) {
    this.automatic = automatic;
    this.prompt = prompt;
    this.user = user;
  }

  @Override
  public Decision decide(Rollout rollout, RolloutStatus status) {
    Decision d = ask(rollout, status.currentPhase().name());
    if (d instanceof NotApproved(String why)) {
      notApproved = why;
    }
    return d;
  }

  private Decision ask(Rollout rollout, String phase) {
    if (automatic) {
      return new Approved(null);
    }
    if (!prompt.interactive()) {
      return new NotApproved("no terminal to ask on, and no --auto-approve");
    }
    String answer =
        prompt.ask("Approve phase " + phase + " of " + rollout.name() + " as " + user + "? [y/N] ");
    if (answer == null) {
      return new NotApproved("no answer from " + user);
    }
    String a = answer.strip().toLowerCase(Locale.ROOT);
    return a.equals("y") || a.equals("yes")
        ? new Approved(user)
        : new NotApproved(user + " answered no");
  }

  /** Why the last phase asked about was not approved, or "" when every one was. */
  String notApproved() {
    return notApproved;
  }
}
