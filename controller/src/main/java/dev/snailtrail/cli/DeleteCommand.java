package dev.snailtrail.cli;

import dev.snailtrail.api.ApiClient;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code snailtrail delete NAME}, and {@code delete analysistemplate NAME}. */
@Command(
    name = "delete",
    mixinStandardHelpOptions = true,
    subcommands = TemplateCommands.Delete.class,
    customSynopsis = {
      "snailtrail delete [--server=URL] [--token=TOKEN] NAME",
      "   or: snailtrail delete analysistemplate NAME [--server=URL] [--token=TOKEN]",
    },
    description = {
      "Delete a rollout from the controller. The ECS service is left exactly as it is: the"
          + " controller only stops managing it.",
      "`delete analysistemplate NAME` deletes a stored AnalysisTemplate instead (see its --help);"
          + " a rollout named so is `delete -- analysistemplate`.",
    },
    footer = {
      "",
      "Examples:",
      "  snailtrail delete shine-api-gateway",
      "  snailtrail delete analysistemplate ml-ready",
      "",
      ApiCommand.EXIT_CODES
    })
final class DeleteCommand extends ApiCommand {
  // Optional for picocli, which would otherwise ask for it before `delete analysistemplate NAME`.
  @Parameters(index = "0", arity = "0..1", paramLabel = "NAME", description = "The rollout.")
  String name;

  @Override
  int run(ApiClient client) {
    if (name == null) {
      throw new CommandLine.ParameterException(
          spec.commandLine(),
          "Missing the rollout's name: snailtrail delete NAME (an AnalysisTemplate's: snailtrail"
              + " delete analysistemplate NAME)");
    }
    client.delete(name);
    out.println("rollout/" + name + " deleted");
    return OK;
  }
}
