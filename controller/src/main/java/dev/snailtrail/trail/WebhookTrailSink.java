package dev.snailtrail.trail;

import dev.snailtrail.json.Json;
import dev.snailtrail.time.Sleeper;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import tools.jackson.databind.node.ObjectNode;

/**
 * POSTs each trail event as JSON to a URL: the event's fields plus a Slack-compatible {@code text}
 * (the console line), so a Slack or Mattermost incoming webhook shows it as is. Delivery is in
 * order from a background thread with retries and backoff ({@link QueuedDelivery}): {@link #accept}
 * never waits for the receiver. With the receiver down, events wait in the queue and arrive once it
 * is back; beyond the queue's capacity new events are dropped with a counted warning.
 */
public final class WebhookTrailSink implements TrailSink, AutoCloseable {
  /** Events held while the receiver is down, by default. */
  public static final int DEFAULT_CAPACITY = 10_000;

  private final URI url;
  private final HttpClient http;
  private final QueuedDelivery delivery;

  /** A sink with the default capacity and backoff (1 s doubling to 1 min). */
  public WebhookTrailSink(URI url, Sleeper sleeper, PrintStream warnings) {
    this(url, DEFAULT_CAPACITY, Duration.ofSeconds(1), Duration.ofMinutes(1), sleeper, warnings);
  }

  /**
   * @param capacity events queued before new ones are dropped
   * @param firstBackoff wait after a failed POST, doubling up to {@code maxBackoff}
   */
  public WebhookTrailSink(
      URI url,
      int capacity,
      Duration firstBackoff,
      Duration maxBackoff,
      Sleeper sleeper,
      PrintStream warnings) {
    this.url = url;
    this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    this.delivery =
        new QueuedDelivery(
            "webhook " + url.getHost(),
            this::post,
            capacity,
            1,
            Duration.ZERO,
            firstBackoff,
            maxBackoff,
            sleeper,
            warnings);
  }

  @Override
  public void accept(TrailEvent event) {
    delivery.offer(event);
  }

  /** The JSON body for an event. */
  public static String body(TrailEvent e) {
    ObjectNode node = Json.mapper().valueToTree(e);
    node.put("text", ConsoleTrailSink.format(e, false));
    return Json.mapper().writeValueAsString(node);
  }

  private void post(List<TrailEvent> batch) throws Exception {
    for (TrailEvent e : batch) {
      HttpResponse<Void> r =
          http.send(
              HttpRequest.newBuilder(url)
                  .timeout(Duration.ofSeconds(10))
                  .header("Content-Type", "application/json")
                  .POST(HttpRequest.BodyPublishers.ofString(body(e)))
                  .build(),
              HttpResponse.BodyHandlers.discarding());
      if (r.statusCode() / 100 != 2) {
        // Not naming the URL: webhook URLs often carry their secret in the path.
        throw new IllegalStateException("receiver answered HTTP " + r.statusCode());
      }
    }
  }

  /** The delivery queue, for its counters and {@link QueuedDelivery#flush}. */
  public QueuedDelivery delivery() {
    return delivery;
  }

  @Override
  public void close() {
    delivery.close();
  }
}
