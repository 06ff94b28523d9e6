package dev.snailtrail.trail;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpServer;
import dev.snailtrail.json.Json;
import dev.snailtrail.rollout.Reason;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The webhook sink against a real loopback HTTP receiver. With the receiver down, events wait in
 * the queue and all arrive, once and in order, when it comes back; past the queue's capacity new
 * events are dropped and counted. A filter sends only what it names; headers arrive and their
 * values are printed nowhere; a template's placeholders are filled, and the default text reads as
 * Slack expects.
 */
class WebhookTrailSinkIT {
  /** Events the receiver accepted (answered 2xx), in order. */
  private final List<JsonNode> received = Collections.synchronizedList(new ArrayList<>());

  /** The id of every event the receiver was sent, accepted or not. */
  private final List<String> attempts = new CopyOnWriteArrayList<>();

  /** The headers of every request the receiver saw. */
  private final List<Headers> headers = new CopyOnWriteArrayList<>();

  /** What the receiver answers. */
  private volatile int status = 204;

  private final ByteArrayOutputStream warnings = new ByteArrayOutputStream();
  private final PrintStream warn = new PrintStream(warnings, true, StandardCharsets.UTF_8);
  private HttpServer receiver;

  @AfterEach
  void stop() {
    if (receiver != null) {
      receiver.stop(0);
    }
  }

  @Test
  void everyEventArrivesOnceInOrderWithASlackText() throws Exception {
    int port = startReceiver(0);
    try (WebhookTrailSink sink = sink(port, 1_000)) {
      events(20).forEach(sink::accept);
      assertThat(sink.delivery().flush(Duration.ofSeconds(10))).isTrue();
    }
    assertThat(received)
        .extracting(n -> n.path("id").asString())
        .containsExactlyElementsOf(ids(20));
    JsonNode first = received.get(0);
    assertThat(first.path("type").asString()).isEqualTo("GatePassed");
    assertThat(first.path("rollout").asString()).isEqualTo("shine");
    assertThat(first.path("data").path("gate").asString()).isEqualTo("http/0");
    assertThat(first.path("text").asString())
        .isEqualTo("✅ *shine* · first-steps — event 0  _[NOV 23] - [10:00:00]_");
  }

  @Test
  void theDefaultTextEscapesWhatSlackReadsAsMarkup() throws Exception {
    int port = startReceiver(0);
    try (WebhookTrailSink sink = sink(port, 10)) {
      sink.accept(
          event(0, EventType.GateFailed, Severity.Warning, "p95 = 0.3, wanted < 0.2 & fast"));
      assertThat(sink.delivery().flush(Duration.ofSeconds(10))).isTrue();
    }
    assertThat(received.get(0).path("text").asString())
        .isEqualTo(
            "❌ *shine* · first-steps — p95 = 0.3, wanted &lt; 0.2 &amp; fast  _[NOV 23] -"
                + " [10:00:00]_");
  }

  @Test
  void aFilterSendsTheTypesItNamesAndWhatIsAtLeastAsSevereAndDropsTheRest() throws Exception {
    int port = startReceiver(0);
    List<TrailEvent> mixed =
        List.of(
            event(0, EventType.GatePassed, Severity.Normal, "gate passed"),
            event(1, EventType.GateFailed, Severity.Warning, "gate failed"),
            event(2, EventType.RollbackStarted, Severity.Warning, "rolling back"),
            event(3, EventType.PhaseCompleted, Severity.Normal, "phase done"),
            event(4, EventType.RollbackFailed, Severity.Error, "rollback failed"),
            event(5, EventType.Note, Severity.Normal, "a note"));
    Map<TrailFilter, List<String>> expected =
        Map.of(
            new TrailFilter(Set.of(EventType.PhaseCompleted), Severity.Warning),
            List.of("shine/1/1", "shine/1/2", "shine/1/3", "shine/1/4"),
            new TrailFilter(Set.of(), Severity.Error),
            List.of("shine/1/4"),
            new TrailFilter(Set.of(EventType.RollbackStarted, EventType.Note), null),
            List.of("shine/1/2", "shine/1/5"),
            TrailFilter.ALL,
            ids(6));
    for (var f : expected.entrySet()) {
      received.clear();
      WebhookTrailSink.Settings settings =
          new WebhookTrailSink.Settings(
              url(port), f.getKey(), WebhookHeaders.NONE, WebhookTemplate.DEFAULT);
      try (WebhookTrailSink sink = sink(settings, 100)) {
        mixed.forEach(sink::accept);
        assertThat(sink.delivery().flush(Duration.ofSeconds(10))).isTrue();
        assertThat(sink.delivery().dropped()).as("filtered out is not dropped").isZero();
      }
      assertThat(received)
          .as(f.getKey().describe())
          .extracting(n -> n.path("id").asString())
          .containsExactlyElementsOf(f.getValue());
    }
  }

