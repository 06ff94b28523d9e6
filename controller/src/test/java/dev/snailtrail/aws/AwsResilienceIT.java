package dev.snailtrail.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.snailtrail.provider.Ecs;
import dev.snailtrail.provider.Images;
import dev.snailtrail.provider.ProviderException;
import dev.snailtrail.provider.ProviderException.Kind;
import dev.snailtrail.spec.Gate.Severity;
import dev.snailtrail.spec.ImageRef;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The resilience layer over the real wire: a local HTTP server answers in the AWS JSON protocol
 * with the errors AWS sends (throttling, 5xx, access denied), so retries, error mapping, rate
 * limits and circuit breakers are seen exactly as the SDK sees them.
 */
class AwsResilienceIT {

  private static final String REGION = "us-east-1";
  private static final String CLUSTERS_OK =
      """
      {"clusters":[{"clusterArn":"arn:aws:ecs:us-east-1:123456789012:cluster/c","clusterName":"c",
      "status":"ACTIVE","activeServicesCount":1,"runningTasksCount":2}],"failures":[]}""";

  private HttpServer server;
  private ExecutorService executor;
  private final ConcurrentLinkedQueue<Reply> script = new ConcurrentLinkedQueue<>();
  private volatile Reply fallback = new Reply(200, null, CLUSTERS_OK, Duration.ZERO);
  private final AtomicInteger requests = new AtomicInteger();
  private final List<String> outcomes = Collections.synchronizedList(new ArrayList<>());
  private AwsProviders aws;

  private record Reply(int status, String errorType, String body, Duration delay) {
    static Reply error(int status, String type, String message) {
      return new Reply(
          status,
          type,
          "{\"__type\":\"" + type + "\",\"message\":\"" + message + "\"}",
          Duration.ZERO);
    }
  }

  @BeforeEach
  void start() throws IOException {
    System.setProperty("aws.accessKeyId", System.getProperty("aws.accessKeyId", "testing"));
    System.setProperty("aws.secretAccessKey", System.getProperty("aws.secretAccessKey", "testing"));
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", this::answer);
    executor = Executors.newCachedThreadPool(); // a slow answer must not hold up the retry
    server.setExecutor(executor);
    server.start();
  }

  @AfterEach
  void stop() {
    if (aws != null) {
      aws.close();
    }
    server.stop(0);
    executor.shutdownNow();
  }

