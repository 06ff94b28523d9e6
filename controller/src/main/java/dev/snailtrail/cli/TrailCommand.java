package dev.snailtrail.cli;

import dev.snailtrail.api.ApiClient;
import dev.snailtrail.trail.TrailEvent;
import dev.snailtrail.trail.TrailFormat;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code snailtrail trail NAME}: the rollout's trail of events. */
@Command(
    name = "trail",
    mixinStandardHelpOptions = true,
    description = {
      "Print a rollout's trail: every step the controller took, oldest first.",
      "-o md renders the progress log people used to keep by hand; json prints one event per"
          + " line for scripts, yaml a list of them; wide adds each event's id, severity and"
          + " reason; name prints event/ID, one a line. --format is the same option.",
    },
    footer = {
      "",
      "Examples:",
      "  snailtrail trail shine-api-gateway",
      "  snailtrail trail shine-api-gateway -o md > PROGRESS.md",
      "  snailtrail trail shine-api-gateway -o json --after 120 | jq .message",
      "  snailtrail trail shine-api-gateway -o wide --limit 20",
      "",
      ApiCommand.EXIT_CODES,
    })
final class TrailCommand extends ApiCommand {
  @Parameters(index = "0", paramLabel = "NAME", description = "The rollout.")
  String name;

  /** The forms of {@code -o}. */
  enum Output {
    text,
    md,
    json,
    yaml,
    wide,
    name
  }

  @Option(
      names = {"-o", "--output", "--format"},
      paramLabel = "FORMAT",
      defaultValue = "text",
      description = "text, md, json, yaml, wide or name. Default: ${DEFAULT-VALUE}.")
  Output output;

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
    switch (output) {
      case text -> out.print(client.trailText(name, TrailFormat.text, plain, after, limit));
      case md -> out.print(client.trailText(name, TrailFormat.md, plain, after, limit));
      case json ->
          client.trail(name, after, limit).forEach(e -> out.println(Documents.jsonLine(e)));
      case yaml -> out.print(Documents.yaml(client.trail(name, after, limit)));
      case wide -> out.print(wide(client.trail(name, after, limit)));
      case name -> client.trail(name, after, limit).forEach(e -> out.println("event/" + e.id()));
    }
    return OK;
  }

  private static String wide(List<TrailEvent> events) {
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"ID", "TIME", "SEVERITY", "TYPE", "REASON", "MESSAGE"});
    for (TrailEvent e : events) {
      rows.add(
          new String[] {
            e.id(),
            e.time().truncatedTo(ChronoUnit.SECONDS).toString(),
            e.severity().name(),
            e.type().name(),
            e.reason() == null ? "-" : e.reason().name(),
            e.message()
          });
    }
    return Tables.format(rows);
  }
}