  @Test
  void headersGoWithEveryEventAndTheirValuesAppearInNoWarning() throws Exception {
    String secret = "Bearer hook-s3cret-" + System.nanoTime();
    int port = startReceiver(0);
    status = 503;
    WebhookTrailSink.Settings settings =
        new WebhookTrailSink.Settings(
            url(port),
            TrailFilter.ALL,
            WebhookHeaders.of(Map.of("Authorization", secret, "X-Hook-Key", "k3y-42")),
            WebhookTemplate.DEFAULT);
    try (WebhookTrailSink sink = sink(settings, 100)) {
      events(3).forEach(sink::accept);
      awaitAttempts(2);
      status = 204;
      assertThat(sink.delivery().flush(Duration.ofSeconds(10))).isTrue();
    }
    assertThat(received).hasSize(3);
    assertThat(headers)
        .allSatisfy(
            h -> {
              assertThat(h.getFirst("Authorization")).isEqualTo(secret);
              assertThat(h.getFirst("X-Hook-Key")).isEqualTo("k3y-42");
            });
    String warned = warnings.toString(StandardCharsets.UTF_8);
    assertThat(warned).contains("delivery failed").doesNotContain(secret, "s3cret", "k3y-42");
    assertThat(settings.toString())
        .contains("Authorization", "X-Hook-Key")
        .doesNotContain(secret, "s3cret", "k3y-42", "/hooks/trail");
  }

  @Test
  void aTemplateFillsItsPlaceholdersFromTheEventAndStaysValidJson() throws Exception {
    int port = startReceiver(0);
    WebhookTemplate template =
        WebhookTemplate.parse(
            """
            {"text": "{{icon}} {{rollout}} ({{phase}}): {{message}}",
             "attachments": [{"fields": ["{{data.gate}}", "{{severity}}", "{{ type }}"],
                              "ts": "{{time}}", "missing": "[{{data.nothing}}]"}],
             "id": "{{id}}", "count": 3}
            """);
    WebhookTrailSink.Settings settings =
        new WebhookTrailSink.Settings(url(port), TrailFilter.ALL, WebhookHeaders.NONE, template);
    try (WebhookTrailSink sink = sink(settings, 10)) {
      sink.accept(event(7, EventType.GateFailed, Severity.Warning, "said \"no\"\\ then\n<b>"));
      assertThat(sink.delivery().flush(Duration.ofSeconds(10))).isTrue();
    }
    JsonNode body = received.get(0);
    assertThat(body.path("text").asString())
        .isEqualTo("❌ shine (first-steps): said \"no\"\\ then\n<b>");
    JsonNode attachment = body.path("attachments").get(0);
    assertThat(attachment.path("fields").toString())
        .isEqualTo("[\"http/0\",\"Warning\",\"GateFailed\"]");
    assertThat(attachment.path("ts").asString()).isEqualTo("2026-11-23T10:00:07Z");
    assertThat(attachment.path("missing").asString()).isEqualTo("[]");
    assertThat(body.path("id").asString()).isEqualTo("shine/1/7");
    assertThat(body.path("count").asInt()).isEqualTo(3);
  }

