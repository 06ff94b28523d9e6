package dev.snailtrail.moto;

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
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A loopback HTTP proxy in front of an AWS endpoint (moto) that forwards every request and keeps it
 * with its answer: what went over the wire, for tests that check a request's parameters or which
 * credentials signed it.
 */
public final class RecordingProxy implements AutoCloseable {

  /**
   * One request and its answer.
   *
   * @param service the signing name (ecs, sts, …)
   * @param accessKeyId the access key that signed it
   * @param body the request's body (form parameters under the query protocol, JSON otherwise)
   * @param answer the answer's body
   * @param operation the action asked for: the {@code X-Amz-Target} header's (JSON protocols), else
   *     the form's {@code Action} (query protocol), else empty
   */
  public record Exchange(
      String service, String accessKeyId, String body, String answer, String operation) {}

  private static final Pattern CREDENTIAL =
      Pattern.compile("Credential=([^/]+)/[^/]+/[^/]+/([^/]+)/aws4_request");
  private static final Set<String> HOP_HEADERS =
      Set.of("host", "content-length", "connection", "expect", "upgrade", "transfer-encoding");

  private final URI target;
  private final HttpServer server;
  private final ExecutorService executor = Executors.newCachedThreadPool();
  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();
  private final List<Exchange> exchanges = new CopyOnWriteArrayList<>();

  public RecordingProxy(URI target) throws IOException {
    this.target = target;
    this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
    server.createContext("/", this::handle);
    server.setExecutor(executor);
    server.start();
  }

  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  /** Every request so far, in the order answered. */
  public List<Exchange> exchanges() {
    return List.copyOf(exchanges);
  }

  /** The requests to one service (its signing name). */
  public List<Exchange> to(String service) {
    return exchanges.stream().filter(e -> e.service().equals(service)).toList();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      byte[] body;
      try (InputStream in = exchange.getRequestBody()) {
        body = in.readAllBytes();
      }
      HttpRequest.Builder request =
          HttpRequest.newBuilder(target.resolve(exchange.getRequestURI().toString()))
              .timeout(Duration.ofSeconds(30))
              .method(exchange.getRequestMethod(), HttpRequest.BodyPublishers.ofByteArray(body));
      exchange
          .getRequestHeaders()
          .forEach(
              (name, values) -> {
                if (!HOP_HEADERS.contains(name.toLowerCase(Locale.ROOT))) {
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
      String auth = exchange.getRequestHeaders().getFirst("Authorization");
      Matcher m = CREDENTIAL.matcher(auth == null ? "" : auth);
      boolean signed = m.find();
      String sent = new String(body, StandardCharsets.UTF_8);
      exchanges.add(
          new Exchange(
              signed ? m.group(2) : "",
              signed ? m.group(1) : "",
              sent,
              new String(response.body(), StandardCharsets.UTF_8),
              operation(exchange.getRequestHeaders().getFirst("X-Amz-Target"), sent)));
      response
          .headers()
          .map()
          .forEach(
              (name, values) -> {
                if (!HOP_HEADERS.contains(name.toLowerCase(Locale.ROOT)) && !name.startsWith(":")) {
                  exchange.getResponseHeaders().put(name, values);
                }
              });
      byte[] out = response.body();
      exchange.sendResponseHeaders(response.statusCode(), out.length == 0 ? -1 : out.length);
      if (out.length > 0) {
        exchange.getResponseBody().write(out);
      }
    }
  }

  private static final Pattern ACTION = Pattern.compile("(?:^|&)Action=([^&]+)");

  private static String operation(String target, String body) {
    if (target != null) {
      return target.substring(target.lastIndexOf('.') + 1);
    }
    Matcher m = ACTION.matcher(body);
    return m.find() ? m.group(1) : "";
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
