package dev.snailtrail.spec;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One health check a phase must pass. Each kind carries its effective {@link Analysis}: the
 * rollout's defaults with the gate's own overrides applied.
 */
public sealed interface Gate {

  /** The key this gate is written under in YAML, e.g. {@code ecsTasks}. */
  String kind();

  Analysis analysis();

  /**
   * The desired number of tasks are RUNNING on the phase's task definition and none stopped
   * abnormally since the phase's deployment began.
   */
  record EcsTasks(Analysis analysis) implements Gate {
    public String kind() {
      return "ecsTasks";
    }
  }

  /**
   * Every running task reports the container HEALTHY (requires a container health check).
   *
   * @param container the container to look at, or null for the template's main container
   */
  record ContainerHealth(String container, Analysis analysis) implements Gate {
    public String kind() {
      return "containerHealth";
    }
  }

  /**
   * The container listens on the expected port: its port mapping matches and, outside {@code
   * awsvpc}, its network bindings carry it.
   *
   * @param port the expected container port, or 0 for the main container's port in the live task
   *     definition (a template that starts from the live service gives none)
   * @param container the container, or null for the main container
   */
  record PortBinding(int port, String container, Analysis analysis) implements Gate {
    public String kind() {
      return "portBinding";
    }
  }

  /**
   * Every target of the service in the ELBv2 target group is {@code healthy}.
   *
   * @param targetGroup the target group ARN
   */
  record TargetHealth(String targetGroup, Analysis analysis) implements Gate {
    public String kind() {
      return "targetHealth";
    }
  }

  /**
   * An HTTP request whose answer must meet {@link HttpExpect}.
   *
   * @param path path relative to {@code target.url}, or null when {@code url} is given
   * @param url an absolute URL, requested as written, or null
   * @param method HTTP method (default GET)
   * @param timeout request timeout (default 5s)
   * @param headers request headers
   * @param expect what the answer must be
   */
  record Http(
      String path,
      URI url,
      String method,
      Duration timeout,
      Map<String, String> headers,
      HttpExpect expect,
      Analysis analysis)
      implements Gate {
    public Http {
      headers = Map.copyOf(headers);
    }

    public String kind() {
      return "http";
    }
  }

  /**
   * Expectations of an HTTP answer; every one given must hold.
   *
   * @param status the expected status code (default 200)
   * @param jsonPath a JSONPath into the JSON body, or null
   * @param equalsValue the value at {@code jsonPath} must equal this, or null
   * @param in the value at {@code jsonPath} must be one of these (empty: no such rule)
   * @param matches the value at {@code jsonPath} (or the whole body) must match, or null
   * @param maxLatency the answer must arrive within this, or null
   */
  record HttpExpect(
      int status,
      String jsonPath,
      String equalsValue,
      List<String> in,
      Pattern matches,
      Duration maxLatency) {
    public HttpExpect {
      in = List.copyOf(in);
    }

    // Pattern has identity equality; compare regexes by their text so equal specs are equal.
    @Override
    public boolean equals(Object o) {
      return o instanceof HttpExpect e
          && status == e.status
          && Objects.equals(jsonPath, e.jsonPath)
          && Objects.equals(equalsValue, e.equalsValue)
          && in.equals(e.in)
          && Objects.equals(regex(matches), regex(e.matches))
          && Objects.equals(maxLatency, e.maxLatency);
    }

    @Override
    public int hashCode() {
      return Objects.hash(status, jsonPath, equalsValue, in, regex(matches), maxLatency);
    }

    private static String regex(Pattern p) {
      return p == null ? null : p.flags() + "/" + p.pattern();
    }
  }

  /**
   * None of the named CloudWatch alarms is in ALARM.
   *
   * @param names alarm names
   */
  record CloudWatchAlarm(List<String> names, Analysis analysis) implements Gate {
    /**
     * Failures tolerated unless the gate's own {@code analysis} says otherwise: none, whatever the
     * rollout's rules. An alarm is already an aggregated signal, so its first ALARM fails the gate.
     */
    public static final int DEFAULT_FAILURE_LIMIT = 0;

    public CloudWatchAlarm {
      names = List.copyOf(names);
    }

    public String kind() {
      return "cloudwatchAlarm";
    }
  }

  /**
   * A CloudWatch metric statistic over a window meets a threshold.
   *
   * @param query the metric
   * @param threshold e.g. {@code < 0.2}
   * @param window how far back to look (default 5m)
   */
  record CloudWatchMetric(
      MetricQuery query, Threshold threshold, Duration window, Analysis analysis) implements Gate {
    public String kind() {
      return "cloudwatchMetric";
    }
  }

  /**
   * A CloudWatch metric.
   *
   * @param namespace e.g. {@code AWS/ApplicationELB}
   * @param metric metric name
   * @param stat {@code Average}, {@code Sum}, {@code Maximum}, {@code Minimum}, {@code SampleCount}
   *     or a percentile such as {@code p95}
   * @param dimensions dimension name to value
   * @param period aggregation period (default 60s)
   */
  record MetricQuery(
      String namespace,
      String metric,
      String stat,
      Map<String, String> dimensions,
      Duration period) {
    public MetricQuery {
      dimensions = Map.copyOf(dimensions);
    }
  }

  /**
   * CloudWatch Logs: a filter pattern must be present, or absent for a window.
   *
   * @param logGroup the log group, or null for the main container's awslogs group in the live task
   *     definition (a template that starts from the live service gives none)
   * @param pattern a CloudWatch Logs filter pattern
   * @param present true: at least one match since the phase began; false: no match within {@code
   *     absentFor}
   * @param absentFor the window that must be free of matches (when not {@code present})
   */
  record Logs(
      String logGroup, String pattern, boolean present, Duration absentFor, Analysis analysis)
      implements Gate {
    public String kind() {
      return "logs";
    }
  }

  /**
   * A PromQL instant query whose single value meets a threshold; no data is Inconclusive.
   *
   * @param url the Prometheus server
   * @param query PromQL
   * @param threshold e.g. {@code < 0.01}
   */
  record Prometheus(URI url, String query, Threshold threshold, Analysis analysis) implements Gate {
    public String kind() {
      return "prometheus";
    }
  }

  /**
   * The image exists in ECR, optionally with no scan finding above a severity.
   *
   * @param image the image, or null for the phase's main image
   * @param maxSeverity the highest tolerated scan finding severity, or null for no scan rule
   */
  record EcrImage(ImageRef image, Severity maxSeverity, Analysis analysis) implements Gate {
    public String kind() {
      return "ecrImage";
    }
  }

  /** ECR scan finding severities, lowest first. */
  enum Severity {
    INFORMATIONAL,
    LOW,
    MEDIUM,
    HIGH,
    CRITICAL
  }
}
