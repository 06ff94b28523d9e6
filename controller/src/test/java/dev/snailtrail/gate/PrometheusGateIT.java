package dev.snailtrail.gate;

import static dev.snailtrail.gate.Fixtures.NOW;
import static dev.snailtrail.gate.Fixtures.RULES;
import static dev.snailtrail.gate.Fixtures.ctx;
import static org.assertj.core.api.Assertions.assertThat;

import dev.snailtrail.gate.LoopbackServer.Answer;
import dev.snailtrail.spec.Gate;
import dev.snailtrail.spec.Threshold;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The prometheus gate against a server answering in the Prometheus HTTP API's own JSON. */
class PrometheusGateIT {

  /** Braces, quotes, a regex match and a range: everything URL encoding can get wrong. */
  private static final String QUERY =
      "sum(rate(http_requests_total{job=\"shine\",code=~\"5..\"}[5m]))";

  private static final String WHAT = "prometheus " + QUERY;

  private final FakeProviders fake = new FakeProviders();
  private final GateEvaluator evaluator = new GateEvaluator(HttpClient.newHttpClient());
  private LoopbackServer prometheus;

  @BeforeEach
  void start() throws Exception {
    prometheus = new LoopbackServer();
  }

  @AfterEach
  void stop() {
    prometheus.close();
  }

  private Measurement measure() {
    return measure(prometheus.base());
  }

  private Measurement measure(URI url) {
    return evaluator.measure(
        new Gate.Prometheus(url, QUERY, Threshold.parse("< 0.01"), RULES), ctx(fake));
  }

  private void answer(int status, String body) {
    prometheus.answer("/api/v1/query", Answer.json(status, body));
  }

  private static String vector(String... values) {
    StringBuilder series = new StringBuilder();
    for (int i = 0; i < values.length; i++) {
      series
          .append(i == 0 ? "" : ",")
          .append("{\"metric\":{\"instance\":\"10.0.1.")
          .append(5 + i)
          .append(":5000\"},\"value\":[1732356180.000,\"")
          .append(values[i])
          .append("\"]}");
    }
    return "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":["
        + series
        + "]}}";
  }

  @Test
  void oneSeriesWithinTheThresholdPassesAndTheQueryIsSentAtTheMeasurementTime() {
    answer(200, vector("0.003"));

    assertThat(measure())
        .isEqualTo(new Measurement.Pass(WHAT + " = 0.003, within threshold < 0.01"));
    LoopbackServer.Seen request = prometheus.seen().get(0);
    String query = URLDecoder.decode(request.rawQuery(), StandardCharsets.UTF_8);
    assertThat(query).isEqualTo("query=" + QUERY + "&time=" + NOW.getEpochSecond() + ".000");
  }

  @Test
  void oneSeriesBeyondTheThresholdFails() {
    answer(200, vector("0.042"));

    assertThat(measure())
        .isEqualTo(new Measurement.Fail(WHAT + " = 0.042, breaks threshold < 0.01"));
  }

  @Test
  void aScalarResultIsJudgedToo() {
    answer(
        200,
        "{\"status\":\"success\",\"data\":{\"resultType\":\"scalar\",\"result\":[1732356180.000,\"0.5\"]}}");

    assertThat(measure()).isEqualTo(new Measurement.Fail(WHAT + " = 0.5, breaks threshold < 0.01"));
  }

  @Test
  void anEmptyResultIsInconclusiveNeverPassed() {
    answer(200, vector());

    assertThat(measure())
        .isEqualTo(new Measurement.Inconclusive(WHAT + ": the query returned no series"));
  }

  @Test
  void notANumberIsInconclusiveNeverPassed() {
    answer(200, vector("NaN"));

    Measurement m = measure();

    assertThat(m).isInstanceOf(Measurement.Inconclusive.class);
    assertThat(m.message()).contains("NaN");
  }

  @Test
  void twoSeriesAreInconclusiveSayingTheQueryMustReturnOne() {
    answer(200, vector("0.001", "0.002"));

    assertThat(measure())
        .isEqualTo(
            new Measurement.Inconclusive(
                WHAT
                    + ": the query returned 2 series ({instance=\"10.0.1.5:5000\"},"
                    + " {instance=\"10.0.1.6:5000\"}); it must return one, e.g. wrap it in"
                    + " sum(...)"));
  }

  @Test
  void anErrorStatusIsAProviderErrorNotAFailure() {
    answer(
        400,
        "{\"status\":\"error\",\"errorType\":\"bad_data\",\"error\":\"invalid parameter"
            + " \\\"query\\\": 1:5: parse error: unexpected end of input\"}");

    assertThat(measure())
        .isEqualTo(
            new Measurement.Error(
                WHAT
                    + ": Prometheus answered 400 bad_data: invalid parameter \"query\": 1:5: parse"
                    + " error: unexpected end of input"));
  }

  @Test
  void aServerErrorIsAProviderError() {
    prometheus.answer("/api/v1/query", Answer.text(503, "Service Unavailable"));

    assertThat(measure())
        .isEqualTo(
            new Measurement.Error(
                WHAT + ": Prometheus answered 503 without JSON: Service Unavailable"));
  }

  @Test
  void aVectorWhoseResultIsNotAListIsAProviderErrorNotABug() {
    answer(
        200,
        "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":"
            + "{\"series\":\"one\"}}}");

    assertThat(measure())
        .isEqualTo(
            new Measurement.Error(
                WHAT
                    + ": Prometheus answered a vector whose result is not a list:"
                    + " {\"series\":\"one\"}"));
  }

  @Test
  void anUnreachableServerIsAProviderError() throws Exception {
    Measurement m = measure(URI.create("http://127.0.0.1:" + LoopbackServer.closedPort()));

    assertThat(m).isInstanceOf(Measurement.Error.class);
    assertThat(m.message()).contains("cannot reach Prometheus at http://127.0.0.1:");
  }
}
