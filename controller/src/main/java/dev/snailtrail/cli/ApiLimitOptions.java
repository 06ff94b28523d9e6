package dev.snailtrail.cli;

import dev.snailtrail.api.ApiServer;
import java.time.Duration;
import picocli.CommandLine.Option;

/** How long and how many clients may hold {@code snailtrail controller}'s HTTP API. */
final class ApiLimitOptions {

  @Option(
      names = "--api-header-timeout",
      paramLabel = "DURATION",
      defaultValue = "10s",
      converter = ControllerCommand.DurationOption.class,
      description =
          "A connection to the API that has not sent the whole header of its next request within"
              + " this (from when it opened or got its last answer) is closed. Default:"
              + " ${DEFAULT-VALUE}.")
  Duration headerTimeout;

  @Option(
      names = "--api-body-timeout",
      paramLabel = "DURATION",
      defaultValue = "30s",
      converter = ControllerCommand.DurationOption.class,
      description =
          "A request body that has not arrived within this is abandoned and its connection closed."
              + " Default: ${DEFAULT-VALUE}.")
  Duration bodyTimeout;

  @Option(
      names = "--api-max-connections",
      paramLabel = "N",
      defaultValue = "512",
      description =
          "Connections the API holds at once; more wait until one closes. Default:"
              + " ${DEFAULT-VALUE}.")
  int maxConnections;

  /** The limits, or a usage error saying which value is wrong. */
  ApiServer.Limits limits() throws UsageError {
    try {
      return new ApiServer.Limits(headerTimeout, bodyTimeout, maxConnections);
    } catch (IllegalArgumentException e) {
      throw new UsageError(
          "--api-header-timeout, --api-body-timeout, --api-max-connections: " + e.getMessage());
    }
  }
}
