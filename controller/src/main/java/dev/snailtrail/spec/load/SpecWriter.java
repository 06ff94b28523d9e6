package dev.snailtrail.spec.load;

import dev.snailtrail.json.Json;
import dev.snailtrail.spec.Analysis;
import dev.snailtrail.spec.Durations;
import dev.snailtrail.spec.Gate;
import dev.snailtrail.spec.Phase;
import dev.snailtrail.spec.Rollout;
import dev.snailtrail.spec.RolloutSpec;
import dev.snailtrail.spec.Target;
import dev.snailtrail.spec.Template;
import dev.snailtrail.spec.TemplateUse;
import dev.snailtrail.spec.Traffic;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.snakeyaml.engine.v2.api.Dump;
import org.snakeyaml.engine.v2.api.DumpSettings;
import org.snakeyaml.engine.v2.common.FlowStyle;
import org.snakeyaml.engine.v2.schema.CoreSchema;

/**
 * Writes a rollout as YAML with every default spelled out: what {@code validate --show-defaults}
 * prints and the store keeps. The task definition a template starts from is written inline as
 * {@code taskDefinition}, and the gates of every AnalysisTemplate a phase uses under the use, so
 * the output is self-contained. What is the live service's (a template that starts from it, a
 * phase's task count) has no default and is left out. {@link SpecLoader} reads it back to an equal
 * {@link Rollout}.
 */
public final class SpecWriter {
  // The loader reads under the YAML 1.2 core schema; the writer must quote every string that schema
  // would read as something else ("~", "True", "0x1F"), or a value would not load back as written.
  static final DumpSettings SETTINGS =
      DumpSettings.builder()
          .setSchema(new CoreSchema())
          .setDefaultFlowStyle(FlowStyle.BLOCK)
          .setIndent(2)
          .setIndicatorIndent(2)
          .setIndentWithIndicator(true)
          .setWidth(100)
          .build();

  private SpecWriter() {}

  /** The effective spec as one YAML document. */
  public static String toYaml(Rollout rollout) {
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("apiVersion", rollout.apiVersion());
    root.put("kind", rollout.kind());
    Map<String, Object> metadata = new LinkedHashMap<>();
    metadata.put("name", rollout.metadata().name());
    putIf(metadata, "labels", sorted(rollout.metadata().labels()));
    root.put("metadata", metadata);
    root.put("spec", spec(rollout.spec()));
    return new Dump(SETTINGS).dumpToString(root);
  }

