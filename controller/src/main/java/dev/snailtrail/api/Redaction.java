package dev.snailtrail.api;

import dev.snailtrail.controller.ControlPlane.RolloutView;
import dev.snailtrail.json.Json;
import dev.snailtrail.rollout.RolloutStatus;
import dev.snailtrail.spec.Gate;
import dev.snailtrail.spec.Phase;
import dev.snailtrail.spec.Rollout;
import dev.snailtrail.spec.RolloutSpec;
import dev.snailtrail.spec.Target;
import dev.snailtrail.spec.TaskDefinitionDocument;
import dev.snailtrail.spec.Template;
import dev.snailtrail.spec.TemplateUse;
import dev.snailtrail.trail.TrailEvent;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.databind.node.StringNode;

/**
 * What a reader without the API token sees (a controller with {@code --open-reads}): the one place
 * that knows which parts of a rollout are secret. Values are replaced by {@value #MASK}, never
 * dropped, so the shape of the spec still shows.
 *
 * <ul>
 *   <li>environment values: the template's, every phase's, and those of the containers of the task
 *       definition the template starts from (with their {@code secrets} references);
 *   <li>{@code http} gate header values;
 *   <li>{@code target.externalId} (the role's trust policy takes it as proof of who asks);
 *   <li>the argument values of every analysis template a phase uses (any of them may be a header
 *       value or part of a URL's query);
 *   <li>the query string and user info of every URL: {@code target.url}, {@code http} gate URLs and
 *       paths, {@code prometheus} URLs, and URLs in status and trail messages.
 * </ul>
 *
 * A reader with the token sees everything whole. A field added to the spec that can hold a secret
 * (a map of secret references, say) is masked here: the records are rebuilt component by component,
 * so a new component of {@link Template}, {@link Phase} or {@link Gate.Http} does not compile until
 * this class decides about it.
 */
final class Redaction {
  static final String MASK = "***";

  private static final Redaction WHOLE = new Redaction(false);
  private static final Redaction MASKED = new Redaction(true);
  private static final Pattern URL = Pattern.compile("(?i)\\bhttps?://[^\\s'\"<>]+");

  private final boolean masks;

  private Redaction(boolean masks) {
    this.masks = masks;
  }

  /** For a reader who showed the token ({@code whole}) or one who did not. */
  static Redaction of(boolean whole) {
    return whole ? WHOLE : MASKED;
  }

  /** Whether this reader's view is masked. */
  boolean masks() {
    return masks;
  }

  RolloutView view(RolloutView v) {
    if (!masks) {
      return v;
    }
    return new RolloutView(
        v.name(),
        v.generation(),
        spec(v.spec()),
        status(v.status()),
        v.resourceVersion(),
        v.holder());
  }

  Rollout spec(Rollout r) {
    if (!masks) {
      return r;
    }
    RolloutSpec s = r.spec();
    return new Rollout(
        r.apiVersion(),
        r.kind(),
        r.metadata(),
        new RolloutSpec(
            target(s.target()),
            template(s.template()),
            s.analysis(),
            s.progressDeadline(),
            s.phases().stream().map(Redaction::phase).toList(),
            s.driftPolicy()));
  }

  /** A status with the URLs in its messages masked. */
  RolloutStatus status(RolloutStatus s) {
    return masks ? masked(s, RolloutStatus.class) : s;
  }

  /** An event with the URLs in its message and data masked. */
  TrailEvent event(TrailEvent e) {
    return masks ? masked(e, TrailEvent.class) : e;
  }

  private static Target target(Target t) {
    return new Target(
        t.region(),
        t.cluster(),
        t.service(),
        t.createIfMissing(),
        url(t.url()),
        t.roleArn(),
        t.externalId() == null ? null : MASK,
        t.network(),
        t.loadBalancers(),
        t.adopt(),
        t.traffic(),
        t.lifecycleHook());
  }

  private static Template template(Template t) {
    return new Template(
        t.family(),
        t.container(),
        t.port(),
        t.cpu(),
        t.memory(),
        values(t.env()),
        t.launchType(),
        t.networkMode(),
        t.executionRoleArn(),
        t.taskRoleArn(),
        t.logGroup(),
        t.healthCheck(),
        t.sidecars(),
        taskDefinition(t.fromFile()),
        values(t.secrets()));
  }

  private static Phase phase(Phase p) {
    return new Phase(
        p.name(),
        p.image(),
        p.images(),
        values(p.env()),
        p.cpu(),
        p.memory(),
        p.desiredCount(),
        p.gates().stream().map(Redaction::gate).toList(),
        p.bake(),
        p.approval(),
        p.rollbackTo(),
        p.marker(),
        values(p.secrets()),
        p.templateUses().stream().map(Redaction::templateUse).toList());
  }

