package dev.snailtrail.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.snailtrail.moto.MotoServer;
import dev.snailtrail.provider.Logs;
import dev.snailtrail.provider.Logs.LogEvent;
import dev.snailtrail.provider.ProviderException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.cloudwatchlogs.model.InputLogEvent;

@ExtendWith(MotoServer.Extension.class)
class AwsLogsIT {

  private static final String REGION = MotoServer.REGION;
  private static final String GROUP = "/ecs/shine";
  private static AwsProviders aws;
  private static Logs logs;
  private final Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);

  @BeforeAll
  static void open() {
    aws = AwsProviders.open(MotoServer.get().settings());
    logs = aws.providers().logs();
  }

  @AfterAll
  static void close() {
    aws.close();
  }

  @BeforeEach
  void lines(MotoServer moto) {
    CloudWatchLogsClient sdk =
        moto.client(CloudWatchLogsClient.class, CloudWatchLogsClient::builder);
    sdk.createLogGroup(r -> r.logGroupName(GROUP));
    sdk.createLogGroup(r -> r.logGroupName("/ecs/shine-worker"));
    sdk.createLogStream(r -> r.logGroupName(GROUP).logStreamName("api/api/1"));
    sdk.putLogEvents(
        r ->
            r.logGroupName(GROUP)
                .logStreamName("api/api/1")
                .logEvents(
                    event(now.minusSeconds(50), "starting"),
                    event(now.minusSeconds(40), "model loaded in 2.1s"),
                    event(now.minusSeconds(30), "ERROR upstream timed out"),
                    event(now.minusSeconds(20), "GET /health 200"),
                    event(now.minusSeconds(10), "ERROR upstream timed out again")));
  }

  @Test
  void findsMatchingLinesOldestFirst() {
    List<LogEvent> errors =
        logs.filterLogEvents(REGION, GROUP, "ERROR", now.minusSeconds(60), now, 100);

    assertThat(errors)
        .extracting(LogEvent::message)
        .containsExactly("ERROR upstream timed out", "ERROR upstream timed out again");
    assertThat(errors.get(0).stream()).isEqualTo("api/api/1");
    assertThat(errors.get(0).timestamp()).isEqualTo(now.minusSeconds(30));
  }

  @Test
  void anAbsentPatternOrAnEmptyWindowFindsNothing() {
    assertThat(logs.filterLogEvents(REGION, GROUP, "Traceback", now.minusSeconds(60), now, 100))
        .isEmpty();
    assertThat(
            logs.filterLogEvents(
                REGION, GROUP, "ERROR", now.minusSeconds(25), now.minusSeconds(15), 100))
        .isEmpty();
  }

  @Test
  void stopsAtTheLimit() {
    assertThat(logs.filterLogEvents(REGION, GROUP, "", now.minus(Duration.ofMinutes(1)), now, 2))
        .hasSize(2);
  }

  @Test
  void tellsExistingLogGroupsFromMissingOnesByExactName() {
    assertThat(logs.logGroupExists(REGION, GROUP)).isTrue();
    assertThat(logs.logGroupExists(REGION, "/ecs/shine-worker")).isTrue();
    assertThat(logs.logGroupExists(REGION, "/ecs/shin")).isFalse();
    assertThat(logs.logGroupExists(REGION, "/ecs/missing")).isFalse();
  }

  @Test
  void searchingAMissingGroupIsNotFound() {
    assertThatThrownBy(
            () ->
                logs.filterLogEvents(
                    REGION, "/ecs/missing", "ERROR", now.minusSeconds(60), now, 10))
        .isInstanceOfSatisfying(
            ProviderException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(ProviderException.Kind.NOT_FOUND);
              assertThat(e.isOutage()).isFalse();
            });
  }

  private static InputLogEvent event(Instant at, String message) {
    return InputLogEvent.builder().timestamp(at.toEpochMilli()).message(message).build();
  }
}
