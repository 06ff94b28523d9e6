package dev.snailtrail.cli;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the controller's API listens and the token its mutations need.
 *
 * @param bind the address, or null when the API is off
 * @param token the bearer token, or null when there is none (mutations are then refused)
 * @param metricsToken the token that opens /metrics alone (a scraper's), or null
 */
record ApiAddress(InetSocketAddress bind, String token, String metricsToken) {

  /**
   * From {@code --listen} and {@code --token-file} (else {@code SNAILTRAIL_TOKEN}).
   *
   * @throws IllegalArgumentException when either cannot be used, saying why
   */
  static ApiAddress of(String listen, Path tokenFile) throws IOException {
    return of(listen, tokenFile, null);
  }

  /** As above, with {@code --metrics-token-file} (else {@code SNAILTRAIL_METRICS_TOKEN}). */
  static ApiAddress of(String listen, Path tokenFile, Path metricsTokenFile) throws IOException {
    return new ApiAddress(
        listenAddress(listen),
        token(tokenFile, "--token-file", "SNAILTRAIL_TOKEN"),
        token(metricsTokenFile, "--metrics-token-file", "SNAILTRAIL_METRICS_TOKEN"));
  }

  /** {@code host:port}, or null for {@code none}. */
  private static InetSocketAddress listenAddress(String value) {
    if (value.equals("none")) {
      return null;
    }
    int colon = value.lastIndexOf(':');
    if (colon <= 0) {
      throw new IllegalArgumentException(
          "--listen " + value + ": write HOST:PORT, e.g. 127.0.0.1:8080, or none");
    }
    try {
      int port = Integer.parseInt(value.substring(colon + 1));
      if (port < 0 || port > 65535) {
        throw new NumberFormatException();
      }
      return new InetSocketAddress(value.substring(0, colon), port);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "--listen " + value + ": the port must be a number from 0 to 65535");
    }
  }

  /** The API token from the file, else the environment, else null. Never printed. */
  private static String token(Path file, String option, String variable) throws IOException {
    if (file != null) {
      if (!Files.isReadable(file)) {
        throw new IllegalArgumentException(option + " " + file + " cannot be read");
      }
      String t = Files.readString(file).strip();
      if (t.isEmpty()) {
        throw new IllegalArgumentException(option + " " + file + " is empty");
      }
      return t;
    }
    String env = System.getenv(variable);
    return env == null || env.isBlank() ? null : env.strip();
  }
}
