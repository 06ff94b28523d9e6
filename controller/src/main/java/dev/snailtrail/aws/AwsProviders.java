package dev.snailtrail.aws;

import dev.snailtrail.provider.ChangeFeed;
import dev.snailtrail.provider.Endpoints;
import dev.snailtrail.provider.Providers;
import dev.snailtrail.provider.ProvidersResolver;
import dev.snailtrail.spec.Rollout;
import dev.snailtrail.spec.Target;
import dev.snailtrail.store.RolloutTable;
import dev.snailtrail.time.Sleeper;
import java.net.URI;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The {@code aws} provider: every port on the AWS SDK for Java v2. One instance owns the SDK
 * clients (built once per service, region and role, sharing one connection pool) and the resilience
 * state (retry, a circuit breaker per AWS service, rate limiters per ECS API category); every
 * {@link Providers} it hands out shares them. Close it on shutdown.
 */
public final class AwsProviders implements AutoCloseable {

  /** The provider name the controller and CLI use. */
  public static final String NAME = "aws";

  private final ClientCache clients;
  private final AwsCalls calls;
  private final ConcurrentMap<AssumedRole, Providers> byRole = new ConcurrentHashMap<>();
  private final Providers direct;

  private AwsProviders(AwsSettings settings) {
    this.clients = new ClientCache(settings);
    this.calls = new AwsCalls(settings);
    this.direct = build(null);
  }

  /** Opens the provider: no client is built and no request sent until a port is used. */
  public static AwsProviders open(AwsSettings settings) {
    return new AwsProviders(Objects.requireNonNull(settings, "settings"));
  }

  /** The ports with the configured credentials, for the life of the JVM. */
  public static Providers create(AwsSettings settings) {
    return open(settings).providers();
  }

  /** The ports acting as an assumed role, for the life of the JVM. */
  public static Providers create(AwsSettings settings, String roleArn) {
    return open(settings).providers(roleArn);
  }

  /** The ports with the configured credentials (default chain or the settings' profile). */
  public Providers providers() {
    return direct;
  }

  /**
   * The ports acting as the given role in the session {@code snailtrail}, assumed through STS with
   * the configured credentials and refreshed before the session expires; null means no role.
   */
  public Providers providers(String roleArn) {
    return providers(AssumedRole.of(roleArn));
  }

  /**
   * The ports acting as {@code role} (its external id and session name in every AssumeRole), with
   * the session refreshed before it expires; null means the configured credentials.
   */
  public Providers providers(AssumedRole role) {
    return role == null ? direct : byRole.computeIfAbsent(role, this::build);
  }

  /**
   * The ports of each rollout: acting as its {@code target.roleArn} (with its {@code
   * target.externalId}, in the session {@code snailtrail-ROLLOUT}), or with the configured
   * credentials when it names no role. The ports of a role are built once and kept until the
   * controller releases them ({@link ProvidersResolver#released}: no rollout acts as that role any
   * more); then the role's SDK clients and its session are closed, and the role's next ports are
   * built anew. The configured credentials' ports are kept until {@link #close}: the store and the
   * event feed use their clients too.
   */
  public ProvidersResolver forRollouts() {
    return new ProvidersResolver() {
      @Override
      public Providers forRollout(Rollout rollout) {
        return providers(roleOf(rollout));
      }

      @Override
      public void released(Providers ports) {
        release(ports);
      }
    };
  }

  /** Forgets the assumed role's ports and closes what only they used; others are kept. */
  private void release(Providers ports) {
    for (Map.Entry<AssumedRole, Providers> e : byRole.entrySet()) {
      if (e.getValue() == ports && byRole.remove(e.getKey(), ports)) {
        clients.release(e.getKey());
      }
    }
  }

  /** How many SDK clients and role sessions acting as {@code role} are open. */
  int openFor(AssumedRole role) {
    return clients.openFor(role);
  }

  /** The role a rollout's calls act as, or null for the configured credentials. */
  static AssumedRole roleOf(Rollout rollout) {
    Target t = rollout.spec().target();
    return AssumedRole.forRollout(t.roleArn(), t.externalId(), rollout.name());
  }

  private Providers build(AssumedRole role) {
    return new Providers(
        NAME,
        new AwsEcs(clients, calls, role),
        new AwsLoadBalancing(clients, calls, role),
        new AwsCloudWatch(clients, calls, role),
        new AwsLogs(clients, calls, role),
        new AwsImages(clients, calls, role),
        new AwsNetwork(clients, calls, role),
        Endpoints.AS_DECLARED,
        new AwsScaling(clients, calls, role));
  }

  /**
   * The changes an EventBridge rule sends to the SQS queue at {@code queueUrl}
   * (deploy/eventbridge), read with the configured credentials.
   *
   * @throws IllegalArgumentException when the queue's region cannot be told (see {@link
   *     AwsChangeFeed#regionOf})
   */
  public ChangeFeed changeFeed(URI queueUrl) {
    return changeFeed(queueUrl, AwsChangeFeed.regionOf(queueUrl, System.getenv()));
  }

  /** The changes sent to the SQS queue at {@code queueUrl} in {@code region}. */
  public ChangeFeed changeFeed(URI queueUrl, String region) {
    return new AwsChangeFeed(clients.sqs(region), calls, queueUrl.toString());
  }

  /**
   * A trail sink writing to CloudWatch Logs in {@code region}: a stream per rollout in {@code
   * logGroup}, batched, never blocking a reconcile pass.
   */
  public CloudWatchLogsTrailSink trailSink(
      String region, String logGroup, Sleeper sleeper, java.io.PrintStream warnings) {
    return new CloudWatchLogsTrailSink(clients.logs(region, null), logGroup, sleeper, warnings);
  }

  /**
   * The shared store's table in DynamoDB, with the configured credentials.
   *
   * @param table the table's name ({@link #createStoreTable} makes it)
   */
  public RolloutTable storeTable(String region, String table) {
    return new DynamoDbTable(clients.dynamoDb(region), calls, table);
  }

  /**
   * Creates the shared store's table (on-demand capacity) and waits until it is active.
   *
   * @return false when it exists already (nothing is changed then)
   */
  public boolean createStoreTable(String region, String table) {
    return DynamoDbTables.create(clients.dynamoDb(region), calls, table);
  }

  /**
   * The region the AWS CLI would use: {@code AWS_REGION}, {@code AWS_DEFAULT_REGION}, the profile's
   * {@code region} (the settings' profile, else {@code AWS_PROFILE}, else default), or the
   * container's or instance's metadata; empty when none says.
   */
  public static java.util.Optional<String> resolvedRegion(AwsSettings settings) {
    try {
      var chain =
          software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain.builder()
              .profileName(settings.profile())
              .build();
      return java.util.Optional.of(chain.getRegion().id());
    } catch (software.amazon.awssdk.core.exception.SdkClientException e) {
      return java.util.Optional.empty();
    }
  }

  /** Closes every SDK client and the connection pool; the ports fail afterwards. */
  @Override
  public void close() {
    clients.close();
  }
}
