package dev.snailtrail.cli;

import dev.snailtrail.aws.AwsProviders;
import dev.snailtrail.aws.AwsSettings;
import dev.snailtrail.controller.LeaseSettings;
import dev.snailtrail.provider.CallListener;
import dev.snailtrail.store.FileStore;
import dev.snailtrail.store.Store;
import dev.snailtrail.store.StoreLock;
import dev.snailtrail.store.TableStore;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import picocli.CommandLine.Option;

/**
 * Where the controller keeps its rollouts: a directory one controller holds alone ({@code
 * --store-dir}), or a DynamoDB table that several replicas share through leases ({@code --store
 * dynamodb:TABLE}).
 */
final class StoreOptions {
  static final String DYNAMODB = "dynamodb:";

  @Option(
      names = "--store-dir",
      paramLabel = "DIR",
      defaultValue = ".snailtrail/store",
      description =
          "Where specs, status and trails live; one controller at a time (it holds DIR/.lock)."
              + " With --store dynamodb:TABLE only the simulator's world is kept here."
              + " Default: ${DEFAULT-VALUE}.")
  Path storeDir;

  @Option(
      names = "--store",
      paramLabel = "dynamodb:TABLE",
      description =
          "Keep the rollouts in this DynamoDB table (made by 'snailtrail store init'), shared by"
              + " every replica started with it; each rollout is acted on by one replica at a"
              + " time. Region, credentials and endpoint as for --provider aws (--store-region,"
              + " else the resolved region).")
  String store;

  @Option(
      names = "--store-region",
      paramLabel = "REGION",
      description = "The region of --store's table. Default: the resolved AWS region.")
  String storeRegion;

  @Option(
      names = "--replica",
      paramLabel = "NAME",
      description =
          "This replica's name among those sharing --store (shown by get). Default: host-pid.")
  String replica;

  @Option(
      names = "--lease-ttl",
      paramLabel = "DURATION",
      defaultValue = "15s",
      converter = ControllerCommand.DurationOption.class,
      description =
          "With --store: how long a replica that stopped beating keeps its rollouts before the"
              + " others take them over; it beats every third of it. Default: ${DEFAULT-VALUE}.")
  Duration leaseTtl;

  /** An open store, with what must be closed after it. */
  record Opened(Store store, String where, AutoCloseable closer) implements AutoCloseable {
    @Override
    public void close() {
      try {
        closer.close();
      } catch (Exception e) {
        System.err.println("snailtrail controller: closing the store: " + e);
      }
    }
  }

  /** Whether the store is shared by replicas. */
  boolean shared() {
    return store != null;
  }

  /**
   * Opens the store. The directory is locked for the file store, and for the simulator's world when
   * it lives there; a table is not (replicas share it).
   *
   * @throws StoreLock.Held when another controller holds the directory
   */
  Opened open(ProviderOptions where, boolean simulated) throws UsageError {
    Clock clock = Clock.systemUTC();
    StoreLock lock = !shared() || simulated ? StoreLock.acquire(storeDir, clock.instant()) : null;
    if (!shared()) {
      return new Opened(new FileStore(storeDir, clock), storeDir.toString(), lock);
    }
    String table = table(store);
    AwsSettings settings = Ports.awsSettings(where, CallListener.NOOP);
    AwsProviders aws = AwsProviders.open(settings);
    String region = region(storeRegion, settings);
    TableStore tables =
        new TableStore(aws.storeTable(region, table), store + " (" + region + ")", clock);
    return new Opened(
        tables,
        tables.where(),
        () -> {
          aws.close();
          if (lock != null) {
            lock.close();
          }
        });
  }

  /** How this replica holds its leases; its API's address is shown with its heartbeat. */
  LeaseSettings leases(String address) {
    String name = replica != null ? replica : LeaseSettings.hostAndPid();
    return new LeaseSettings(name, leaseTtl, leaseTtl.dividedBy(3), address);
  }

  /** The table of {@code dynamodb:TABLE}. */
  static String table(String store) throws UsageError {
    if (store == null || !store.startsWith(DYNAMODB) || store.length() == DYNAMODB.length()) {
      throw new UsageError(
          "--store takes dynamodb:TABLE (e.g. dynamodb:snailtrail), not '" + store + "'");
    }
    return store.substring(DYNAMODB.length());
  }

  /** The region given, else the resolved one. */
  static String region(String given, AwsSettings settings) throws UsageError {
    if (given != null && !given.isBlank()) {
      return given;
    }
    return AwsProviders.resolvedRegion(settings)
        .orElseThrow(
            () ->
                new UsageError(
                    "no AWS region for the store's table: set AWS_REGION, a profile's region, or"
                        + " --store-region"));
  }
}