  @Test
  void aDownReceiverNeitherDelaysAcceptNorLosesEvents() throws Exception {
    // Up but answering 503: unlike a closed port, it sees every attempt, so what the sink does
    // while the receiver is down can be observed, not just assumed.
    int port = startReceiver(0);
    status = 503;
    try (WebhookTrailSink sink = sink(port, 1_000)) {
      long t0 = System.nanoTime();
      events(100).forEach(sink::accept);
      long took = System.nanoTime() - t0;
      System.out.printf(
          "WebhookTrailSinkIT: accept of 100 events, receiver down: %.2f ms%n", took / 1e6);
      awaitAttempts(3);
      assertThat(sink.delivery().delivered()).as("delivered while the receiver was down").isZero();
      assertThat(attempts)
          .as("the first event is retried; nothing after it is sent before it goes out")
          .containsOnly("shine/1/0");
      status = 204;
      assertThat(sink.delivery().flush(Duration.ofSeconds(15))).isTrue();
      assertThat(sink.delivery().dropped()).isZero();
    }
    assertThat(received)
        .extracting(n -> n.path("id").asString())
        .containsExactlyElementsOf(ids(100));
    assertThat(warnings.toString(StandardCharsets.UTF_8)).contains("delivery failed, retrying");
  }

  /** Waits until the receiver has seen {@code n} attempts, at most 10 s. */
  private void awaitAttempts(int n) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (attempts.size() < n) {
      assertThat(System.nanoTime())
          .as("the receiver saw %d attempts within 10 s, saw %s", n, attempts)
          .isLessThan(deadline);
      Thread.sleep(5);
    }
  }

  @Test
  void pastItsCapacityTheQueueDropsNewEventsAndCountsThem() throws Exception {
    int port = freePort();
    try (WebhookTrailSink sink = sink(port, 10)) {
      events(100).forEach(sink::accept);
      long dropped = sink.delivery().dropped();
      startReceiver(port);
      assertThat(sink.delivery().flush(Duration.ofSeconds(15))).isTrue();
      assertThat(dropped).isPositive();
      assertThat(received.size() + dropped).isEqualTo(100);
    }
    List<String> ids = received.stream().map(n -> n.path("id").asString()).toList();
    assertThat(ids).doesNotHaveDuplicates().isSubsetOf(ids(100));
    assertThat(ids).isSortedAccordingTo((a, b) -> Integer.compare(seq(a), seq(b)));
    assertThat(warnings.toString(StandardCharsets.UTF_8)).contains("dropped so far");
  }

  private WebhookTrailSink sink(int port, int capacity) {
    return sink(WebhookTrailSink.Settings.of(url(port)), capacity);
  }

  private static URI url(int port) {
    return URI.create("http://127.0.0.1:" + port + "/hooks/trail");
  }

  private WebhookTrailSink sink(WebhookTrailSink.Settings settings, int capacity) {
    return new WebhookTrailSink(
        settings,
        capacity,
        Duration.ofMillis(20),
        Duration.ofMillis(200),
        d -> Thread.sleep(d.toMillis()),
        warn);
  }

  private int startReceiver(int port) throws IOException {
    receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 50);
    receiver.createContext(
        "/hooks/trail",
        ex -> {
          try (ex) {
            JsonNode event = Json.mapper().readTree(ex.getRequestBody().readAllBytes());
            headers.add(ex.getRequestHeaders());
            int answer = status;
            attempts.add(event.path("id").asString());
            if (answer / 100 == 2) {
              received.add(event);
            }
            ex.sendResponseHeaders(answer, -1);
          }
        });
    receiver.start();
    return receiver.getAddress().getPort();
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private static TrailEvent event(int i, EventType type, Severity severity, String message) {
    return new TrailEvent(
        "shine/1/" + i,
        Instant.parse("2026-11-23T10:00:00Z").plusSeconds(i),
        "shine",
        1,
        "first-steps",
        type,
        severity,
        Reason.GateFailed,
        message,
        Map.of("gate", "http/0"));
  }

  private static List<TrailEvent> events(int n) {
    Instant t0 = Instant.parse("2026-11-23T10:00:00Z");
    return IntStream.range(0, n)
        .mapToObj(
            i ->
                new TrailEvent(
                    "shine/1/" + i,
                    t0.plusSeconds(i),
                    "shine",
                    1,
                    "first-steps",
                    EventType.GatePassed,
                    Severity.Normal,
                    Reason.GatePassed,
                    "event " + i,
                    Map.of("gate", "http/0")))
        .toList();
  }

  private static List<String> ids(int n) {
    return IntStream.range(0, n).mapToObj(i -> "shine/1/" + i).toList();
  }

  private static int seq(String id) {
    return Integer.parseInt(id.substring(id.lastIndexOf('/') + 1));
  }
}
