package dev.snailtrail.cli;

import dev.snailtrail.api.ApiClient;
import dev.snailtrail.api.ClientConfig;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --server} and {@code --token}, shared by every command that talks to a controller. */
final class ServerOptions {
  @Option(
      names = "--server",
      paramLabel = "URL",
      description =
          "The controller's API, e.g. http://127.0.0.1:8080. Default: $SNAILTRAIL_SERVER, then"
              + " server: in ~/.config/snailtrail/config.yaml, then http://127.0.0.1:8080.")
  String server;

  @Option(
      names = "--token",
      paramLabel = "TOKEN",
      description =
          "The API bearer token. Default: $SNAILTRAIL_TOKEN, then token: or tokenFile: in"
              + " ~/.config/snailtrail/config.yaml. Prefer those: a flag shows in the process"
              + " list.")
  String token;

  ApiClient client() {
    Path home = Path.of(System.getProperty("user.home"));
    return new ApiClient(
        ClientConfig.resolve(server, token, System.getenv(), ClientConfig.defaultFile(home)));
  }
}
