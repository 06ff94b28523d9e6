package dev.snailtrail.cli;

import dev.snailtrail.api.ApiClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code snailtrail delete NAME}. */
@Command(
    name = "delete",
    mixinStandardHelpOptions = true,
    description = {
      "Delete a rollout from the controller. The ECS service is left exactly as it is: the"
          + " controller only stops managing it.",
    },
    footer = {"", "Examples:", "  snailtrail delete shine-api-gateway", "", ApiCommand.EXIT_CODES})
final class DeleteCommand extends ApiCommand {
  @Parameters(index = "0", paramLabel = "NAME", description = "The rollout.")
  String name;

  @Override
  int run(ApiClient client) {
    client.delete(name);
    out.println("rollout/" + name + " deleted");
    return OK;
  }
}