  /** Every argument value masked: one may be a header's value or part of a URL's query. */
  private static TemplateUse templateUse(TemplateUse u) {
    return new TemplateUse(u.template(), u.name(), values(u.args()), u.first(), u.count());
  }

  private static Gate gate(Gate g) {
    return switch (g) {
      case Gate.Http h ->
          new Gate.Http(
              pathQuery(h.path()),
              url(h.url()),
              h.method(),
              h.timeout(),
              values(h.headers()),
              h.expect(),
              h.analysis());
      case Gate.Prometheus p ->
          new Gate.Prometheus(url(p.url()), p.query(), p.threshold(), p.analysis());
      case Gate.EcsTasks e -> e;
      case Gate.ContainerHealth c -> c;
      case Gate.PortBinding b -> b;
      case Gate.TargetHealth t -> t;
      case Gate.CloudWatchAlarm a -> a;
      case Gate.CloudWatchMetric m -> m;
      case Gate.Logs l -> l;
      case Gate.EcrImage i -> i;
    };
  }

  /** The same keys, every value masked. */
  private static Map<String, String> values(Map<String, String> map) {
    Map<String, String> masked = new LinkedHashMap<>();
    map.keySet().forEach(k -> masked.put(k, MASK));
    return masked;
  }

  /**
   * The task definition a template starts from, its containers' environment values and secret
   * references masked ({@code containerDefinitions[].environment[].value}, {@code
   * containerDefinitions[].secrets[].valueFrom}).
   */
  private static TaskDefinitionDocument taskDefinition(TaskDefinitionDocument d) {
    if (d == null) {
      return null;
    }
    JsonNode root = Json.mapper().readTree(d.json());
    JsonNode task = root.has("taskDefinition") ? root.get("taskDefinition") : root;
    for (JsonNode container : task.path("containerDefinitions")) {
      maskEach(container.path("environment"), "value");
      maskEach(container.path("secrets"), "valueFrom");
    }
    return new TaskDefinitionDocument(Json.mapper().writeValueAsString(root), d.source());
  }

  private static void maskEach(JsonNode entries, String field) {
    for (JsonNode e : entries) {
      if (e instanceof ObjectNode o && o.has(field)) {
        o.put(field, MASK);
      }
    }
  }

  private static URI url(URI u) {
    return u == null ? null : URI.create(urlsIn(u.toString()));
  }

  /** A gate path relative to {@code target.url}, with its query string masked. */
  private static String pathQuery(String path) {
    if (path == null) {
      return null;
    }
    int q = path.indexOf('?');
    return q < 0 ? path : path.substring(0, q + 1) + MASK;
  }

  /** Every http(s) URL in the text with its user info and query string masked. */
  static String urlsIn(String text) {
    if (text == null || !text.contains("://")) {
      return text;
    }
    Matcher m = URL.matcher(text);
    StringBuilder b = new StringBuilder();
    while (m.find()) {
      m.appendReplacement(b, Matcher.quoteReplacement(maskUrl(m.group())));
    }
    m.appendTail(b);
    return b.toString();
  }

  private static String maskUrl(String url) {
    int start = url.indexOf("://") + 3;
    int pathAt = firstOf(url, start, "/?#");
    int at = url.lastIndexOf('@', pathAt - 1);
    String s = at >= start ? url.substring(0, start) + MASK + url.substring(at) : url;
    int q = s.indexOf('?');
    if (q < 0) {
      return s;
    }
    int hash = s.indexOf('#', q);
    return s.substring(0, q + 1) + MASK + (hash < 0 ? "" : s.substring(hash));
  }

  private static int firstOf(String s, int from, String chars) {
    for (int i = from; i < s.length(); i++) {
      if (chars.indexOf(s.charAt(i)) >= 0) {
        return i;
      }
    }
    return s.length();
  }

  /** A value with every string in it (however deep) passed through {@link #urlsIn}. */
  private static <T> T masked(T value, Class<T> type) {
    JsonNode tree = Json.mapper().valueToTree(value);
    return Json.mapper().treeToValue(strings(tree), type);
  }

  private static JsonNode strings(JsonNode node) {
    if (node.isString()) {
      return StringNode.valueOf(urlsIn(node.asString()));
    }
    if (node instanceof ObjectNode o) {
      for (String name : o.propertyNames()) {
        o.set(name, strings(o.get(name)));
      }
    } else if (node instanceof ArrayNode a) {
      for (int i = 0; i < a.size(); i++) {
        a.set(i, strings(a.get(i)));
      }
    }
    return node;
  }
}
