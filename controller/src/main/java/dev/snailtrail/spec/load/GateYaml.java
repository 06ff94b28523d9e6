package dev.snailtrail.spec.load;

import static dev.snailtrail.spec.load.SpecWriter.putIf;

import dev.snailtrail.spec.Durations;
import dev.snailtrail.spec.Gate;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/** The YAML options of each gate kind, as {@link SpecWriter} writes them. */
final class GateYaml {
  private GateYaml() {}

  static Map<String, Object> options(Gate gate) {
    Map<String, Object> m = new LinkedHashMap<>();
    switch (gate) {
      case Gate.EcsTasks g -> {}
      case Gate.ContainerHealth g -> putIf(m, "container", g.container());
      case Gate.PortBinding g -> {
        if (g.port() > 0) {
          m.put("port", g.port());
        }
        putIf(m, "container", g.container());
      }
      case Gate.TargetHealth g -> putIf(m, "targetGroup", g.targetGroup());
      case Gate.Http g -> http(m, g);
      case Gate.CloudWatchAlarm g -> m.put("names", g.names());
      case Gate.CloudWatchMetric g -> {
        Map<String, Object> q = new LinkedHashMap<>();
        q.put("namespace", g.query().namespace());
        q.put("metric", g.query().metric());
        q.put("stat", g.query().stat());
        putIf(q, "dimensions", new TreeMap<>(g.query().dimensions()));
        q.put("period", Durations.format(g.query().period()));
        m.put("query", q);
        m.put("threshold", g.threshold().toString());
        m.put("window", Durations.format(g.window()));
      }
      case Gate.Logs g -> {
        putIf(m, "logGroup", g.logGroup());
        m.put("pattern", g.pattern());
        if (g.present()) {
          m.put("present", true);
        } else {
          m.put("absentFor", Durations.format(g.absentFor()));
        }
      }
      case Gate.Prometheus g -> {
        m.put("url", g.url().toString());
        m.put("query", g.query());
        m.put("threshold", g.threshold().toString());
      }
      case Gate.EcrImage g -> {
        putIf(m, "image", g.image() == null ? null : g.image().toString());
        putIf(m, "maxSeverity", g.maxSeverity() == null ? null : g.maxSeverity().name());
      }
    }
    return m;
  }

  private static void http(Map<String, Object> m, Gate.Http g) {
    putIf(m, "path", g.path());
    putIf(m, "url", g.url() == null ? null : g.url().toString());
    m.put("method", g.method());
    m.put("timeout", Durations.format(g.timeout()));
    putIf(m, "headers", new TreeMap<>(g.headers()));
    Gate.HttpExpect e = g.expect();
    Map<String, Object> x = new LinkedHashMap<>();
    x.put("status", e.status());
    putIf(x, "jsonPath", e.jsonPath());
    putIf(x, "equals", e.equalsValue());
    putIf(x, "in", e.in());
    putIf(x, "matches", e.matches() == null ? null : e.matches().pattern());
    putIf(x, "maxLatency", e.maxLatency() == null ? null : Durations.format(e.maxLatency()));
    m.put("expect", x);
  }
}
