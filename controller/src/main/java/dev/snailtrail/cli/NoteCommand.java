package dev.snailtrail.cli;

import dev.snailtrail.api.ApiClient;
import dev.snailtrail.trail.NoteKind;
import dev.snailtrail.trail.TrailEvent;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code snailtrail note NAME TEXT [--kind KIND] [--by WHO]}. */
@Command(
    name = "note",
    mixinStandardHelpOptions = true,
    description = {
      "Write a note into a rollout's trail, named by who wrote it; the rollout does not change.",
      "The progress log (snailtrail trail NAME --format md) shows every note in its phase's log,"
          + " and a decision, lesson or challenge also in the Key decisions log, Lessons learned"
          + " or Challenges encountered. A note belongs to the phase the rollout is on, or to the"
          + " phase that failed while its rollback holds the rollout.",
    },
    footer = {
      "",
      "Examples:",
      "  snailtrail note shine-api-gateway \"Go ahead with victory-lap in the quiet hour\""
          + " --kind decision",
      "  snailtrail note shine-api-gateway \"Check /ml/status before approving\" --kind lesson",
      "",
      ApiCommand.EXIT_CODES
    })
final class NoteCommand extends ApiCommand {
  @Parameters(index = "0", paramLabel = "NAME", description = "The rollout.")
  String name;

  @Parameters(
      index = "1",
      paramLabel = "TEXT",
      description = "The note: one line, at most 1000 characters.")
  String text;

  @Option(
      names = "--kind",
      paramLabel = "KIND",
      defaultValue = "note",
      description =
          "What it records: ${COMPLETION-CANDIDATES}. Default: ${DEFAULT-VALUE} (only in its"
              + " phase's log).")
  NoteKind kind;

  @Option(
      names = "--by",
      paramLabel = "WHO",
      defaultValue = "${sys:user.name}",
      description = "Who wrote it, recorded in the trail. Default: your user name.")
  String by;

  @Override
  int run(ApiClient client) {
    TrailEvent e = client.note(name, kind, text, by);
    out.println(
        "rollout/"
            + name
            + " "
            + kind.name()
            + " noted"
            + (e.phase() == null ? "" : " in " + e.phase())
            + " ("
            + e.id()
            + ")");
    return OK;
  }
}
