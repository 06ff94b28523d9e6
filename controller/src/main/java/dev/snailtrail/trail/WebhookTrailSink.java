package dev.snailtrail.trail;

import dev.snailtrail.time.Sleeper;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

/**
 * POSTs trail events as JSON to a URL: by default the event's fields plus a Slack-compatible {@code
 * text}, so a Slack or Mattermost incoming webhook shows it as is, or the body a {@link
 * WebhookTemplate} makes. A {@link TrailFilter} chooses the events it sends; {@link WebhookHeaders}
 * go with each (an {@code Authorization}, say), and are never printed. Delivery is in order from a
 * background thread with retries and backoff ({@link QueuedDelivery}): {@link #accept} never waits
 * for the receiver. With the receiver down, events wait in the queue and arrive once it is back;
 * beyond the queue's capacity new events are dropped with a counted warning.
 */
public final class WebhookTrailSink implements TrailSink, AutoCloseable {
  /** Events held while the receiver is down, by default. */
  public static final int DEFAULT_CAPACITY = 10_000;

  private final Settings settings;
  private final HttpClient http;
  private final QueuedDelivery delivery;

  /**
   * Where a webhook sends, which events, with what headers and body.
   *
   * @param url where to POST; it may hold a secret (a Slack webhook's path does), so warnings and
   *     {@link #toString} name its host only
   */
  public record Settings(
      URI url, TrailFilter filter, WebhookHeaders headers, WebhookTemplate template) {
    /** Every event, no headers, the default body. */
    public static Settings of(URI url) {
      return new Settings(url, TrailFilter.ALL, WebhookHeaders.NONE, WebhookTemplate.DEFAULT);
    }

    @Override
    public String toString() {
      return "webhook to "
          + url.getHost()
          + ", "
          + filter.describe()
          + (headers.names().isEmpty() ? "" : ", " + headers)
          + (template == WebhookTemplate.DEFAULT ? "" : ", own template");
    }
  }

  /** A sink with the default capacity and backoff (1 s doubling to 1 min). */
  public WebhookTrailSink(Settings settings, Sleeper sleeper, PrintStream warnings) {
    this(
        settings,
        DEFAULT_CAPACITY,
        Duration.ofSeconds(1),
        Duration.ofMinutes(1),
        sleeper,
        warnings);
  }

  /**
   * @param capacity events queued before new ones are dropped
   * @param firstBackoff wait after a failed POST, doubling up to {@code maxBackoff}
   */
  public WebhookTrailSink(
      Settings settings,
      int capacity,
      Duration firstBackoff,
      Duration maxBackoff,
      Sleeper sleeper,
      PrintStream warnings) {
    this.settings = settings;
    this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    this.delivery =
        new QueuedDelivery(
            "webhook " + settings.url().getHost(),
            this::post,
            capacity,
            1,
            Duration.ZERO,
            firstBackoff,
            maxBackoff,
            sleeper,
            warnings);
  }

  /** Queues the event when the filter passes it; drops it, uncounted, when not. */
  @Override
  public void accept(TrailEvent event) {
    if (settings.filter().accepts(event)) {
      delivery.offer(event);
    }
  }

  private void post(List<TrailEvent> batch) throws Exception {
    for (TrailEvent e : batch) {
      HttpRequest.Builder request =
          HttpRequest.newBuilder(settings.url())
              .timeout(Duration.ofSeconds(10))
              .header("Content-Type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofString(settings.template().render(e)));
      settings.headers().addTo(request);
      HttpResponse<Void> r = http.send(request.build(), HttpResponse.BodyHandlers.discarding());
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
