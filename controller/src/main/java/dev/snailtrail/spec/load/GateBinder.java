package dev.snailtrail.spec.load;

import dev.snailtrail.spec.Analysis;
import dev.snailtrail.spec.Durations;
import dev.snailtrail.spec.Gate;
import dev.snailtrail.spec.ImageRef;
import dev.snailtrail.spec.Target;
import dev.snailtrail.spec.Threshold;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.common.FlowStyle;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.Tag;

/**
 * Reads one item of a phase's {@code gates} list: a mapping with exactly one gate kind as its key
 * (or the bare kind name), whose options may override the rollout's analysis rules.
 */
final class GateBinder {
  static final Map<String, Set<String>> KINDS =
      Map.of(
          "ecsTasks", Set.of("analysis"),
          "containerHealth", Set.of("container", "analysis"),
          "portBinding", Set.of("port", "container", "analysis"),
          "targetHealth", Set.of("targetGroup", "analysis"),
          "http", Set.of("path", "url", "method", "timeout", "headers", "expect", "analysis"),
          "cloudwatchAlarm", Set.of("names", "analysis"),
          "cloudwatchMetric", Set.of("query", "threshold", "window", "analysis"),
          "logs", Set.of("logGroup", "pattern", "present", "absentFor", "analysis"),
          "prometheus", Set.of("url", "query", "threshold", "analysis"),
          "ecrImage", Set.of("image", "maxSeverity", "analysis"));

  /** What a gate item's key may be: a gate kind, or {@code template} for a template's gates. */
  static final Set<String> ITEM_KEYS = itemKeys();

  static final Set<String> EXPECT_KEYS =
      Set.of("status", "jsonPath", "equals", "in", "matches", "maxLatency");
  static final Set<String> QUERY_KEYS =
      Set.of("namespace", "metric", "stat", "dimensions", "period");
  static final Set<String> METHODS =
      Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS");
  static final Pattern STAT =
      Pattern.compile(
          "Average|Sum|Maximum|Minimum|SampleCount|IQM|(p|tm|wm|tc|ts)\\d{1,2}(\\.\\d+)?");

  /** What gates may default to or be checked against. */
  record Context(
      Target target,
      TemplateBinder.Result template,
      Analysis analysis,
      Duration progressDeadline,
      ImageRef phaseImage) {}

  private final Context context;

  GateBinder(Context context) {
    this.context = context;
  }

  /**
   * A gate item's kind and its options as written (null when it has none), or null when the item is
   * not one known gate kind (the problem is recorded).
   */
  record Shape(String kind, Value options) {}

  static Shape shape(Value item) {
    if (item.node() instanceof ScalarNode s && s.getTag().equals(Tag.STR)) {
      String kind = s.getValue();
      if (!KINDS.containsKey(kind)) {
        item.problem("unknown gate kind '" + kind + "'" + Hints.didYouMean(kind, KINDS.keySet()));
        return null;
      }
      return new Shape(kind, null);
    }
    if (!(item.node() instanceof MappingNode m)) {
      item.problem(
          "a gate is a mapping with one gate kind as its key, e.g. '- http: {path: /health}';"
              + " found "
              + Value.describe(item.node()));
      return null;
    }
    List<NodeTuple> entries = m.getValue();
    if (entries.size() != 1) {
      item.problem(shapeMessage(entries));
      return null;
    }
    NodeTuple entry = entries.get(0);
    if (!(entry.getKeyNode() instanceof ScalarNode key) || !KINDS.containsKey(key.getValue())) {
      String name =
          entry.getKeyNode() instanceof ScalarNode key ? key.getValue() : "a non-name key";
      item.diagnostics()
          .add(
              entry.getKeyNode(),
              item.path(),
              "unknown gate kind '" + name + "'" + Hints.didYouMean(name, ITEM_KEYS));
      return null;
    }
    String kind = key.getValue();
    Value options = new Value(entry.getValueNode(), item.path() + "." + kind, item.diagnostics());
    return new Shape(kind, options.isNull() ? null : options);
  }

  Gate bind(Value item) {
    Shape shape = shape(item);
    if (shape == null) {
      return null;
    }
    String kind = shape.kind();
    Value options = shape.options();
    Value v = options != null ? options : emptyOptions(item, kind);
    Fields f = v.fields(KINDS.get(kind));
    if (f == null) {
      return null;
    }
    Value analysisValue = f.get("analysis");
    Analysis inherited = Defaults.gateAnalysis(kind, context.analysis());
    Analysis analysis = AnalysisBinder.bind(analysisValue, inherited);
    if (analysisValue != null && !analysis.equals(inherited)) {
      AnalysisBinder.checkDeadline(analysis, context.progressDeadline(), analysisValue);
    }
    return switch (kind) {
      case "ecsTasks" -> new Gate.EcsTasks(analysis);
      case "containerHealth" -> containerHealth(f, analysis);
      case "portBinding" -> portBinding(f, analysis);
      case "targetHealth" -> targetHealth(f, analysis);
      case "http" -> new HttpGateBinder(context.target()).bind(f, analysis);
      case "cloudwatchAlarm" -> cloudwatchAlarm(f, analysis);
      case "cloudwatchMetric" -> cloudwatchMetric(f, analysis);
      case "logs" -> logs(f, analysis);
      case "prometheus" -> prometheus(f, analysis);
      case "ecrImage" -> ecrImage(f, analysis);
      default -> throw new IllegalStateException("gate kind " + kind + " has no binder");
    };
  }

