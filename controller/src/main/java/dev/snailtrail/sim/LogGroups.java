package dev.snailtrail.sim;

import dev.snailtrail.provider.Logs.LogEvent;
import dev.snailtrail.provider.ProviderException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** CloudWatch Logs: log groups of every region and the events written to them. */
final class LogGroups {
  /** Events by {@code region|group}, in the order they were written. */
  private final Map<String, List<LogEvent>> groups = new HashMap<>();

  /** Creates the group unless it exists. */
  void create(String region, String group) {
    groups.putIfAbsent(World.key(region, group), new ArrayList<>());
  }

  boolean exists(String region, String group) {
    return groups.containsKey(World.key(region, group));
  }

  /** Writes an event to the group; an event for a group that does not exist is lost. */
  void write(String region, String group, LogEvent event) {
    List<LogEvent> events = groups.get(World.key(region, group));
    if (events != null) {
      events.add(event);
    }
  }

  /**
   * The group's events in [start, end) (either end open when null) matching the filter pattern,
   * oldest first, at most {@code limit}.
   *
   * @throws ProviderException NOT_FOUND for an unknown group, INVALID for a pattern the simulator
   *     does not support
   */
  List<LogEvent> filter(
      String region, String group, String pattern, Instant start, Instant end, int limit) {
    List<LogEvent> events = groups.get(World.key(region, group));
    if (events == null) {
      throw new ProviderException(
          ProviderException.Kind.NOT_FOUND,
          "logs",
          "FilterLogEvents",
          "ResourceNotFoundException: The specified log group does not exist: " + group);
    }
    FilterPattern filter;
    try {
      filter = FilterPattern.parse(pattern);
    } catch (IllegalArgumentException e) {
      throw new ProviderException(
          ProviderException.Kind.INVALID, "logs", "FilterLogEvents", e.getMessage());
    }
    List<LogEvent> sorted = new ArrayList<>(events);
    sorted.sort(Comparator.comparing(LogEvent::timestamp));
    List<LogEvent> found = new ArrayList<>();
    for (LogEvent e : sorted) {
      if (found.size() >= limit) {
        break;
      }
      boolean inWindow =
          (start == null || !e.timestamp().isBefore(start))
              && (end == null || e.timestamp().isBefore(end));
      if (inWindow && filter.matches(e.message())) {
        found.add(e);
      }
    }
    return found;
  }
}
