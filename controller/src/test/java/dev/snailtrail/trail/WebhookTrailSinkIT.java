package dev.snailtrail.trail;

import static org.assertj.core.api.Assertions.assertThat;

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
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The webhook sink against a real loopback HTTP receiver. With the receiver down, events wait in
 * the queue and all arrive, once and in order, when it comes back; past the queue's capacity new
 * events are dropped and counted.
 */
class WebhookTrailSinkIT {
  /** Events the receiver accepted (answered 2xx), in order. */
  private final List<JsonNode> received = Collections.synchronizedList(new ArrayList<>());

  /** The id of every event the receiver was sent, accepted or not. */
  private final List<String> attempts = new CopyOnWriteArrayList<>();

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
        .startsWith("🐌 [NOV 23] - [10:00:00]")
        .contains("✅ event 0");
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
    return new WebhookTrailSink(
        URI.create("http://127.0.0.1:" + port + "/hooks/trail"),
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
