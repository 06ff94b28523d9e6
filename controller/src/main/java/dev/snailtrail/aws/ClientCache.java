package dev.snailtrail.aws;

import dev.snailtrail.provider.ProviderException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Supplier;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.SdkClient;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.applicationautoscaling.ApplicationAutoScalingClient;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ecr.EcrClient;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.elasticloadbalancingv2.ElasticLoadBalancingV2Client;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.SqsClientBuilder;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.auth.StsAssumeRoleCredentialsProvider;
import software.amazon.awssdk.utils.SdkAutoCloseable;

/**
 * SDK clients, built once per (service, region, assumed role) and shared by every call: building a
 * client costs a credential lookup, endpoint resolution and a connection pool, far too much per
 * request. All clients share one HTTP connection pool. The SDK's own retries are off: {@link
 * AwsCalls} retries.
 */
final class ClientCache implements AutoCloseable {

  private record Key(String service, String region, AssumedRole role) {}

  private final AwsSettings settings;
  private final SdkHttpClient http;
  private volatile SdkHttpClient longPolls;
  private volatile SqsClient sqs;
  private final AwsCredentialsProvider baseCredentials;
  private final ConcurrentMap<Key, SdkClient> clients = new ConcurrentHashMap<>();
  private final ConcurrentMap<Key, StsAssumeRoleCredentialsProvider> roles =
      new ConcurrentHashMap<>();

  ClientCache(AwsSettings settings) {
    this.settings = settings;
    this.http =
        ApacheHttpClient.builder()
            .maxConnections(50)
            .connectionTimeout(Duration.ofSeconds(5))
            .socketTimeout(settings.apiCallAttemptTimeout())
            .build();
    this.baseCredentials =
        settings.profile() != null
            ? ProfileCredentialsProvider.builder().profileName(settings.profile()).build()
            : DefaultCredentialsProvider.builder().build();
  }

  EcsClient ecs(String region, AssumedRole role) {
    return get("ecs", region, role, EcsClient::builder);
  }

  ElasticLoadBalancingV2Client elbv2(String region, AssumedRole role) {
    return get("elbv2", region, role, ElasticLoadBalancingV2Client::builder);
  }

  CloudWatchClient cloudWatch(String region, AssumedRole role) {
    return get("cloudwatch", region, role, CloudWatchClient::builder);
  }

  CloudWatchLogsClient logs(String region, AssumedRole role) {
    return get("logs", region, role, CloudWatchLogsClient::builder);
  }

  EcrClient ecr(String region, AssumedRole role) {
    return get("ecr", region, role, EcrClient::builder);
  }

  ApplicationAutoScalingClient scaling(String region, AssumedRole role) {
    return get("application-autoscaling", region, role, ApplicationAutoScalingClient::builder);
  }

  DynamoDbClient dynamoDb(String region) {
    return get("dynamodb", region, null, DynamoDbClient::builder);
  }

  Ec2Client ec2(String region, AssumedRole role) {
    return get("ec2", region, role, Ec2Client::builder);
  }

  /**
   * SQS in {@code region} for the change feed's long polls, with connections of its own: a long
   * poll holds its connection for {@code LONG_POLL_READ}, longer than an attempt of any other call
   * may.
   */
  synchronized SqsClient sqs(String region) {
    if (sqs == null) {
      longPolls =
          ApacheHttpClient.builder()
              .maxConnections(2)
              .connectionTimeout(Duration.ofSeconds(5))
              .socketTimeout(LONG_POLL_READ)
              .build();
      SqsClientBuilder b =
          SqsClient.builder()
              .region(Region.of(region))
              .credentialsProvider(baseCredentials)
              .httpClient(longPolls)
              .overrideConfiguration(
                  ClientOverrideConfiguration.builder()
                      .apiCallTimeout(LONG_POLL_READ.plusSeconds(5))
                      .apiCallAttemptTimeout(LONG_POLL_READ)
                      .retryStrategy(AwsRetryStrategy.doNotRetry())
                      .build());
      if (settings.endpointOverride() != null) {
        b.endpointOverride(settings.endpointOverride());
      }
      sqs = b.build();
    }
    return sqs;
  }

