package dev.snailtrail.cli;

import dev.snailtrail.api.ApiClient;
import dev.snailtrail.api.Resources;
import dev.snailtrail.controller.ControlPlane.Verb;
import dev.snailtrail.rollout.RolloutStatus;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The manual verbs: approve, promote, pause, resume, abort, retry, undo. Each asks the controller
 * to change a rollout's status; the controller refuses (exit 1) a verb its state does not allow.
 */
final class VerbCommands {
  private VerbCommands() {}

  /** One verb: the rollout's name, who asks, and the answer printed as one line. */
  abstract static class VerbCommand extends ApiCommand {
    @Parameters(index = "0", paramLabel = "NAME", description = "The rollout.")
    String name;

    @Option(
        names = "--by",
        paramLabel = "WHO",
        defaultValue = "${sys:user.name}",
        description = "Who asks, recorded in the trail. Default: your user name.")
    String by;

    abstract Verb verb();

    abstract String done();

    @Override
    int run(ApiClient client) {
      Resources.Detail d = client.command(name, verb(), by);
      RolloutStatus s = d.status();
      out.println(
          "rollout/"
              + name
              + " "
              + done()
              + ": "
              + s.phase()
              + " ("
              + s.step()
              + "), phase "
              + s.currentPhase().name()
              + " - "
              + s.message());
      return OK;
    }
  }

  @Command(
      name = "approve",
      mixinStandardHelpOptions = true,
      description = "Approve the phase waiting for approval (approval: manual), so it starts.",
      footer = {
        "",
        "Examples:",
        "  snailtrail approve shine-api-gateway",
        "",
        ApiCommand.EXIT_CODES
      })
  static final class Approve extends VerbCommand {
    @Override
    Verb verb() {
      return Verb.approve;
    }

    @Override
    String done() {
      return "approved";
    }
  }

  @Command(
      name = "promote",
      mixinStandardHelpOptions = true,
      description = {
        "Approve a waiting phase, or skip the rest of the current phase's analysis and bake.",
        "Skipping is recorded as a Warning in the trail: the gates did not get their say.",
        "With --full, skip the rest of the rollout: it goes straight to its last phase, which"
            + " deploys without waiting for approval and completes once ECS has deployed it,"
            + " without analysis or bake. The phases between are not deployed. Refused for a"
            + " rollout that is not moving forward (paused, rolling back, rolled back, Healthy).",
      },
      footer = {
        "",
        "Examples:",
        "  snailtrail promote shine-api-gateway --by alice",
        "  snailtrail promote shine-api-gateway --full   # hotfix: straight to the last phase",
        "",
        ApiCommand.EXIT_CODES
      })
  static final class Promote extends VerbCommand {
    @Option(
        names = "--full",
        description =
            "Straight to the last phase: no more approvals, analysis or bake (as Argo Rollouts'"
                + " promote --full).")
    boolean full;

    @Override
    Verb verb() {
      return full ? Verb.promoteFull : Verb.promote;
    }

    @Override
    String done() {
      return full ? "promoted in full" : "promoted";
    }
  }

  @Command(
      name = "pause",
      mixinStandardHelpOptions = true,
      description = "Stop a moving rollout where it is; `resume` continues it.",
      footer = {"", "Examples:", "  snailtrail pause shine-api-gateway", "", ApiCommand.EXIT_CODES})
  static final class Pause extends VerbCommand {
    @Override
    Verb verb() {
      return Verb.pause;
    }

    @Override
    String done() {
      return "paused";
    }
  }

  @Command(
      name = "resume",
      mixinStandardHelpOptions = true,
      description = "Continue a paused rollout; the current phase gets a fresh progress deadline.",
      footer = {
        "",
        "Examples:",
        "  snailtrail resume shine-api-gateway",
        "",
        ApiCommand.EXIT_CODES
      })
  static final class Resume extends VerbCommand {
    @Override
    Verb verb() {
      return Verb.resume;
    }

    @Override
    String done() {
      return "resumed";
    }
  }

  @Command(
      name = "abort",
      mixinStandardHelpOptions = true,
      description = "Roll back now, as if the current phase had failed its gates.",
      footer = {
        "",
        "Examples:",
        "  snailtrail abort shine-api-gateway --by oncall",
        "",
        ApiCommand.EXIT_CODES
      })
  static final class Abort extends VerbCommand {
    @Override
    Verb verb() {
      return Verb.abort;
    }

    @Override
    String done() {
      return "aborted";
    }
  }

  @Command(
      name = "retry",
      mixinStandardHelpOptions = true,
      description = "Run the phase that failed again, after a rollback left the rollout Degraded.",
      footer = {"", "Examples:", "  snailtrail retry shine-api-gateway", "", ApiCommand.EXIT_CODES})
  static final class Retry extends VerbCommand {
    @Override
    Verb verb() {
      return Verb.retry;
    }

    @Override
    String done() {
      return "retried";
    }
  }

  @Command(
      name = "undo",
      mixinStandardHelpOptions = true,
      description = "Go back one phase from the stable one (roll back a phase that passed).",
      footer = {"", "Examples:", "  snailtrail undo shine-api-gateway", "", ApiCommand.EXIT_CODES})
  static final class Undo extends VerbCommand {
    @Override
    Verb verb() {
      return Verb.undo;
    }

    @Override
    String done() {
      return "undone";
    }
  }
}
