package dev.snailtrail.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code snailtrail get [NAME]}: rollouts as a table, YAML, JSON or names; {@code get
 * analysistemplates [NAME]} the stored AnalysisTemplates.
 */
@Command(
    name = "get",
    mixinStandardHelpOptions = true,
    subcommands = TemplateCommands.Get.class,
    description = {
      "List rollouts, or show one, as the controller sees them now.",
      "The table has NAME PHASE STEP CURRENT PROGRESS GENERATION; -o wide adds WEIGHT (the canary's share while a phase shifts traffic), STABLE and"
          + " MESSAGE. -o yaml prints the effective spec and its status; -o json what the API"
          + " returns; -o name rollout/NAME. --watch keeps printing what changes.",
      "`get analysistemplates [NAME]` shows the stored AnalysisTemplates instead (see its"
          + " --help); a rollout named so is `get -- analysistemplates`.",
    },
    footer = {
      "",
      "Examples:",
      "  snailtrail get",
      "  snailtrail get shine-api-gateway -o wide",
      "  snailtrail get shine-api-gateway -o yaml > live.yaml",
      "  snailtrail get shine-api-gateway --watch",
      "  snailtrail get -o json | jq '.items[] | select(.phase == \"Degraded\") | .name'",
      "  snailtrail get analysistemplates",
      "",
      ApiCommand.EXIT_CODES,
    })
final class GetCommand extends RolloutsCommand {

  @Parameters(index = "0", arity = "0..1", paramLabel = "NAME", description = "One rollout.")
  String name;

  @Override
  String name() {
    return name;
  }
}
