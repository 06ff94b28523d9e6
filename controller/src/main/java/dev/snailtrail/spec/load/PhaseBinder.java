package dev.snailtrail.spec.load;

import dev.snailtrail.spec.Analysis;
import dev.snailtrail.spec.Gate;
import dev.snailtrail.spec.ImageRef;
import dev.snailtrail.spec.Phase;
import dev.snailtrail.spec.Target;
import dev.snailtrail.spec.TemplateUse;
import dev.snailtrail.spec.Traffic;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.Tag;

/**
 * Reads {@code spec.phases} in order: each phase inherits its images from the one before, keeps the
 * service's task count unless it sets one, and may only roll back to an earlier phase.
 */
final class PhaseBinder {
  static final Set<String> KEYS =
      Set.of(
          "name",
          "image",
          "images",
          "env",
          "cpu",
          "memory",
          "desiredCount",
          "gates",
          "bake",
          "approval",
          "rollbackTo",
          "marker",
          "secrets",
          "traffic");

  private final Target target;
  private final TemplateBinder.Result template;
  private final Analysis analysis;
  private final Duration progressDeadline;
  private final TemplateIndex templates;

  PhaseBinder(
      Target target,
      TemplateBinder.Result template,
      Analysis analysis,
      Duration progressDeadline,
      TemplateIndex templates) {
    this.target = target;
    this.template = template;
    this.analysis = analysis;
    this.progressDeadline = progressDeadline;
    this.templates = templates;
  }

  /** A phase's gates, with those that came from templates marked. */
  private record Gates(List<Gate> gates, List<TemplateUse> uses) {}

  List<Phase> bind(Value value) {
    List<Value> items = value.items();
    List<Phase> phases = new ArrayList<>();
    if (items == null) {
      return phases;
    }
    if (items.isEmpty()) {
      value.problem("a rollout needs at least one phase");
    }
    Map<String, Value> names = new LinkedHashMap<>();
    List<String> order = new ArrayList<>();
    List<Value> rollbacks = new ArrayList<>();
    Phase previous = null;
    for (Value item : items) {
      Fields f = item.fields(KEYS);
      if (f == null) {
        continue;
      }
      Phase phase = phase(f, previous, names);
      order.add(phase.name());
      rollbacks.add(f.get("rollbackTo"));
      phases.add(phase);
      previous = phase;
    }
    checkRollbacks(order, rollbacks);
    return phases;
  }

  private Phase phase(Fields f, Phase previous, Map<String, Value> names) {
    Value nameValue = f.require("name");
    String name = nameValue == null ? null : nameValue.string();
    if (name != null) {
      String invalid = Formats.dnsLabelProblem(name);
      if (invalid != null) {
        nameValue.problem(invalid);
      } else if (names.containsKey(name)) {
        int line = names.get(name).node().getStartMark().map(m -> m.getLine() + 1).orElse(0);
        nameValue.problem("duplicate phase name '" + name + "' (first used on line " + line + ")");
      } else {
        names.put(name, nameValue);
      }
    }

    ImageRef image = image(f, previous);
    Map<String, ImageRef> images = images(f.get("images"), previous);
    ContainerVariables.Written variables = ContainerVariables.read(f);
    if (template != null) {
      ContainerVariables.checkPhase(variables, template.template());
    }
    int cpu = positiveOrZero(f, "cpu");
    int memory = positiveOrZero(f, "memory");
    Integer desired = f.integer("desiredCount");
    if (desired != null && desired < 0) {
      f.problem("desiredCount", "desiredCount cannot be negative");
      desired = null;
    }
    Value bakeValue = f.get("bake");
    Duration bake = bakeValue == null ? null : bakeValue.duration();
    Phase.Approval approval = approval(f.get("approval"));
    String rollbackTo = f.string("rollbackTo", null);
    String marker = f.string("marker", null);
    Gates gates = gates(f.get("gates"), image);
    Value trafficValue = f.get("traffic");
    Traffic traffic = trafficValue == null ? null : TrafficBinder.bind(trafficValue, target);

    return new Phase(
        name == null ? "" : name,
        image,
        images,
        variables.env(),
        cpu,
        memory,
        desired, // none: the service keeps its own count
        gates.gates(),
        bake != null ? bake : Defaults.BAKE,
        approval != null ? approval : Defaults.APPROVAL,
        rollbackTo,
        marker,
        variables.secrets(),
        gates.uses(),
        traffic);
  }

