package dev.snailtrail.provider;

import java.time.Instant;
import java.util.List;

/** CloudWatch Logs. */
public interface Logs {

  /**
   * Events of the group matching a CloudWatch Logs filter pattern between start and end, oldest
   * first, at most {@code limit}.
   *
   * @throws ProviderException NOT_FOUND when the group does not exist
   */
  List<LogEvent> filterLogEvents(
      String region, String logGroup, String pattern, Instant start, Instant end, int limit);

  /** Whether the log group exists. */
  boolean logGroupExists(String region, String logGroup);

  /** A log event. */
  record LogEvent(Instant timestamp, String stream, String message) {}
}