  private static Set<String> itemKeys() {
    Set<String> keys = new java.util.HashSet<>(KINDS.keySet());
    keys.add("template");
    return Set.copyOf(keys);
  }

  private static String shapeMessage(List<NodeTuple> entries) {
    if (entries.isEmpty()) {
      return "a gate needs a kind, e.g. '- ecsTasks: {}'; expected one of: "
          + String.join(", ", KINDS.keySet().stream().sorted().toList());
    }
    List<String> keys =
        entries.stream()
            .map(t -> t.getKeyNode() instanceof ScalarNode s ? s.getValue() : "?")
            .toList();
    List<String> kinds = keys.stream().filter(KINDS::containsKey).toList();
    if (kinds.size() == 1) {
      return "a gate has exactly one key, its kind; found "
          + String.join(", ", keys)
          + ": indent the options under '"
          + kinds.get(0)
          + ":'";
    }
    return "a gate has exactly one key, its kind; found "
        + String.join(", ", keys)
        + " (write each gate as its own list item)";
  }

  /** The options of a gate written as a bare name: none, located at the name. */
  private static Value emptyOptions(Value item, String kind) {
    MappingNode empty =
        new MappingNode(
            Tag.MAP,
            true,
            List.<NodeTuple>of(),
            FlowStyle.FLOW,
            item.node().getStartMark(),
            item.node().getEndMark());
    return new Value(empty, item.path() + "." + kind, item.diagnostics());
  }

  /**
   * The template when its containers are known here; null when it could not be read or starts from
   * the live service (whose containers the controller learns when it runs).
   */
  private TemplateBinder.Result knownTask() {
    TemplateBinder.Result t = context.template();
    return t == null || t.live() ? null : t;
  }

  /**
   * The container a gate names, else the main one (null in live mode without template.container).
   */
  private String container(Fields f) {
    String main = context.template() == null ? null : context.template().template().container();
    Value v = f.get("container");
    String name = v == null ? null : v.string();
    if (name != null && knownTask() != null && !knownTask().containers().contains(name)) {
      v.problem(
          "the task has no container '"
              + name
              + "'; it has: "
              + String.join(", ", knownTask().containers()));
    }
    return name != null ? name : main;
  }

  private Gate containerHealth(Fields f, Analysis analysis) {
    String container = container(f);
    if (container != null
        && knownTask() != null
        && knownTask().containers().contains(container)
        && !knownTask().healthChecked().contains(container)) {
      f.owner()
          .problem(
              "container '"
                  + container
                  + "' has no health check, so it never reports HEALTHY; add template.healthCheck");
    }
    return new Gate.ContainerHealth(container, analysis);
  }

  private Gate portBinding(Fields f, Analysis analysis) {
    Integer port = f.integer("port");
    if (port != null && (port < 1 || port > 65535)) {
      f.problem("port", "port " + port + " is outside 1-65535");
    }
    // 0 in live mode: the controller reads the main container's port from the live revision
    int fallback = context.template() == null ? 0 : context.template().template().port();
    return new Gate.PortBinding(port != null ? port : fallback, container(f), analysis);
  }

  private Gate targetHealth(Fields f, Analysis analysis) {
    List<Target.LoadBalancer> lbs =
        context.target() == null ? List.of() : context.target().loadBalancers();
    String only = lbs.size() == 1 ? lbs.get(0).targetGroupArn() : null;
    Value v = only == null ? f.require("targetGroup") : f.get("targetGroup");
    String arn = v == null ? null : v.string();
    if (arn != null && !Formats.TARGET_GROUP_ARN.matcher(arn).matches()) {
      v.problem(
          "'"
              + arn
              + "' is not a target group ARN"
              + " (arn:aws:elasticloadbalancing:REGION:ACCOUNT:targetgroup/NAME/ID)");
    }
    return new Gate.TargetHealth(arn != null ? arn : only, analysis);
  }

  private static Gate cloudwatchAlarm(Fields f, Analysis analysis) {
    Value v = f.require("names");
    List<String> names = v == null ? null : v.strings();
    if (names != null && names.isEmpty()) {
      v.problem("give at least one alarm name");
    }
    return new Gate.CloudWatchAlarm(names == null ? List.of() : names, analysis);
  }