  private Gates gates(Value value, ImageRef image) {
    GateBinder gates =
        new GateBinder(new GateBinder.Context(target, template, analysis, progressDeadline, image));
    TemplateUseBinder uses = new TemplateUseBinder(templates, gates);
    List<Gate> bound = new ArrayList<>();
    List<TemplateUse> used = new ArrayList<>();
    Map<String, Value> useNames = new LinkedHashMap<>();
    List<Value> items = value == null ? null : value.items();
    for (Value item : items == null ? List.<Value>of() : items) {
      if (!TemplateUseBinder.isUse(item)) {
        Gate gate = gates.bind(item);
        if (gate != null) {
          bound.add(gate);
        }
        continue;
      }
      TemplateUseBinder.Bound use = uses.bind(item, bound.size());
      if (use != null && uniqueName(use.use(), item, useNames)) {
        bound.addAll(use.gates());
        used.add(use.use());
      }
    }
    return new Gates(bound, used);
  }

  /** Two uses of one name in a phase would give their gates the same names in status. */
  private static boolean uniqueName(TemplateUse use, Value item, Map<String, Value> names) {
    Value earlier = names.putIfAbsent(use.name(), item);
    if (earlier == null) {
      return true;
    }
    item.problem(
        "this phase already uses a template under the name '"
            + use.name()
            + "' ("
            + earlier.path()
            + "), and their gates would have the same names in status ("
            + use.name()
            + "/KIND/N); give this use a name of its own, e.g. name: "
            + use.template()
            + "-"
            + (names.size() + 1));
    return false;
  }

  private ImageRef image(Fields f, Phase previous) {
    Value v = f.get("image");
    if (v != null) {
      return v.parsed(ImageRef::parse);
    }
    if (previous != null) {
      return previous.image();
    }
    if (template != null && template.fileImage() != null) {
      return template.fileImage();
    }
    if (template != null && (template.baseUnreadable() || template.live())) {
      // Unknown here: the reason is recorded at the template, or it is the live revision's.
      return null;
    }
    f.owner()
        .problem(
            "the first phase needs an image: the template describes a task definition of its own,"
                + " whose main container has none until a phase gives one (a template that starts"
                + " from a task definition, template.fromFile or template.taskDefinition, or from"
                + " the live service, has one)");
    return null;
  }

  private Map<String, ImageRef> images(Value value, Phase previous) {
    Map<String, ImageRef> out = new LinkedHashMap<>();
    if (previous != null) {
      out.putAll(previous.images());
    }
    if (value == null) {
      return out;
    }
    Fields f = value.fields(null);
    if (f == null) {
      return out;
    }
    String main = template == null ? null : template.template().container();
    for (String container : f.keys()) {
      Value v = f.present(container);
      if (container.equals(main)) {
        v.problem("'" + container + "' is the main container; set its image with 'image'");
      } else if (template != null
          && !template.live()
          && !template.containers().contains(container)) {
        v.problem(
            "the task has no container '"
                + container
                + "'; add it to template.sidecars (containers: "
                + String.join(", ", template.containers())
                + ")");
      }
      ImageRef image = v.parsed(ImageRef::parse);
      if (image != null) {
        out.put(container, image);
      }
    }
    return out;
  }

  private static int positiveOrZero(Fields f, String key) {
    Integer n = f.integer(key);
    if (n != null && n < 1) {
      f.problem(key, key + " must be positive (leave it out to keep the template's)");
      return 0;
    }
    return n == null ? 0 : n;
  }

  private static Phase.Approval approval(Value v) {
    String s = v == null ? null : v.string();
    if (s == null) {
      return null;
    }
    return switch (s) {
      case "manual" -> Phase.Approval.MANUAL;
      case "none" -> Phase.Approval.NONE;
      default -> {
        v.problem("'" + s + "' is not an approval; expected manual or none");
        yield null;
      }
    };
  }

  /** Each rollbackTo must name an earlier phase: rolling "back" to a later one is no rollback. */
  private static void checkRollbacks(List<String> order, List<Value> rollbacks) {
    for (int i = 0; i < rollbacks.size(); i++) {
      Value v = rollbacks.get(i);
      String target =
          v != null && v.node() instanceof ScalarNode s && s.getTag().equals(Tag.STR)
              ? s.getValue()
              : null;
      List<String> earlier = order.subList(0, i).stream().filter(n -> !n.isEmpty()).toList();
      if (target == null || earlier.contains(target)) {
        continue;
      }
      String may =
          earlier.isEmpty()
              ? "the first phase rolls back to the baseline and names no phase; remove rollbackTo"
              : "it may name an earlier phase: " + String.join(", ", earlier);
      if (target.equals(order.get(i))) {
        v.problem("rollbackTo names this phase itself; " + may);
      } else if (order.contains(target)) {
        v.problem("rollbackTo '" + target + "' names a later phase; " + may);
      } else {
        v.problem("rollbackTo '" + target + "' names no phase; " + may);
      }
    }
  }
}
