package dev.snailtrail.cli;

import dev.snailtrail.api.ApiClient;
import dev.snailtrail.api.Resources;
import dev.snailtrail.rollout.StatusPhase;
import dev.snailtrail.trail.TrailEvent;
import java.time.Duration;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code snailtrail status NAME}: a live view of one rollout. */
@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    description = {
      "Show where a rollout stands: its phases as a trail (✓ done, ▶ current, · pending,"
          + " ✗ failed), the current phase's gates, a progress bar and the last 5 events.",
      "With --watch it keeps looking: on a terminal it redraws in place, otherwise it prints a"
          + " new block only when something changed.",
      "-o wide adds every gate tally and when it was measured, and the last 20 events; -o json"
          + " and -o yaml print the same as data ({\"rollout\": what `get NAME -o json` prints,"
          + " \"events\": [...]}); -o name prints rollout/NAME.",
    },
    footer = {
      "",
      "Examples:",
      "  snailtrail status shine-api-gateway",
      "  snailtrail status shine-api-gateway --watch",
      "  snailtrail status shine-api-gateway --exit-on-terminal --interval 10s   # in CI",
      "  snailtrail status shine-api-gateway -o json | jq .rollout.status.gates",
      "",
      "Exit codes: 0 shown (with --exit-on-terminal: Healthy), 1 Degraded or Failed, or the"
          + " controller said no, 2 usage, 3 cannot reach the controller.",
    })
final class StatusCommand extends ApiCommand {
  private static final int LAST_EVENTS = 5;
  private static final int LAST_EVENTS_WIDE = 20;

  /** The forms of {@code -o}. */
  enum Output {
    text,
    wide,
    json,
    yaml,
    name
  }

  /** The rollout and its last events, as {@code -o json} and {@code -o yaml} print them. */
  record Document(Resources.Detail rollout, List<TrailEvent> events) {}

  @Parameters(index = "0", paramLabel = "NAME", description = "The rollout.")
  String name;

  @Option(
      names = {"-o", "--output"},
      paramLabel = "FORMAT",
      defaultValue = "text",
      description = "text, wide, json, yaml or name. Default: ${DEFAULT-VALUE}.")
  Output output;

  @Option(
      names = {"-w", "--watch"},
      description = "Keep watching until interrupted.")
  boolean watch;

  @Option(
      names = "--exit-on-terminal",
      description =
          "Watch until the rollout settles: exit 0 when Healthy, 1 when Degraded or Failed.")
  boolean exitOnTerminal;

  @Option(
      names = "--interval",
      paramLabel = "DURATION",
      defaultValue = "2s",
      converter = PositiveDuration.class,
      description = "How often to look while watching. Default: ${DEFAULT-VALUE}.")
  Duration interval;

  @Override
  int run(ApiClient client) throws InterruptedException {
    boolean keepWatching = watch || exitOnTerminal;
    boolean text = output == Output.text || output == Output.wide;
    boolean redraw = keepWatching && text && Terminal.isInteractive();
    String shown = null;
    while (true) {
      Resources.Detail d = client.get(name);
      String view = view(d, client);
      if (!view.equals(shown)) {
        if (redraw) {
          out.print(Terminal.CLEAR);
        } else if (shown != null && text) {
          out.println();
        } else if (shown != null && output == Output.yaml) {
          out.println("---");
        }
        out.print(view);
        out.flush();
        shown = view;
      }
      StatusPhase phase = d.status().phase();
      if (exitOnTerminal && phase == StatusPhase.Healthy) {
        return OK;
      }
      if (exitOnTerminal && (phase == StatusPhase.Degraded || phase == StatusPhase.Failed)) {
        return REFUSED;
      }
      if (!keepWatching) {
        return OK;
      }
      Thread.sleep(interval.toMillis());
    }
  }

  private String view(Resources.Detail d, ApiClient client) {
    return switch (output) {
      case text -> StatusView.render(d, client.trail(name, 0, LAST_EVENTS), false);
      case wide -> StatusView.render(d, client.trail(name, 0, LAST_EVENTS_WIDE), true);
      case json -> Documents.json(new Document(d, client.trail(name, 0, LAST_EVENTS))) + "\n";
      case yaml -> Documents.yaml(new Document(d, client.trail(name, 0, LAST_EVENTS)));
      case name -> "rollout/" + d.name() + "\n";
    };
  }
}
