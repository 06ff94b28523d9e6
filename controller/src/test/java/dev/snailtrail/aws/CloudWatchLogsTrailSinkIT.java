package dev.snailtrail.aws;

import static org.assertj.core.api.Assertions.assertThat;

import dev.snailtrail.json.Json;
import dev.snailtrail.moto.MotoServer;
import dev.snailtrail.rollout.Reason;
import dev.snailtrail.trail.EventType;
import dev.snailtrail.trail.Severity;
import dev.snailtrail.trail.TrailEvent;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.cloudwatchlogs.model.OutputLogEvent;

@ExtendWith(MotoServer.Extension.class)
class CloudWatchLogsTrailSinkIT {
  private static final String GROUP = "/snailtrail/trail";

  @Test
  void eachRolloutGetsAStreamWithEveryEventInOrder(MotoServer moto) throws Exception {
    CloudWatchLogsClient logs =
        moto.client(CloudWatchLogsClient.class, CloudWatchLogsClient::builder);
    ByteArrayOutputStream warnings = new ByteArrayOutputStream();
    Instant t0 = Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(120);
    try (var sink =
        new CloudWatchLogsTrailSink(
            logs,
            GROUP,
            7,
            Duration.ofMillis(50),
            1_000,
            d -> Thread.sleep(d.toMillis()),
            new PrintStream(warnings, true, StandardCharsets.UTF_8))) {
      for (int i = 0; i < 30; i++) {
        sink.accept(event("shine", i, t0.plusSeconds(i)));
        if (i % 3 == 0) {
          sink.accept(event("worker", i, t0.plusSeconds(i)));
        }
      }
      assertThat(sink.delivery().flush(Duration.ofSeconds(20))).isTrue();
    }

    assertThat(messages(logs, "shine"))
        .containsExactlyElementsOf(IntStream.range(0, 30).mapToObj(i -> "event " + i).toList());
    assertThat(messages(logs, "worker"))
        .containsExactlyElementsOf(
            IntStream.range(0, 30).filter(i -> i % 3 == 0).mapToObj(i -> "event " + i).toList());
    assertThat(warnings.toString(StandardCharsets.UTF_8)).isEmpty();
  }

  private static List<String> messages(CloudWatchLogsClient logs, String stream) {
    return logs
        .getLogEvents(r -> r.logGroupName(GROUP).logStreamName(stream).startFromHead(true))
        .events()
        .stream()
        .map(OutputLogEvent::message)
        .map(m -> Json.mapper().readTree(m).path("message").asString())
        .toList();
  }

  private static TrailEvent event(String rollout, int i, Instant at) {
    return new TrailEvent(
        rollout + "/1/" + i,
        at,
        rollout,
        1,
        "first-steps",
        EventType.GatePassed,
        Severity.Normal,
        Reason.GatePassed,
        "event " + i,
        Map.of());
  }
}
