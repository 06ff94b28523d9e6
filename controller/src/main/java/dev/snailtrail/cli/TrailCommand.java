package dev.snailtrail.cli;

import dev.snailtrail.api.ApiClient;
import dev.snailtrail.json.Json;
import dev.snailtrail.trail.TrailEvent;
import dev.snailtrail.trail.TrailFormat;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code snailtrail trail NAME}: the rollout's trail of events. */
@Command(
    name = "trail",
    mixinStandardHelpOptions = true,
    description = {
      "Print a rollout's trail: every step the controller took, oldest first.",
      "--format md renders the progress log people used to keep by hand; json prints one event"
          + " per line for scripts.",
    },
    footer = {
      "",
      "Examples:",
      "  snailtrail trail shine-api-gateway",
      "  snailtrail trail shine-api-gateway --format md > PROGRESS.md",
      "  snailtrail trail shine-api-gateway --format json --after 120 | jq .message",
      "",
      ApiCommand.EXIT_CODES,
    })
final class TrailCommand extends ApiCommand {
  @Parameters(index = "0", paramLabel = "NAME", description = "The rollout.")
  String name;

  @Option(
      names = "--format",
      defaultValue = "text",
      description = "text, md or json. Default: ${DEFAULT-VALUE}.")
  TrailFormat format;

  @Option(names = "--plain", description = "Without emoji.")
  boolean plain;

  @Option(
      names = "--after",
      paramLabel = "SEQ",
      defaultValue = "0",
      description = "Only events after this sequence number (the last part of an event's id).")
  long after;

  @Option(
      names = "--limit",
      paramLabel = "N",
      defaultValue = "1000",
      description = "At most N events, the newest. Default: ${DEFAULT-VALUE}.")
  int limit;

  @Override
  int run(ApiClient client) {
    switch (format) {
      case json -> {
        for (TrailEvent e : client.trail(name, after, limit)) {
          out.println(Json.mapper().writeValueAsString(e));
        }
      }
      case text, md -> out.print(client.trailText(name, format, plain, after, limit));
    }
    return OK;
  }
}
