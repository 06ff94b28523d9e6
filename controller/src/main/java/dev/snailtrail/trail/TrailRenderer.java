package dev.snailtrail.trail;

import dev.snailtrail.json.Json;
import dev.snailtrail.rollout.RolloutStatus;
import dev.snailtrail.spec.Rollout;
import java.util.List;

/** Renders a rollout's trail for people ({@code text}, {@code md}) or programs ({@code json}). */
public final class TrailRenderer {
  private TrailRenderer() {}

  /**
   * @param spec the rollout's spec, or null when only the events are known
   * @param status its status, or null
   * @param plain drop the emoji
   */
  public static String render(
      TrailFormat format,
      Rollout spec,
      RolloutStatus status,
      List<TrailEvent> events,
      boolean plain) {
    StringBuilder b = new StringBuilder();
    switch (format) {
      case text -> events.forEach(e -> b.append(ConsoleTrailSink.format(e, plain)).append('\n'));
      case json -> events.forEach(e -> b.append(Json.mapper().writeValueAsString(e)).append('\n'));
      case md -> b.append(ProgressLog.render(spec, status, events, plain));
    }
    return b.toString();
  }
}
