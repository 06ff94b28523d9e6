package dev.snailtrail.gate;

import dev.snailtrail.spec.Durations;
import dev.snailtrail.spec.Gate;
import dev.snailtrail.spec.Gate.HttpExpect;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code http}: a real request whose answer must meet the gate's expectations. A service that does
 * not answer is evidence against the phase, so refused connections and timeouts fail the
 * measurement rather than count as provider errors.
 */
final class HttpGate {

  private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

  /** Room for the client's own timeout to fire first, so its clearer exception wins. */
  private static final long GRACE_MILLIS = 1_000;

  private static final ObjectMapper JSON = JsonMapper.builder().build();

  private final HttpClient client;
  private final LongSupplier nanoTime;

  HttpGate(HttpClient client, LongSupplier nanoTime) {
    this.client = client;
    this.nanoTime = nanoTime;
  }

  Measurement measure(Gate.Http gate, GateContext ctx) {
    URI uri;
    String label;
    if (gate.url() != null) {
      uri = gate.url();
      label = Redaction.url(uri);
    } else if (ctx.baseUrl() == null) {
      return new Measurement.Fail(
          "http gate path "
              + gate.path()
              + " is relative but the rollout has no target.url; set target.url or give the gate"
              + " an absolute url");
    } else {
      try {
        uri = join(ctx.baseUrl(), gate.path());
      } catch (IllegalArgumentException e) {
        return new Measurement.Fail(
            "http gate path " + gate.path() + " does not make a valid URL: " + e.getMessage());
      }
      label = gate.path();
    }
    String method =
        gate.method() == null || gate.method().isBlank()
            ? "GET"
            : gate.method().toUpperCase(Locale.ROOT);
    Duration timeout = gate.timeout() == null ? DEFAULT_TIMEOUT : gate.timeout();
    String where = method + " " + Redaction.url(uri);
    HttpRequest request;
    try {
      HttpRequest.Builder b =
          HttpRequest.newBuilder(uri)
              .timeout(timeout)
              .method(method, HttpRequest.BodyPublishers.noBody());
      for (Map.Entry<String, String> h : gate.headers().entrySet()) {
        b.header(h.getKey(), h.getValue());
      }
      request = b.build();
    } catch (IllegalArgumentException e) {
      return new Measurement.Fail(
          where + ": cannot send: " + e.getMessage() + "; fix the gate's url, method or headers");
    }
    long start = nanoTime.getAsLong();
    CompletableFuture<HttpResponse<String>> pending =
        client.sendAsync(request, HttpResponse.BodyHandlers.ofString());
    HttpResponse<String> response;
    try {
      response = pending.get(timeout.toMillis() + GRACE_MILLIS, TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      pending.cancel(true);
      return new Measurement.Fail(
          where + ": no complete answer within " + Durations.format(timeout));
    } catch (ExecutionException e) {
      if (e.getCause() instanceof IOException io) {
        return new Measurement.Fail(where + ": " + unreachable(io, timeout));
      }
      // Not the service's doing (a client fault); hold rather than fail the phase.
      return new Measurement.Error(where + ": " + e.getCause());
    } catch (InterruptedException e) {
      pending.cancel(true);
      Thread.currentThread().interrupt();
      return new Measurement.Error(where + ": interrupted while waiting for the answer");
    }
    Duration latency = Duration.ofNanos(nanoTime.getAsLong() - start);
    String seen =
        method + " " + label + " → " + response.statusCode() + " in " + latency.toMillis() + " ms";
    HttpExpect expect =
        gate.expect() != null
            ? gate.expect()
            : new HttpExpect(200, null, null, List.of(), null, null);
    return judge(seen, response.statusCode(), latency, response.body(), expect);
  }

  private static Measurement judge(
      String seen, int status, Duration latency, String body, HttpExpect expect) {
    int expected = expect.status() == 0 ? 200 : expect.status();
    if (status != expected) {
      return new Measurement.Fail(
          seen + ", expected " + expected + (body.isBlank() ? "" : ": " + head(body)));
    }
    if (expect.maxLatency() != null && latency.compareTo(expect.maxLatency()) > 0) {
      return new Measurement.Fail(
          seen + ", slower than maxLatency " + Durations.format(expect.maxLatency()));
    }
    if (expect.jsonPath() == null) {
      return checkValue(seen, "body", body.strip(), expect);
    }
    JsonPath path;
    try {
      path = JsonPath.compile(expect.jsonPath());
    } catch (IllegalArgumentException e) {
      return new Measurement.Fail(e.getMessage() + "; fix expect.jsonPath");
    }
    JsonNode doc;
    try {
      doc = JSON.readTree(body);
    } catch (JacksonException e) {
      doc = null;
    }
    if (doc == null || doc.isMissingNode()) {
      return new Measurement.Fail(seen + ", body is not JSON: " + head(body));
    }
    Optional<JsonNode> value = path.find(doc);
    if (value.isEmpty()) {
      return new Measurement.Fail(seen + ", " + path + " not found in " + head(body));
    }
    return checkValue(seen, path.text(), text(value.get()), expect);
  }

  /** Applies equals / in / matches to the value at the path (or the whole body without one). */
  private static Measurement checkValue(String seen, String what, String value, HttpExpect expect) {
    String shown = seen + ", " + what + " = " + head(value);
    if (expect.equalsValue() != null && !expect.equalsValue().equals(value)) {
      return new Measurement.Fail(shown + ", expected " + expect.equalsValue());
    }
    if (!expect.in().isEmpty() && !expect.in().contains(value)) {
      return new Measurement.Fail(shown + ", expected one of " + expect.in());
    }
    if (expect.matches() != null && !expect.matches().matcher(value).find()) {
      return new Measurement.Fail(shown + ", expected to match " + expect.matches().pattern());
    }
    boolean checked =
        expect.equalsValue() != null || !expect.in().isEmpty() || expect.matches() != null;
    // Without a path or a value rule there is nothing about the body worth repeating.
    return new Measurement.Pass(expect.jsonPath() == null && !checked ? seen : shown);
  }

  private static String text(JsonNode node) {
    return node.isString() ? node.stringValue() : node.toString();
  }

  private static String unreachable(IOException cause, Duration timeout) {
    if (cause instanceof HttpConnectTimeoutException) {
      return "could not connect within " + Durations.format(timeout);
    }
    if (cause instanceof HttpTimeoutException) {
      return "no answer within " + Durations.format(timeout);
    }
    for (Throwable t = cause; t != null; t = t.getCause()) {
      if (t instanceof UnresolvedAddressException) {
        return "host not found";
      }
    }
    if (cause instanceof ConnectException) {
      String m = cause.getMessage();
      return m == null || m.isBlank() || m.toLowerCase(Locale.ROOT).contains("refused")
          ? "connection refused"
          : m;
    }
    return cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
  }

  /** {@code target.url} plus a path, as written: a base with a path keeps it. */
  private static URI join(URI base, String path) {
    String b = base.toString();
    String p = path == null ? "" : path;
    if (b.endsWith("/") && p.startsWith("/")) {
      p = p.substring(1);
    } else if (!b.endsWith("/") && !p.isEmpty() && !p.startsWith("/")) {
      p = "/" + p;
    }
    return URI.create(b + p);
  }

  /** The first 100 characters on one line: enough to recognise an error page. */
  static String head(String text) {
    String one = text.strip().replaceAll("\\s+", " ");
    return one.length() <= 100 ? one : one.substring(0, 100) + "…";
  }
}
