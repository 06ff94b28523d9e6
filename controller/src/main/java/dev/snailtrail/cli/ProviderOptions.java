package dev.snailtrail.cli;

import java.net.URI;
import picocli.CommandLine.Option;

/**
 * {@code --provider} and {@code --endpoint}: where {@code run}, {@code doctor}, {@code diff} and
 * {@code controller} act. The provider is chosen here, once for every command; {@link Ports} opens
 * it.
 */
final class ProviderOptions {
  @Option(
      names = "--provider",
      paramLabel = "sim|aws",
      defaultValue = "sim",
      description =
          "Where to act: sim (the embedded ECS simulator; nothing touches AWS) or aws (the AWS"
              + " SDK: default credential chain, AWS_ENDPOINT_URL when set). Default:"
              + " ${DEFAULT-VALUE}.")
  String provider;

  @Option(
      names = "--endpoint",
      paramLabel = "URL",
      description =
          "aws: send every AWS request to this URL (an emulator such as moto or LocalStack)."
              + " Default: AWS_ENDPOINT_URL when set, else AWS itself.")
  URI endpoint;

  @Option(
      names = "--profile",
      paramLabel = "NAME",
      description =
          "aws: the named profile of ~/.aws/config and ~/.aws/credentials (SSO, assume-role and"
              + " credential_process profiles included). Default: AWS_PROFILE when set, else the"
              + " default credential chain.")
  String profile;

  /** The chosen provider. */
  Ports.Kind kind() throws UsageError {
    for (Ports.Kind k : Ports.Kind.values()) {
      if (k.name().equals(provider)) {
        return k;
      }
    }
    throw new UsageError("unknown provider '" + provider + "'; use sim or aws");
  }
}