  private static Gate cloudwatchMetric(Fields f, Analysis analysis) {
    Value queryValue = f.require("query");
    Fields q = queryValue == null ? null : queryValue.fields(QUERY_KEYS);
    Gate.MetricQuery query = null;
    Duration period = Defaults.METRIC_PERIOD;
    if (q != null) {
      String namespace = q.requiredString("namespace");
      String metric = q.requiredString("metric");
      String stat = q.requiredString("stat");
      if (stat != null && !STAT.matcher(stat).matches()) {
        q.problem(
            "stat",
            "'"
                + stat
                + "' is not a CloudWatch statistic: Average, Sum, Maximum, Minimum, SampleCount or a"
                + " percentile such as p95");
      }
      Value periodValue = q.get("period");
      Duration p = periodValue == null ? null : periodValue.duration();
      if (p != null) {
        long s = p.toSeconds();
        if (p.toMillisPart() != 0
            || !(s == 1 || s == 5 || s == 10 || s == 30 || (s > 0 && s % 60 == 0))) {
          periodValue.problem("a CloudWatch period is 1s, 5s, 10s, 30s or a multiple of 60s");
        } else {
          period = p;
        }
      }
      query =
          new Gate.MetricQuery(
              orEmpty(namespace),
              orEmpty(metric),
              orEmpty(stat),
              q.stringMap("dimensions"),
              period);
    }
    Threshold threshold = threshold(f);
    Value windowValue = f.get("window");
    Duration window = windowValue == null ? null : windowValue.duration();
    if (window != null && window.compareTo(period) < 0) {
      windowValue.problem("window must be at least one period (" + Durations.format(period) + ")");
    }
    return new Gate.CloudWatchMetric(
        query, threshold, window != null ? window : Defaults.METRIC_WINDOW, analysis);
  }

  private static Threshold threshold(Fields f) {
    Value v = f.require("threshold");
    String text = v == null ? null : v.scalarText();
    if (text == null) {
      return null;
    }
    try {
      return Threshold.parse(text);
    } catch (IllegalArgumentException e) {
      v.problem(e.getMessage());
      return null;
    }
  }

  private Gate logs(Fields f, Analysis analysis) {
    String fallbackGroup =
        context.template() == null ? null : context.template().template().logGroup();
    // In live mode the controller reads the awslogs group from the live revision.
    boolean optional =
        fallbackGroup != null || (context.template() != null && context.template().live());
    Value groupValue = optional ? f.get("logGroup") : f.require("logGroup");
    String group = groupValue == null ? null : groupValue.string();
    String pattern = f.requiredString("pattern");
    Boolean present = f.bool("present");
    Value absentValue = f.get("absentFor");
    Duration absentFor = absentValue == null ? null : absentValue.duration();
    boolean isPresent = Boolean.TRUE.equals(present);
    if (isPresent && absentValue != null) {
      f.problem("absentFor", "give either 'present: true' or 'absentFor', not both");
    } else if (!isPresent && absentValue == null) {
      f.owner()
          .problem(
              "a logs gate needs either 'present: true' (the pattern must appear) or"
                  + " 'absentFor: 5m' (it must not appear for that long)");
    }
    if (absentFor != null && (absentFor.isZero() || absentFor.isNegative())) {
      absentValue.problem("absentFor must be longer than 0");
    }
    return new Gate.Logs(
        group != null ? group : fallbackGroup,
        orEmpty(pattern),
        isPresent,
        isPresent ? null : absentFor,
        analysis);
  }

  private static Gate prometheus(Fields f, Analysis analysis) {
    Value urlValue = f.require("url");
    var url = urlValue == null ? null : urlValue.parsed(Formats::httpUrl);
    String query = f.requiredString("query");
    return new Gate.Prometheus(url, orEmpty(query), threshold(f), analysis);
  }

  private Gate ecrImage(Fields f, Analysis analysis) {
    Value imageValue = f.get("image");
    ImageRef image = imageValue == null ? null : imageValue.parsed(ImageRef::parse);
    Value severityValue = f.get("maxSeverity");
    String severityText = severityValue == null ? null : severityValue.string();
    Gate.Severity severity = null;
    if (severityText != null) {
      try {
        severity = Gate.Severity.valueOf(severityText.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        severityValue.problem(
            "'"
                + severityText
                + "' is not a severity; expected one of: INFORMATIONAL, LOW, MEDIUM, HIGH, CRITICAL");
      }
    }
    return new Gate.EcrImage(image != null ? image : context.phaseImage(), severity, analysis);
  }

  private static String orEmpty(String s) {
    return s == null ? "" : s;
  }
}
