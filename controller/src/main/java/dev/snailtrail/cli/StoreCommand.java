package dev.snailtrail.cli;

import dev.snailtrail.aws.AwsProviders;
import dev.snailtrail.aws.AwsSettings;
import dev.snailtrail.provider.CallListener;
import dev.snailtrail.provider.ProviderException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code snailtrail store}: the shared store's table. */
@Command(
    name = "store",
    mixinStandardHelpOptions = true,
    description = "The store that several controller replicas share.",
    subcommands = {StoreCommand.Init.class})
final class StoreCommand implements Runnable {

  @Override
  public void run() {
    System.err.println("snailtrail store: say what to do (init); see --help");
  }

  /** {@code snailtrail store init dynamodb:TABLE}: creates the table, on-demand capacity. */
  @Command(
      name = "init",
      mixinStandardHelpOptions = true,
      description = {
        "Create the DynamoDB table of 'snailtrail controller --store dynamodb:TABLE' (on-demand"
            + " capacity) and wait until it is active. A table that exists is left as it is.",
      },
      footer = {"", "Example:", "  AWS_PROFILE=ops snailtrail store init dynamodb:snailtrail"})
  static final class Init implements Callable<Integer> {
    @Parameters(paramLabel = "dynamodb:TABLE", description = "The table to create.")
    String store;

    @Option(
        names = "--region",
        paramLabel = "REGION",
        description = "Where. Default: the resolved AWS region.")
    String region;

    @Mixin ProviderOptions where;

    @Override
    public Integer call() {
      try {
        String table = StoreOptions.table(store);
        AwsSettings settings = Ports.awsSettings(where, CallListener.NOOP);
        String in = StoreOptions.region(region, settings);
        try (AwsProviders aws = AwsProviders.open(settings)) {
          boolean created = aws.createStoreTable(in, table);
          System.out.println(
              "snailtrail store: table "
                  + table
                  + " in "
                  + in
                  + (created ? " created" : " exists already; left as it is"));
          return 0;
        }
      } catch (UsageError e) {
        System.err.println("snailtrail store: " + e.getMessage());
        return 2;
      } catch (ProviderException e) {
        System.err.println("snailtrail store: " + e.describe());
        return 3;
      }
    }
  }
}
