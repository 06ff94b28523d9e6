package dev.snailtrail.gate;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.stream.Collectors;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * Prometheus instant queries over the evaluator's shared HTTP client. Answers keep apart the three
 * things a boolean would blur: a value, an answer without a usable value, and no answer at all.
 */
final class PrometheusClient {

  private static final Duration TIMEOUT = Duration.ofSeconds(10);
  private static final ObjectMapper JSON = JsonMapper.builder().build();

  private final HttpClient client;

  PrometheusClient(HttpClient client) {
    this.client = client;
  }

  /** What one query gave. */
  sealed interface Answer {
    /** Exactly one sample. */
    record Value(double value) implements Answer {}

    /** Prometheus answered, but not with one usable number (no series, NaN, several series). */
    record NoValue(String why) implements Answer {}

    /** Prometheus could not be asked or refused the query. */
    record Unavailable(String why) implements Answer {}
  }

  /** {@code GET <server>/api/v1/query?query=…&time=…}. */
  Answer query(URI server, String promql, Instant time) {
    URI uri =
        URI.create(
            stripSlash(server.toString())
                + "/api/v1/query?query="
                + URLEncoder.encode(promql, StandardCharsets.UTF_8)
                + "&time="
                + String.format(
                    Locale.ROOT, "%d.%03d", time.getEpochSecond(), time.getNano() / 1_000_000));
    HttpResponse<String> response;
    try {
      response =
          client.send(
              HttpRequest.newBuilder(uri)
                  .timeout(TIMEOUT)
                  .header("Accept", "application/json")
                  .GET()
                  .build(),
              HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      return new Answer.Unavailable(
          "cannot reach Prometheus at "
              + Redaction.url(server)
              + ": "
              + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Answer.Unavailable("interrupted while querying Prometheus");
    }
    return read(response.statusCode(), response.body());
  }

  private static Answer read(int status, String body) {
    JsonNode doc;
    try {
      doc = JSON.readTree(body);
    } catch (JacksonException e) {
      doc = null;
    }
    if (doc == null || !doc.isObject()) {
      return new Answer.Unavailable(
          "Prometheus answered " + status + " without JSON: " + HttpGate.head(body));
    }
    if (!"success".equals(doc.path("status").asString(""))) {
      return new Answer.Unavailable(
          "Prometheus answered "
              + status
              + " "
              + doc.path("errorType").asString("error")
              + ": "
              + doc.path("error").asString("no error message"));
    }
    if (status >= 300) {
      return new Answer.Unavailable("Prometheus answered " + status);
    }
    JsonNode data = doc.path("data");
    String type = data.path("resultType").asString("");
    JsonNode result = data.path("result");
    return switch (type) {
      case "scalar" -> sample(result);
      case "vector" -> {
        if (result.size() > 0 && !result.isArray()) {
          // Members but no order: not an answer this client can read a series from.
          yield new Answer.Unavailable(
              "Prometheus answered a vector whose result is not a list: "
                  + HttpGate.head(result.toString()));
        }
        if (result.size() == 0) {
          yield new Answer.NoValue("the query returned no series");
        }
        if (result.size() > 1) {
          yield new Answer.NoValue(
              "the query returned "
                  + result.size()
                  + " series ("
                  + labels(result.get(0).path("metric"))
                  + ", "
                  + labels(result.get(1).path("metric"))
                  + (result.size() > 2 ? ", …" : "")
                  + "); it must return one, e.g. wrap it in sum(...)");
        }
        yield sample(result.get(0).path("value"));
      }
      default ->
          new Answer.NoValue(
              "the query returned a "
                  + (type.isEmpty() ? "result of no type" : type)
                  + "; write an instant query returning one series or a scalar");
    };
  }

  /** {@code [ <unix time>, "<value>" ]}, the value a string so NaN and ±Inf survive JSON. */
  private static Answer sample(JsonNode pair) {
    String raw = pair.path(1).asString("");
    double value;
    try {
      value =
          switch (raw) {
            case "+Inf", "Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            default -> Double.parseDouble(raw);
          };
    } catch (NumberFormatException e) {
      return new Answer.Unavailable("Prometheus returned a sample that is not a number: " + raw);
    }
    if (Double.isNaN(value)) {
      return new Answer.NoValue("the query returned NaN (no data to divide, or no samples)");
    }
    return new Answer.Value(value);
  }

  private static String labels(JsonNode metric) {
    return metric.properties().stream()
        .map(e -> e.getKey() + "=" + e.getValue())
        .collect(Collectors.joining(",", "{", "}"));
  }

  private static String stripSlash(String s) {
    return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
  }
}
