package dev.snailtrail.cli;

import picocli.CommandLine.Command;

/** {@code snailtrail list}: every rollout, one line each. */
@Command(
    name = "list",
    aliases = "ls",
    mixinStandardHelpOptions = true,
    subcommands = TemplateCommands.Get.class,
    description = {
      "List every rollout, one line each: NAME PHASE STEP CURRENT PROGRESS GENERATION"
          + " (-o wide adds STABLE and MESSAGE).",
      "The same as `get` without a name; -o json, yaml and name print them for scripts.",
      "`list analysistemplates` lists the stored AnalysisTemplates, as `get analysistemplates`.",
    },
    footer = {
      "",
      "Examples:",
      "  snailtrail list",
      "  snailtrail list -o name | xargs -n1 snailtrail status",
      "  snailtrail list --watch",
      "",
      ApiCommand.EXIT_CODES,
    })
final class ListCommand extends RolloutsCommand {
  @Override
  String name() {
    return null;
  }
}
