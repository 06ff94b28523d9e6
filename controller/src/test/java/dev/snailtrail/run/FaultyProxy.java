package dev.snailtrail.run;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A loopback HTTP proxy in front of an AWS endpoint (moto) that answers a share of requests itself,
 * the way a struggling AWS does: throttling in the request's protocol (JSON for ECS, Logs and ECR;
 * the query protocol's XML for CloudWatch and ELBv2, EC2's own XML), an HTTP 500, or a connection
 * that takes the request and never answers. Faults are drawn from a seeded {@link Random}; a
 * faulted request never reaches the endpoint, so it has no effect there.
 */
final class FaultyProxy implements AutoCloseable {

  /** What the proxy did with one request. */
  enum Fate {
    FORWARDED,
    THROTTLED,
    SERVER_ERROR,
    STALLED,
    /** Answered 503 while the proxy is {@link #down}: the whole of AWS unreachable. */
    UNAVAILABLE
  }

  private static final Pattern SIGNING_NAME =
      Pattern.compile("Credential=[^/]+/[^/]+/[^/]+/([^/]+)/aws4_request");
  private static final Set<String> HOP_HEADERS =
      Set.of("host", "content-length", "connection", "expect", "upgrade", "transfer-encoding");

  private final URI target;
  private final double faultRate;
  private final Random random;
  private final HttpServer server;
  private final ExecutorService executor = Executors.newCachedThreadPool();
  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();
  private final Map<String, Integer> perService = new ConcurrentHashMap<>();
  private final CountDownLatch closed = new CountDownLatch(1);
  private final Map<Fate, AtomicInteger> counts =
      Map.of(
          Fate.FORWARDED, new AtomicInteger(),
          Fate.THROTTLED, new AtomicInteger(),
          Fate.SERVER_ERROR, new AtomicInteger(),
          Fate.STALLED, new AtomicInteger(),
          Fate.UNAVAILABLE, new AtomicInteger());
  private volatile boolean down;

  FaultyProxy(URI target, double faultRate, long seed) throws IOException {
    this.target = target;
    this.faultRate = faultRate;
    this.random = new Random(seed);
    this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
    server.createContext("/", this::handle);
    server.setExecutor(executor);
    server.start();
  }

  URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  int count(Fate fate) {
    return counts.get(fate).get();
  }

  /**
   * An outage: while down, every request is answered 503 Service Unavailable, nothing reaches the
   * endpoint.
   */
  void down(boolean isDown) {
    down = isDown;
  }

  private synchronized Fate draw() {
    if (down) {
      return Fate.UNAVAILABLE;
    }
    if (random.nextDouble() >= faultRate) {
      return Fate.FORWARDED;
    }
    return List.of(Fate.THROTTLED, Fate.SERVER_ERROR, Fate.STALLED).get(random.nextInt(3));
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      byte[] body;
      try (InputStream in = exchange.getRequestBody()) {
        body = in.readAllBytes();
      }
      Fate fate = draw();
      counts.get(fate).incrementAndGet();
      boolean json = exchange.getRequestHeaders().containsKey("X-Amz-Target");
      String service = service(exchange);
      perService.merge(service + " " + fate, 1, Integer::sum);
      switch (fate) {
        case FORWARDED -> forward(exchange, body);
        case THROTTLED ->
            refuse(
                exchange, service, json, 400, "ThrottlingException", "Throttling", "Rate exceeded");
        case SERVER_ERROR ->
            refuse(
                exchange,
                service,
                json,
                500,
                "InternalFailure",
                "InternalFailure",
                "injected failure");
        case STALLED -> stall();
        case UNAVAILABLE ->
            refuse(
                exchange,
                service,
                json,
                503,
                "ServiceUnavailableException",
                "ServiceUnavailable",
                "Service Unavailable");
      }
    }
  }

  /** Holds the request until the client gives up (its attempt timeout) or the proxy closes. */
  private void stall() {
    try {
      closed.await(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void forward(HttpExchange exchange, byte[] body) throws IOException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(target.resolve(exchange.getRequestURI().toString()))
            .timeout(Duration.ofSeconds(30))
            .method(exchange.getRequestMethod(), HttpRequest.BodyPublishers.ofByteArray(body));
    exchange
        .getRequestHeaders()
        .forEach(
            (name, values) -> {
              if (!HOP_HEADERS.contains(name.toLowerCase(java.util.Locale.ROOT))) {
                values.forEach(v -> request.header(name, v));
              }
            });
    HttpResponse<byte[]> response;
    try {
      response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while forwarding", e);
    }
    response
        .headers()
        .map()
        .forEach(
            (name, values) -> {
              if (!HOP_HEADERS.contains(name.toLowerCase(java.util.Locale.ROOT))
                  && !name.startsWith(":")) {
                exchange.getResponseHeaders().put(name, values);
              }
            });
    byte[] out = response.body();
    exchange.sendResponseHeaders(response.statusCode(), out.length == 0 ? -1 : out.length);
    if (out.length > 0) {
      exchange.getResponseBody().write(out);
    }
  }

  /** An AWS error in the request's protocol: JSON with {@code __type}, or query-protocol XML. */
  private static void refuse(
      HttpExchange exchange,
      String service,
      boolean json,
      int status,
      String jsonType,
      String queryCode,
      String message)
      throws IOException {
    String type = status >= 500 ? "Receiver" : "Sender";
    answer(exchange, status, json ? json(jsonType, message) : xml(type, queryCode, message), json);
  }

  private static void answer(HttpExchange exchange, int status, String body, boolean json)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange
        .getResponseHeaders()
        .set("Content-Type", json ? "application/x-amz-json-1.1" : "text/xml");
    exchange.getResponseHeaders().set("x-amzn-RequestId", UUID.randomUUID().toString());
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
  }

  private static String json(String type, String message) {
    return "{\"__type\":\"" + type + "\",\"message\":\"" + message + "\"}";
  }

  /** EC2's own query protocol wraps errors differently from CloudWatch and ELBv2. */
  private static String ec2Xml(String code, String message) {
    return "<Response><Errors><Error><Code>"
        + code
        + "</Code><Message>"
        + message
        + "</Message></Error></Errors><RequestID>"
        + UUID.randomUUID()
        + "</RequestID></Response>";
  }

  /** The signing name in the SigV4 credential scope: {@code …/us-east-1/ec2/aws4_request}. */
  private static String service(HttpExchange exchange) {
    String auth = exchange.getRequestHeaders().getFirst("Authorization");
    if (auth == null) {
      return "unknown";
    }
    Matcher m = SIGNING_NAME.matcher(auth);
    return m.find() ? m.group(1) : "unknown";
  }

  /** Counts per {@code service fate}, e.g. {@code ecs THROTTLED}. */
  Map<String, Integer> perService() {
    return new TreeMap<>(perService);
  }

  private static String xml(String type, String code, String message) {
    return "<ErrorResponse><Error><Type>"
        + type
        + "</Type><Code>"
        + code
        + "</Code><Message>"
        + message
        + "</Message></Error><RequestId>"
        + UUID.randomUUID()
        + "</RequestId></ErrorResponse>";
  }

  @Override
  public void close() {
    closed.countDown();
    server.stop(0);
    executor.shutdownNow();
  }
}
