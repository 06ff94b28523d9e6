package dev.snailtrail.aws;

import dev.snailtrail.provider.Logs;
import dev.snailtrail.provider.ProviderException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.cloudwatchlogs.model.DescribeLogGroupsResponse;
import software.amazon.awssdk.services.cloudwatchlogs.model.FilterLogEventsResponse;
import software.amazon.awssdk.services.cloudwatchlogs.model.FilteredLogEvent;

/** {@link Logs} on CloudWatch Logs. */
final class AwsLogs implements Logs {

  private static final String LOGS = "logs";
  private static final int MAX_EVENTS_PER_CALL = 10_000;
  // FilterLogEvents may return many empty pages over a long window. Past this many pages the
  // answer is incomplete, and an incomplete "no match" must not pass for absence.
  private static final int MAX_PAGES = 200;

  private final ClientCache clients;
  private final AwsCalls calls;
  private final AssumedRole role;

  AwsLogs(ClientCache clients, AwsCalls calls, AssumedRole role) {
    this.clients = clients;
    this.calls = calls;
    this.role = role;
  }

  @Override
  public List<LogEvent> filterLogEvents(
      String region, String logGroup, String pattern, Instant start, Instant end, int limit) {
    if (limit <= 0) {
      return List.of();
    }
    CloudWatchLogsClient logs = clients.logs(region, role);
    String filter = pattern == null || pattern.isBlank() ? null : pattern;
    List<LogEvent> events = new ArrayList<>();
    String token = null;
    int pages = 0;
    do {
      if (++pages > MAX_PAGES) {
        throw new ProviderException(
            ProviderException.Kind.TRANSIENT,
            LOGS,
            "FilterLogEvents",
            "searching "
                + logGroup
                + " took more than "
                + MAX_PAGES
                + " pages; the answer would be incomplete (narrow the window or the pattern)");
      }
      String page = token;
      int want = Math.min(MAX_EVENTS_PER_CALL, limit - events.size());
      FilterLogEventsResponse response =
          calls.call(
              LOGS,
              "FilterLogEvents",
              () ->
                  logs.filterLogEvents(
                      r ->
                          r.logGroupName(logGroup)
                              .filterPattern(filter)
                              .startTime(start.toEpochMilli())
                              .endTime(end.toEpochMilli())
                              .limit(want)
                              .nextToken(page)));
      for (FilteredLogEvent e : response.events()) {
        if (events.size() < limit) {
          events.add(
              new LogEvent(Instant.ofEpochMilli(e.timestamp()), e.logStreamName(), e.message()));
        }
      }
      String next = response.nextToken();
      token = next == null || next.equals(page) ? null : next;
    } while (token != null && events.size() < limit);
    events.sort(Comparator.comparing(LogEvent::timestamp));
    return events;
  }

  @Override
  public boolean logGroupExists(String region, String logGroup) {
    CloudWatchLogsClient logs = clients.logs(region, role);
    String token = null;
    do {
      String page = token;
      DescribeLogGroupsResponse response =
          calls.call(
              LOGS,
              "DescribeLogGroups",
              () -> logs.describeLogGroups(r -> r.logGroupNamePrefix(logGroup).nextToken(page)));
      // The name is a prefix: "/ecs/app" also lists "/ecs/app-worker".
      if (response.logGroups().stream().anyMatch(g -> logGroup.equals(g.logGroupName()))) {
        return true;
      }
      token = response.nextToken();
    } while (token != null);
    return false;
  }
}