  private static Map<String, Object> spec(RolloutSpec spec) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("target", target(spec.target()));
    putIf(m, "template", template(spec.template()));
    m.put("analysis", analysis(spec.analysis()));
    m.put("progressDeadline", Durations.format(spec.progressDeadline()));
    m.put("driftPolicy", spec.driftPolicy().name().toLowerCase(Locale.ROOT));
    List<Object> phases = new ArrayList<>();
    for (Phase p : spec.phases()) {
      phases.add(phase(p, spec.analysis()));
    }
    m.put("phases", phases);
    return m;
  }

  private static Map<String, Object> target(Target t) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("region", t.region());
    m.put("cluster", t.cluster());
    m.put("service", t.service());
    m.put("createIfMissing", t.createIfMissing());
    m.put("adopt", t.adopt());
    putIf(m, "url", t.url() == null ? null : t.url().toString());
    putIf(m, "roleArn", t.roleArn());
    putIf(m, "externalId", t.externalId());
    if (t.network() != null) {
      Map<String, Object> n = new LinkedHashMap<>();
      n.put("subnets", t.network().subnets());
      n.put("securityGroups", t.network().securityGroups());
      n.put("assignPublicIp", t.network().assignPublicIp());
      m.put("network", n);
    }
    List<Object> lbs = new ArrayList<>();
    for (Target.LoadBalancer lb : t.loadBalancers()) {
      Map<String, Object> l = new LinkedHashMap<>();
      l.put("targetGroupArn", lb.targetGroupArn());
      putIf(l, "containerName", lb.containerName());
      if (lb.containerPort() > 0) {
        l.put("containerPort", lb.containerPort());
      }
      if (lb.blueGreen() != null) {
        Map<String, Object> bg = new LinkedHashMap<>();
        bg.put("alternateTargetGroupArn", lb.blueGreen().alternateTargetGroupArn());
        bg.put("productionListenerRule", lb.blueGreen().productionListenerRule());
        putIf(bg, "testListenerRule", lb.blueGreen().testListenerRule());
        bg.put("roleArn", lb.blueGreen().roleArn());
        l.put("blueGreen", bg);
      }
      lbs.add(l);
    }
    putIf(m, "loadBalancers", lbs);
    Target.TrafficRouting r = t.traffic();
    if (r != null) {
      Map<String, Object> tr = new LinkedHashMap<>();
      putIf(tr, "listenerRuleArn", r.listenerRuleArn());
      putIf(tr, "listenerArn", r.listenerArn());
      tr.put("stableTargetGroupArn", r.stableTargetGroupArn());
      tr.put("canaryTargetGroupArn", r.canaryTargetGroupArn());
      tr.put("canaryService", r.canaryService());
      m.put("traffic", tr);
    }
    Target.LifecycleHook h = t.lifecycleHook();
    if (h != null) {
      Map<String, Object> hook = new LinkedHashMap<>();
      hook.put("functionArn", h.functionArn());
      hook.put("roleArn", h.roleArn());
      hook.put("silence", Durations.format(h.silence()));
      m.put("lifecycleHook", hook);
    }
    return m;
  }

  /**
   * The template; one that starts from the live service is written with only what it sets, and not
   * at all when it sets nothing, as it loads back to the same.
   */
  private static Map<String, Object> template(Template t) {
    Map<String, Object> m = new LinkedHashMap<>();
    if (t.startsFromLiveService()) {
      putIf(m, "container", t.container());
      putIf(m, "env", sorted(t.env()));
      putIf(m, "secrets", sorted(t.secrets()));
      return m;
    }
    m.put("family", t.family());
    m.put("container", t.container());
    m.put("port", t.port());
    m.put("cpu", t.cpu());
    m.put("memory", t.memory());
    putIf(m, "env", sorted(t.env()));
    putIf(m, "secrets", sorted(t.secrets()));
    m.put("launchType", t.launchType());
    m.put("networkMode", t.networkMode());
    putIf(m, "executionRoleArn", t.executionRoleArn());
    putIf(m, "taskRoleArn", t.taskRoleArn());
    putIf(m, "logGroup", t.logGroup());
    if (t.healthCheck() != null) {
      Map<String, Object> h = new LinkedHashMap<>();
      h.put("command", t.healthCheck().command());
      h.put("interval", t.healthCheck().intervalSeconds());
      h.put("timeout", t.healthCheck().timeoutSeconds());
      h.put("retries", t.healthCheck().retries());
      h.put("startPeriod", t.healthCheck().startPeriodSeconds());
      m.put("healthCheck", h);
    }
    List<Object> sidecars = new ArrayList<>();
    for (Template.Sidecar s : t.sidecars()) {
      Map<String, Object> c = new LinkedHashMap<>();
      c.put("name", s.name());
      c.put("image", s.image().toString());
      c.put("essential", s.essential());
      sidecars.add(c);
    }
    putIf(m, "sidecars", sidecars);
    if (t.fromFile() != null) {
      // Inline, whether it was read from a file or not: the written spec needs nothing beside it.
      m.put("taskDefinition", Json.mapper().readValue(t.fromFile().json(), Object.class));
    }
    return m;
  }

  private static Map<String, Object> analysis(Analysis a) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("interval", Durations.format(a.interval()));
    m.put("count", a.count());
    m.put("failureLimit", a.failureLimit());
    m.put("inconclusiveLimit", a.inconclusiveLimit());
    m.put("consecutiveErrorLimit", a.consecutiveErrorLimit());
    return m;
  }

  private static Map<String, Object> phase(Phase p, Analysis inherited) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", p.name());
    putIf(m, "image", p.image() == null ? null : p.image().toString());
    Map<String, Object> images = new TreeMap<>();
    p.images().forEach((k, v) -> images.put(k, v.toString()));
    putIf(m, "images", images);
    putIf(m, "env", sorted(p.env()));
    putIf(m, "secrets", sorted(p.secrets()));
    if (p.cpu() > 0) {
      m.put("cpu", p.cpu());
    }
    if (p.memory() > 0) {
      m.put("memory", p.memory());
    }
    putIf(m, "desiredCount", p.desiredCount()); // none: the service keeps its own count
    m.put("gates", gates(p, inherited));
    m.put("bake", Durations.format(p.bake()));
    m.put("approval", p.approval().name().toLowerCase(Locale.ROOT));
    putIf(m, "rollbackTo", p.rollbackTo());
    putIf(m, "marker", p.marker());
    if (p.traffic() != null) {
      m.put("traffic", traffic(p.traffic()));
    }
    return m;
  }

  private static Map<String, Object> traffic(Traffic t) {
    List<Object> steps = new ArrayList<>();
    for (Traffic.Step step : t.steps()) {
      steps.add(
          switch (step) {
            case Traffic.SetWeight w -> Map.of("setWeight", w.weight());
            case Traffic.Pause pause -> Map.of("pause", Durations.format(pause.duration()));
          });
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("mode", t.mode().name().toLowerCase(Locale.ROOT));
    m.put("steps", steps);
    return m;
  }

  /**
   * The phase's gates; those from a template under the use that gave them, with every argument's
   * value, so the spec keeps the gates it was loaded with and loads back without the template.
   */
  private static List<Object> gates(Phase p, Analysis inherited) {
    List<Object> items = new ArrayList<>();
    int i = 0;
    for (TemplateUse u : p.templateUses()) {
      for (; i < u.first(); i++) {
        items.add(gate(p.gates().get(i), inherited));
      }
      Map<String, Object> use = new LinkedHashMap<>();
      use.put("template", u.template());
      if (!u.name().equals(u.template())) {
        use.put("name", u.name());
      }
      putIf(use, "args", sorted(u.args()));
      List<Object> given = new ArrayList<>();
      for (; i < u.first() + u.count(); i++) {
        given.add(gate(p.gates().get(i), inherited));
      }
      use.put("gates", given);
      items.add(use);
    }
    for (; i < p.gates().size(); i++) {
      items.add(gate(p.gates().get(i), inherited));
    }
    return items;
  }

  private static Map<String, Object> gate(Gate g, Analysis inherited) {
    Map<String, Object> options = GateYaml.options(g);
    if (!g.analysis().equals(inherited)) {
      options.put("analysis", analysis(g.analysis()));
    }
    Map<String, Object> item = new LinkedHashMap<>();
    item.put(g.kind(), options);
    return item;
  }

  private static Map<String, Object> sorted(Map<String, String> map) {
    return new TreeMap<>(map);
  }

  /** Puts values that are present: not null and not an empty list or map. */
  static void putIf(Map<String, Object> m, String key, Object value) {
    if (value == null
        || (value instanceof List<?> l && l.isEmpty())
        || (value instanceof Map<?, ?> mm && mm.isEmpty())) {
      return;
    }
    m.put(key, value);
  }
}
