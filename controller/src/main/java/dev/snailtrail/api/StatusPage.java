package dev.snailtrail.api;

import dev.snailtrail.controller.ControlPlane;
import dev.snailtrail.controller.ControlPlane.RolloutView;
import dev.snailtrail.rollout.RolloutStatus;
import dev.snailtrail.trail.ConsoleTrailSink;
import dev.snailtrail.trail.TrailEvent;
import java.util.List;

/**
 * The page at {@code /}: every rollout with its phase, step, progress and last event. One
 * self-contained document (no scripts, no external assets) that refreshes itself every 5 seconds.
 */
final class StatusPage {
  private StatusPage() {}

  static String render(ControlPlane plane, Redaction redaction) {
    List<RolloutView> rollouts = plane.list().stream().map(redaction::view).toList();
    StringBuilder b = new StringBuilder(4096);
    b.append(
        """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8">
        <meta http-equiv="refresh" content="5">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>Snail Trail</title>
        <style>
        body{font:14px/1.4 system-ui,sans-serif;margin:2em;color:#222}
        table{border-collapse:collapse;width:100%}
        th,td{text-align:left;padding:.4em .6em;border-bottom:1px solid #ddd;vertical-align:top}
        th{background:#f4f4f4}
        .bar{width:10em;height:.8em;background:#eee;border-radius:.4em;overflow:hidden}
        .bar span{display:block;height:100%;background:#3a7}
        .Degraded,.Failed{color:#b22}.RollingBack,.Paused{color:#b70}.Healthy{color:#282}
        .event{font-family:ui-monospace,monospace;font-size:12px;color:#555}
        </style></head><body>
        <h1>🐌 Snail Trail</h1>
        """);
    if (rollouts.isEmpty()) {
      b.append("<p>No rollouts yet. Apply one with <code>snailtrail apply -f FILE</code>.</p>\n");
    } else {
      b.append(
          "<table><thead><tr><th>Rollout</th><th>Phase</th><th>Step</th><th>Current</th>"
              + "<th>Progress</th><th>Generation</th><th>Last event</th></tr></thead><tbody>\n");
      for (RolloutView v : rollouts) {
        row(b, v, redaction.text(lastEvent(plane, v.name())));
      }
      b.append("</tbody></table>\n");
    }
    b.append("<p class=\"event\">Refreshes every 5 seconds.</p>\n</body></html>\n");
    return b.toString();
  }

  private static void row(StringBuilder b, RolloutView v, String lastEvent) {
    RolloutStatus s = v.status();
    int progress = Math.max(0, Math.min(100, s.progress()));
    String phase = s.storeDamaged() ? "StoreDamaged" : s.phase().name();
    b.append("<tr><td>")
        .append(escape(v.name()))
        .append("</td><td class=\"")
        .append(s.storeDamaged() ? "Failed" : phase)
        .append("\">")
        .append(phase)
        .append("</td><td>")
        .append(s.step())
        .append("</td><td>")
        .append(escape(s.currentPhase().name()))
        .append("</td><td><div class=\"bar\" title=\"")
        .append(progress)
        .append("%\"><span style=\"width:")
        .append(progress)
        .append("%\"></span></div>")
        .append(progress)
        .append("%</td><td>")
        .append(v.generation())
        .append("</td><td class=\"event\">")
        .append(escape(lastEvent))
        .append("</td></tr>\n");
  }

  private static String lastEvent(ControlPlane plane, String name) {
    try {
      List<TrailEvent> events = plane.trail(name, 0, 1);
      return events.isEmpty() ? "" : ConsoleTrailSink.format(events.get(events.size() - 1), true);
    } catch (ControlPlane.NotFound e) {
      return ""; // deleted while the page was drawn
    }
  }

  static String escape(String s) {
    if (s == null) {
      return "";
    }
    StringBuilder b = new StringBuilder(s.length());
    for (char c : s.toCharArray()) {
      switch (c) {
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '&' -> b.append("&amp;");
        case '"' -> b.append("&quot;");
        case '\'' -> b.append("&#39;");
        default -> b.append(c);
      }
    }
    return b.toString();
  }
}
