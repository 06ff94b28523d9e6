package dev.snailtrail.aws;

import dev.snailtrail.json.Json;
import dev.snailtrail.time.Sleeper;
import dev.snailtrail.trail.QueuedDelivery;
import dev.snailtrail.trail.TrailEvent;
import dev.snailtrail.trail.TrailSink;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.cloudwatchlogs.model.InputLogEvent;
import software.amazon.awssdk.services.cloudwatchlogs.model.PutLogEventsResponse;
import software.amazon.awssdk.services.cloudwatchlogs.model.ResourceAlreadyExistsException;
import software.amazon.awssdk.services.cloudwatchlogs.model.ResourceNotFoundException;

/**
 * Sends the trail to CloudWatch Logs: one log stream per rollout in a log group, each event a JSON
 * line, in order. Streams (and the group) are created on first use. Events are batched (up to
 * {@code batchSize}, or every {@code flushEvery}) and sent with PutLogEvents from a background
 * thread ({@link QueuedDelivery}); failures are retried later with backoff, so a reconcile pass
 * never waits for or fails on CloudWatch. A full queue drops new events with a counted warning.
 */
public final class CloudWatchLogsTrailSink implements TrailSink, AutoCloseable {
  /** PutLogEvents takes at most 10,000 events; trail events are far fewer per interval. */
  public static final int DEFAULT_BATCH = 100;

  private final CloudWatchLogsClient logs;
  private final String logGroup;
  private final PrintStream warnings;
  private final Set<String> streams = new HashSet<>();
  private final QueuedDelivery delivery;
  private boolean groupChecked;

  /** Batches of up to 100 events, sent at least every 5 s, 10,000 events queued at most. */
  public CloudWatchLogsTrailSink(
      CloudWatchLogsClient logs, String logGroup, Sleeper sleeper, PrintStream warnings) {
    this(logs, logGroup, DEFAULT_BATCH, Duration.ofSeconds(5), 10_000, sleeper, warnings);
  }

  /**
   * @param logs a client built once by the composition root (closed by it)
   * @param batchSize events per PutLogEvents call at most
   * @param flushEvery how long an event waits for its batch to fill
   * @param capacity events queued before new ones are dropped
   */
  public CloudWatchLogsTrailSink(
      CloudWatchLogsClient logs,
      String logGroup,
      int batchSize,
      Duration flushEvery,
      int capacity,
      Sleeper sleeper,
      PrintStream warnings) {
    this.logs = logs;
    this.logGroup = logGroup;
    this.warnings = warnings;
    this.delivery =
        new QueuedDelivery(
            "cloudwatch-logs " + logGroup,
            this::put,
            capacity,
            batchSize,
            flushEvery,
            Duration.ofSeconds(1),
            Duration.ofMinutes(1),
            sleeper,
            warnings);
  }

  @Override
  public void accept(TrailEvent event) {
    delivery.offer(event);
  }

  /** The log stream of a rollout: its name, with the characters Logs refuses replaced. */
  public static String streamName(String rollout) {
    return rollout.replace(':', '_').replace('*', '_');
  }

  /** Runs on the delivery thread only. */
  private void put(List<TrailEvent> batch) {
    Map<String, List<InputLogEvent>> byStream = new LinkedHashMap<>();
    for (TrailEvent e : batch) {
      byStream
          .computeIfAbsent(streamName(e.rollout()), k -> new ArrayList<>())
          .add(
              InputLogEvent.builder()
                  .timestamp(e.time().toEpochMilli())
                  .message(Json.mapper().writeValueAsString(e))
                  .build());
    }
    // A batch retried after a partial failure may resend a stream's events; the event ids in the
    // messages let readers drop the duplicate.
    for (var entry : byStream.entrySet()) {
      ensureStream(entry.getKey());
      PutLogEventsResponse r =
          logs.putLogEvents(
              b ->
                  b.logGroupName(logGroup)
                      .logStreamName(entry.getKey())
                      .logEvents(entry.getValue()));
      if (r.rejectedLogEventsInfo() != null) {
        warnings.println(
            "trail sink cloudwatch-logs: CloudWatch rejected some events of stream "
                + entry.getKey()
                + " (too old or too new): "
                + r.rejectedLogEventsInfo());
      }
    }
  }

  private void ensureStream(String stream) {
    if (streams.contains(stream)) {
      return;
    }
    if (!groupChecked) {
      try {
        logs.createLogGroup(b -> b.logGroupName(logGroup));
      } catch (ResourceAlreadyExistsException exists) {
        // Usual: the group is shared with other streams.
      }
      groupChecked = true;
    }
    try {
      logs.createLogStream(b -> b.logGroupName(logGroup).logStreamName(stream));
    } catch (ResourceAlreadyExistsException exists) {
      // A controller before this one created it.
    } catch (ResourceNotFoundException groupGone) {
      groupChecked = false;
      throw groupGone;
    }
    streams.add(stream);
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
