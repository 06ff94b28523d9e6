package dev.snailtrail.gate;

import static dev.snailtrail.gate.Fixtures.NOW;
import static dev.snailtrail.gate.Fixtures.RULES;
import static dev.snailtrail.gate.Fixtures.ctx;
import static org.assertj.core.api.Assertions.assertThat;

import dev.snailtrail.gate.LoopbackServer.Answer;
import dev.snailtrail.spec.Gate;
import dev.snailtrail.spec.Gate.HttpExpect;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The http gate against a real server on the loopback interface. */
class HttpGateIT {

  private static final HttpClient CLIENT =
      HttpClient.newBuilder()
          .connectTimeout(Duration.ofSeconds(2))
          .followRedirects(HttpClient.Redirect.NEVER)
          .build();

  private final FakeProviders fake = new FakeProviders();
  private LoopbackServer server;

  /** Every request "takes" this long, whatever the machine does: latency without waiting. */
  private long latencyMillis = 12;

  private final AtomicLong ticks = new AtomicLong();
  private final GateEvaluator evaluator =
      new GateEvaluator(CLIENT, () -> ticks.getAndAdd(latencyMillis * 1_000_000));

  @BeforeEach
  void start() throws Exception {
    server = new LoopbackServer();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private Measurement measure(Gate gate) {
    ticks.set(0);
    return evaluator.measure(gate, ctx(fake, NOW, server.base()));
  }

  private static Gate get(String path, HttpExpect expect) {
    return new Gate.Http(path, null, null, null, Map.of(), expect, RULES);
  }

  private static HttpExpect status(int code) {
    return new HttpExpect(code, null, null, List.of(), null, null);
  }

  private static HttpExpect path(String jsonPath, String equals, List<String> in, String regex) {
    return new HttpExpect(
        200, jsonPath, equals, in, regex == null ? null : Pattern.compile(regex), null);
  }

  @Test
  void aHealthyEndpointPasses() {
    server.answer("/health", Answer.json(200, "{\"status\":\"ok\"}"));

    assertThat(measure(get("/health", status(200))))
        .isEqualTo(new Measurement.Pass("GET /health → 200 in 12 ms"));
  }

  @Test
  void anUnexpectedStatusFailsShowingTheStartOfTheBody() {
    server.answer("/health", Answer.json(503, "{\"status\":\"starting\"}"));

    assertThat(measure(get("/health", status(200))))
        .isEqualTo(
            new Measurement.Fail(
                "GET /health → 503 in 12 ms, expected 200: {\"status\":\"starting\"}"));
  }

  @Test
  void aJsonPathValueThatDiffersFailsSayingWhatWasSeenAndExpected() {
    server.answer("/ml/status", Answer.json(200, "{\"ml\":{\"state\":\"degraded\"}}"));

    assertThat(measure(get("/ml/status", path("$.ml.state", "ready", List.of(), null))))
        .isEqualTo(
            new Measurement.Fail(
                "GET /ml/status → 200 in 12 ms, $.ml.state = degraded, expected ready"));
  }

  @Test
  void aValueAmongTheAllowedOnesPasses() {
    server.answer("/ml/status", Answer.json(200, "{\"ml\":{\"state\":\"degraded\"}}"));

    assertThat(
            measure(
                get("/ml/status", path("$.ml.state", null, List.of("ready", "degraded"), null))))
        .isEqualTo(new Measurement.Pass("GET /ml/status → 200 in 12 ms, $.ml.state = degraded"));
  }

  @Test
  void aValueOutsideTheAllowedOnesFails() {
    server.answer("/ml/status", Answer.json(200, "{\"ml\":{\"state\":\"down\"}}"));

    assertThat(
            measure(
                get("/ml/status", path("$.ml.state", null, List.of("ready", "degraded"), null))))
        .isEqualTo(
            new Measurement.Fail(
                "GET /ml/status → 200 in 12 ms, $.ml.state = down, expected one of [ready,"
                    + " degraded]"));
  }

  @Test
  void wildcardsReadTheFirstMatchAndMatchesAppliesARegex() {
    server.answer(
        "/models",
        Answer.json(
            200,
            "{\"models\":[{\"name\":\"a\"},{\"name\":\"shine\",\"version\":\"2.1.0\"}],\"ok\":true}"));

    assertThat(measure(get("/models", path("$.models[*].version", null, List.of(), "^2\\."))))
        .isEqualTo(new Measurement.Pass("GET /models → 200 in 12 ms, $.models[*].version = 2.1.0"));
    assertThat(measure(get("/models", path("$['ok']", "true", List.of(), null))))
        .isInstanceOf(Measurement.Pass.class);
    assertThat(measure(get("/models", path("$.models[0].version", null, List.of(), null))))
        .isEqualTo(
            new Measurement.Fail(
                "GET /models → 200 in 12 ms, $.models[0].version not found in"
                    + " {\"models\":[{\"name\":\"a\"},{\"name\":\"shine\",\"version\":\"2.1.0\"}],\"ok\":true}"));
  }

  @Test
  void aBodyThatIsNotJsonFailsQuotingItsFirstHundredCharacters() {
    String page = "<html><body>" + "Bad Gateway ".repeat(20) + "</body></html>";
    server.answer("/ml/status", new Answer(200, "text/html", page, false));

    Measurement m = measure(get("/ml/status", path("$.ml.state", "ready", List.of(), null)));

    assertThat(m)
        .isEqualTo(
            new Measurement.Fail(
                "GET /ml/status → 200 in 12 ms, body is not JSON: "
                    + page.substring(0, 100)
                    + "…"));
  }

  @Test
  void aSlowAnswerFailsAgainstMaxLatency() {
    server.answer("/health", Answer.json(200, "{}"));
    latencyMillis = 812;

    Measurement m =
        measure(
            get(
                "/health",
                new HttpExpect(200, null, null, List.of(), null, Duration.ofMillis(500))));

    assertThat(m)
        .isEqualTo(
            new Measurement.Fail("GET /health → 200 in 812 ms, slower than maxLatency 500ms"));
  }

  @Test
  void aRefusedConnectionIsEvidenceAgainstThePhase() throws Exception {
    URI closed = URI.create("http://127.0.0.1:" + LoopbackServer.closedPort());

    Measurement m = evaluator.measure(get("/health", status(200)), ctx(fake, NOW, closed));

    assertThat(m).isEqualTo(new Measurement.Fail("GET " + closed + "/health: connection refused"));
  }

  @Test
  void noAnswerWithinTheTimeoutFails() {
    server.answer("/health", Answer.hanging());
    Gate gate =
        new Gate.Http("/health", null, null, Duration.ofMillis(300), Map.of(), status(200), RULES);

    assertThat(measure(gate))
        .isEqualTo(
            new Measurement.Fail("GET " + server.base() + "/health: no answer within 300ms"));
  }

  @Test
  void sendsTheGatesMethodAndHeadersButNeverShowsThem() {
    server.answer("/hooks/ready", Answer.text(401, "unauthorized"));
    Gate gate =
        new Gate.Http(
            "/hooks/ready",
            null,
            "post",
            null,
            Map.of("Authorization", "Bearer s3cr3t-token", "X-Probe", "snailtrail"),
            status(204),
            RULES);

    Measurement m = measure(gate);

    assertThat(m)
        .isEqualTo(
            new Measurement.Fail("POST /hooks/ready → 401 in 12 ms, expected 204: unauthorized"));
    LoopbackServer.Seen request = server.seen().get(0);
    assertThat(request.method()).isEqualTo("POST");
    assertThat(request.headers().get("X-probe")).containsExactly("snailtrail");
  }

  @Test
  void anAbsoluteUrlIsRequestedAsWrittenWithSecretsHiddenInMessages() {
    server.answer("/status", Answer.text(500, "boom"));
    URI url = URI.create(server.base() + "/status?api_key=abc123&verbose=1");
    Gate gate = new Gate.Http(null, url, null, null, Map.of(), status(200), RULES);

    Measurement m = evaluator.measure(gate, ctx(fake, NOW, null));

    assertThat(m.message())
        .startsWith("GET " + server.base() + "/status?api_key=***&verbose=1 → 500")
        .doesNotContain("abc123");
    assertThat(server.seen().get(0).rawQuery()).isEqualTo("api_key=abc123&verbose=1");
  }

  @Test
  void aPathUnderATargetUrlWithAPathKeepsIt() {
    server.answer("/api/health", Answer.json(200, "{}"));
    URI base = URI.create(server.base() + "/api/");

    Measurement m = evaluator.measure(get("/health", status(200)), ctx(fake, NOW, base));

    assertThat(m).isInstanceOf(Measurement.Pass.class);
    assertThat(server.seen().get(0).path()).isEqualTo("/api/health");
  }

  @Test
  void aRelativePathWithoutTargetUrlFailsSayingWhatToSet() {
    Measurement m = evaluator.measure(get("/health", status(200)), ctx(fake, NOW, null));

    assertThat(m)
        .isEqualTo(
            new Measurement.Fail(
                "http gate path /health is relative but the rollout has no target.url; set"
                    + " target.url or give the gate an absolute url"));
  }

  @Test
  void theDefaultClientDoesNotFollowRedirects() {
    server.answer("/new", Answer.json(200, "{}"));
    server.answer("/old", new Answer(302, "text/plain", "moved", false));

    Measurement m =
        GateEvaluator.withDefaults()
            .measure(get("/old", status(200)), ctx(fake, NOW, server.base()));

    assertThat(m).isInstanceOf(Measurement.Fail.class);
    assertThat(m.message()).startsWith("GET /old → 302 in ").endsWith("expected 200: moved");
  }
}