  /** How long a long poll's connection may wait for an answer: the 20 s poll and some slack. */
  static final Duration LONG_POLL_READ = Duration.ofSeconds(30);

  private <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C extends SdkClient>
      C get(String service, String region, AssumedRole role, Supplier<B> builder) {
    if (region == null || region.isBlank()) {
      throw new ProviderException(
          ProviderException.Kind.INVALID,
          service,
          "-",
          "no AWS region given; set target.region in the rollout");
    }
    Key key = new Key(service, region, role);
    SdkClient existing = clients.get(key);
    if (existing == null) {
      // Resolved outside computeIfAbsent: an assumed role needs an STS client from this same map.
      AwsCredentialsProvider credentials = credentials(region, role);
      existing =
          clients.computeIfAbsent(key, k -> configure(builder.get(), region, credentials).build());
    }
    @SuppressWarnings("unchecked")
    C client = (C) existing;
    return client;
  }

  private <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C extends SdkClient>
      B configure(B builder, String region, AwsCredentialsProvider credentials) {
    builder
        .region(Region.of(region))
        .credentialsProvider(credentials)
        .httpClient(http)
        .overrideConfiguration(
            ClientOverrideConfiguration.builder()
                .apiCallTimeout(settings.apiCallTimeout())
                .apiCallAttemptTimeout(settings.apiCallAttemptTimeout())
                .retryStrategy(AwsRetryStrategy.doNotRetry())
                .build());
    if (settings.endpointOverride() != null) {
      builder.endpointOverride(settings.endpointOverride());
    }
    return builder;
  }

  private AwsCredentialsProvider credentials(String region, AssumedRole role) {
    if (role == null) {
      return baseCredentials;
    }
    // The STS client lives inside the provider, which refreshes the session before it expires.
    return roles.computeIfAbsent(
        new Key("sts", region, role),
        k ->
            StsAssumeRoleCredentialsProvider.builder()
                .stsClient(get("sts", region, null, StsClient::builder))
                .refreshRequest(
                    r ->
                        r.roleArn(role.roleArn())
                            .externalId(role.externalId())
                            .roleSessionName(role.sessionName()))
                .build());
  }

  /**
   * Closes and forgets the clients acting as {@code role} and the role's session (the credentials
   * kept refreshed for them); the next use builds them anew. The shared connection pool and STS
   * client stay.
   */
  void release(AssumedRole role) {
    // Never the configured credentials': the store and the change feed use their clients too.
    Objects.requireNonNull(role, "role");
    List<SdkAutoCloseable> gone = new ArrayList<>();
    takeActingAs(clients, role, gone);
    takeActingAs(roles, role, gone);
    for (SdkAutoCloseable c : gone) {
      c.close();
    }
  }

  private static <V extends SdkAutoCloseable> void takeActingAs(
      ConcurrentMap<Key, V> from, AssumedRole role, List<SdkAutoCloseable> into) {
    for (Map.Entry<Key, V> e : from.entrySet()) {
      if (role.equals(e.getKey().role()) && from.remove(e.getKey(), e.getValue())) {
        into.add(e.getValue());
      }
    }
  }

  /** How many clients and sessions acting as {@code role} are open. */
  int openFor(AssumedRole role) {
    long n = clients.keySet().stream().filter(k -> role.equals(k.role())).count();
    return (int) n + (int) roles.keySet().stream().filter(k -> role.equals(k.role())).count();
  }

  @Override
  public void close() {
    List<SdkAutoCloseable> all = new ArrayList<>(clients.values());
    all.addAll(roles.values());
    clients.clear();
    roles.clear();
    for (SdkAutoCloseable c : all) {
      c.close();
    }
    if (baseCredentials instanceof SdkAutoCloseable c) {
      c.close();
    }
    http.close();
    synchronized (this) {
      if (sqs != null) {
        sqs.close();
        longPolls.close();
      }
    }
  }
}