  private void answer(HttpExchange exchange) throws IOException {
    exchange.getRequestBody().readAllBytes();
    requests.incrementAndGet();
    Reply reply = script.poll();
    if (reply == null) {
      reply = fallback;
    }
    if (!reply.delay().isZero()) {
      try {
        Thread.sleep(reply.delay().toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    byte[] body = reply.body().getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Content-Type", "application/x-amz-json-1.1");
    exchange.getResponseHeaders().add("x-amzn-RequestId", "req-" + requests.get());
    if (reply.errorType() != null) {
      exchange.getResponseHeaders().add("x-amzn-ErrorType", reply.errorType());
    }
    exchange.sendResponseHeaders(reply.status(), body.length);
    exchange.getResponseBody().write(body);
    exchange.close();
  }

  private AwsSettings settings() {
    return AwsSettings.defaults(java.time.Clock.systemUTC())
        .withEndpointOverride(URI.create("http://127.0.0.1:" + server.getAddress().getPort()))
        .withRetries(
            new AwsSettings.Retries(3, Duration.ofMillis(5), 2.0, 0.5, Duration.ofMillis(20)))
        .withRateLimits(new AwsSettings.RateLimits(Map.of(), 10_000, Duration.ofSeconds(1)))
        .withListener(
            (service, operation, outcome, took) -> outcomes.add(operation + ":" + outcome));
  }

  private Ecs ecs(AwsSettings settings) {
    aws = AwsProviders.open(settings);
    return aws.providers().ecs();
  }

  @Test
  void throttlingIsRetriedUntilItPasses() {
    script.add(Reply.error(400, "ThrottlingException", "Rate exceeded"));
    script.add(Reply.error(400, "ThrottlingException", "Rate exceeded"));

    assertThat(ecs(settings()).describeCluster(REGION, "c")).isPresent();

    assertThat(requests).hasValue(3);
    assertThat(outcomes)
        .containsExactly(
            "DescribeClusters:throttled", "DescribeClusters:throttled", "DescribeClusters:success");
  }

  @Test
  void persistentThrottlingEndsAsThrottledWithTheRequestId() {
    fallback = Reply.error(400, "ThrottlingException", "Rate exceeded");

    assertThatThrownBy(() -> ecs(settings()).describeCluster(REGION, "c"))
        .isInstanceOfSatisfying(
            ProviderException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(Kind.THROTTLED);
              assertThat(e.isOutage()).isTrue();
              assertThat(e.service()).isEqualTo("ecs");
              assertThat(e.operation()).isEqualTo("DescribeClusters");
              assertThat(e.requestId()).isEqualTo("req-3");
              assertThat(e.getMessage()).contains("ThrottlingException", "Rate exceeded", "req-3");
            });
    assertThat(requests).hasValue(3);
  }

  @Test
  void serverErrorsAreRetriedThenTransient() {
    fallback = Reply.error(500, "ServerException", "Internal error");

    assertThatThrownBy(() -> ecs(settings()).describeCluster(REGION, "c"))
        .isInstanceOfSatisfying(
            ProviderException.class, e -> assertThat(e.kind()).isEqualTo(Kind.TRANSIENT));
    assertThat(requests).hasValue(3);
    assertThat(outcomes).containsOnly("DescribeClusters:error");
  }

  @Test
  void answersAboutTheRequestAreNotRetried() {
    fallback = Reply.error(400, "AccessDeniedException", "not authorized to ecs:DescribeClusters");
    assertThatThrownBy(() -> ecs(settings()).describeCluster(REGION, "c"))
        .isInstanceOfSatisfying(
            ProviderException.class, e -> assertThat(e.kind()).isEqualTo(Kind.ACCESS_DENIED));
    assertThat(requests).hasValue(1);

    fallback = Reply.error(400, "InvalidParameterException", "desiredCount must be positive");
    assertThatThrownBy(() -> aws.providers().ecs().describeCluster(REGION, "c"))
        .isInstanceOfSatisfying(
            ProviderException.class, e -> assertThat(e.kind()).isEqualTo(Kind.INVALID));
    assertThat(requests).hasValue(2);
  }

  @Test
  void slowAnswersTimeOutAndAreRetried() {
    script.add(new Reply(200, null, CLUSTERS_OK, Duration.ofSeconds(2)));
    AwsSettings settings = settings().withTimeouts(Duration.ofMillis(500), Duration.ofMillis(300));

    assertThat(ecs(settings).describeCluster(REGION, "c")).isPresent();
    assertThat(requests).hasValue(2);
  }

  @Test
  void anOpenCircuitRefusesCallsToThatServiceWithoutSendingThem() {
    fallback = Reply.error(503, "ServiceUnavailableException", "try later");
    AwsSettings settings =
        settings()
            .withRetries(
                new AwsSettings.Retries(1, Duration.ofMillis(1), 1.0, 0, Duration.ofMillis(1)))
            .withBreaker(new AwsSettings.Breaker(50f, 4, 4, Duration.ofHours(1), 1));
    Ecs ecs = ecs(settings);
    for (int i = 0; i < 4; i++) {
      assertThatThrownBy(() -> ecs.describeCluster(REGION, "c"))
          .isInstanceOfSatisfying(
              ProviderException.class, e -> assertThat(e.kind()).isEqualTo(Kind.TRANSIENT));
    }
    assertThat(requests).hasValue(4);

    assertThatThrownBy(() -> ecs.describeCluster(REGION, "c"))
        .isInstanceOfSatisfying(
            ProviderException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(Kind.UNAVAILABLE);
              assertThat(e.getMessage()).contains("circuit breaker open");
            });
    assertThat(requests).hasValue(4);
    assertThat(outcomes).last().isEqualTo("DescribeClusters:circuit_open");

    // Other AWS services have their own breaker.
    fallback = new Reply(200, null, "{\"logGroups\":[]}", Duration.ZERO);
    assertThat(aws.providers().logs().logGroupExists(REGION, "/ecs/x")).isFalse();
    assertThat(requests).hasValue(5);
  }

  @Test
  void theRateLimiterRefusesRatherThanExceedTheConfiguredRate() {
    AwsSettings settings =
        settings()
            .withRateLimits(
                new AwsSettings.RateLimits(
                    Map.of("ecs:DescribeClusters", 1), 10_000, Duration.ZERO));
    Ecs ecs = ecs(settings);

    assertThat(ecs.describeCluster(REGION, "c")).isPresent();
    assertThatThrownBy(() -> ecs.describeCluster(REGION, "c"))
        .isInstanceOfSatisfying(
            ProviderException.class, e -> assertThat(e.kind()).isEqualTo(Kind.THROTTLED));
    assertThat(requests).hasValue(1);
  }

  @Test
  void readsScanFindingCountsOfAnImage() {
    fallback =
        new Reply(
            200,
            null,
            """
            {"imageDetails":[{"registryId":"123456789012","repositoryName":"api",
            "imageDigest":"sha256:abc","imageTags":["full"],"imagePushedAt":1700000000,
            "imageScanFindingsSummary":{"findingSeverityCounts":
            {"CRITICAL":1,"HIGH":3,"UNDEFINED":2}}}]}""",
            Duration.ZERO);
    aws = AwsProviders.open(settings());

    Images.ImageInfo info =
        aws.providers()
            .images()
            .describeImage(
                REGION, ImageRef.parse("123456789012.dkr.ecr.us-east-1.amazonaws.com/api:full"))
            .orElseThrow();

    assertThat(info.scanFindings())
        .containsExactlyInAnyOrderEntriesOf(Map.of(Severity.CRITICAL, 1, Severity.HIGH, 3));
    assertThat(info.tags()).containsExactly("full");
  }
}
