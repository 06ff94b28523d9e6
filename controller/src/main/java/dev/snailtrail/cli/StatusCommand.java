package dev.snailtrail.cli;

import dev.snailtrail.api.ApiClient;
import dev.snailtrail.api.Resources;
import dev.snailtrail.rollout.StatusPhase;
import dev.snailtrail.spec.Durations;
import java.time.Duration;
import picocli.CommandLine;
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
    },
    footer = {
      "",
      "Examples:",
      "  snailtrail status shine-api-gateway",
      "  snailtrail status shine-api-gateway --watch",
      "  snailtrail status shine-api-gateway --exit-on-terminal --interval 10s   # in CI",
      "",
      "Exit codes: 0 shown (with --exit-on-terminal: Healthy), 1 Degraded or Failed, or the"
          + " controller said no, 2 usage, 3 cannot reach the controller.",
    })
final class StatusCommand extends ApiCommand {
  private static final int LAST_EVENTS = 5;

  @Parameters(index = "0", paramLabel = "NAME", description = "The rollout.")
  String name;

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
      description = "How often to look while watching. Default: ${DEFAULT-VALUE}.")
  String interval;

  @Override
  int run(ApiClient client) throws InterruptedException {
    Duration every;
    try {
      every = Durations.parse(interval);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--interval: " + e.getMessage());
    }
    if (every.isZero() || every.isNegative()) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--interval must be positive");
    }
    boolean keepWatching = watch || exitOnTerminal;
    boolean redraw = keepWatching && Terminal.isInteractive();
    String shown = null;
    while (true) {
      Resources.Detail d = client.get(name);
      String view = StatusView.render(d, client.trail(name, 0, LAST_EVENTS));
      if (!view.equals(shown)) {
        if (redraw) {
          out.print(Terminal.CLEAR);
        } else if (shown != null) {
          out.println();
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
      Thread.sleep(every.toMillis());
    }
  }
}
