package dev.snailtrail.sim;

import dev.snailtrail.provider.Network.RouteTable;
import dev.snailtrail.provider.Network.SecurityGroup;
import dev.snailtrail.spec.Durations;
import dev.snailtrail.spec.ImageRef;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * A scenario file: image behaviour overrides, alarms that change at given times, and resources
 * removed so preflight checks have something to find. The format is in docs/simulator.md.
 */
final class Scenario {
  private static final Set<String> TOP = Set.of("images", "alarms", "remove", "circuitBreaker");

  private Scenario() {}

  /**
   * Applies the YAML to the world at its current time.
   *
   * @throws IllegalArgumentException naming what is wrong, before anything is applied
   */
  static void apply(World world, String yaml) {
    Object doc = new Load(LoadSettings.builder().setLabel("scenario").build()).loadFromString(yaml);
    if (doc == null) {
      return;
    }
    Map<?, ?> root = map(doc, "the scenario");
    for (Object k : root.keySet()) {
      if (!TOP.contains(String.valueOf(k))) {
        throw new IllegalArgumentException(
            "unknown scenario key '" + k + "'; expected one of " + TOP);
      }
    }
    List<Runnable> actions = new ArrayList<>();
    if (root.get("images") != null) {
      for (Map.Entry<?, ?> e : map(root.get("images"), "images").entrySet()) {
        String image = String.valueOf(e.getKey());
        Behavior b = Behavior.fromScenarioName(String.valueOf(e.getValue()));
        actions.add(() -> world.imageBehaviors.put(image, b));
      }
    }
    if (root.get("circuitBreaker") != null) {
      boolean on = Boolean.parseBoolean(String.valueOf(root.get("circuitBreaker")));
      actions.add(() -> world.circuitBreaker = on);
    }
    if (root.get("alarms") != null) {
      for (Object o : list(root.get("alarms"), "alarms")) {
        Map<?, ?> a = map(o, "an alarm");
        String name = required(a, "name", "an alarm");
        String state = required(a, "state", "alarm " + name);
        Object reasonValue = a.get("reason");
        String reason =
            reasonValue == null ? "Set by scenario: " + state : String.valueOf(reasonValue);
        Instant at = time(world.now, a.get("at"));
        actions.add(() -> world.at(at, () -> world.alarms.set(name, state, reason)));
        // Reject a bad state now rather than when the alarm fires.
        if (!Set.of("OK", "ALARM", "INSUFFICIENT_DATA").contains(state.toUpperCase(Locale.ROOT))) {
          throw new IllegalArgumentException(
              "alarm " + name + ": state '" + state + "' is not OK, ALARM or INSUFFICIENT_DATA");
        }
      }
    }
    if (root.get("remove") != null) {
      for (Object o : list(root.get("remove"), "remove")) {
        actions.add(removal(world, map(o, "a removal")));
      }
    }
    actions.forEach(Runnable::run);
  }

  private static Runnable removal(World world, Map<?, ?> r) {
    if (r.size() != 1) {
      throw new IllegalArgumentException(
          "each removal names one of securityGroupRule, internetGatewayRoute, ecrImage: " + r);
    }
    String kind = String.valueOf(r.keySet().iterator().next());
    Object value = r.values().iterator().next();
    return switch (kind) {
      case "securityGroupRule" -> {
        Map<?, ?> m = map(value, "securityGroupRule");
        String group = required(m, "group", "securityGroupRule");
        int port = Integer.parseInt(required(m, "port", "securityGroupRule"));
        yield () -> {
          SecurityGroup sg = world.securityGroups.get(group);
          if (sg == null) {
            throw new IllegalArgumentException("no security group " + group + " to remove from");
          }
          world.securityGroups.put(
              group,
              new SecurityGroup(
                  sg.id(),
                  sg.name(),
                  sg.vpcId(),
                  sg.ingress().stream().filter(rule -> !rule.admitsTcp(port)).toList()));
        };
      }
      case "internetGatewayRoute" -> {
        Map<?, ?> m = value == null ? Map.of() : map(value, "internetGatewayRoute");
        Object table = m.get("routeTable");
        yield () -> {
          for (RouteTable rt : List.copyOf(world.routeTables.values())) {
            if (table != null && !rt.id().equals(String.valueOf(table))) {
              continue;
            }
            world.routeTables.put(
                rt.id(),
                new RouteTable(
                    rt.id(),
                    rt.vpcId(),
                    rt.main(),
                    rt.subnetIds(),
                    rt.routes().stream()
                        .filter(route -> !route.target().startsWith("igw-"))
                        .toList()));
          }
        };
      }
      case "ecrImage" -> {
        ImageRef image = ImageRef.parse(String.valueOf(value));
        yield () -> world.ecr.removeEverywhere(image);
      }
      default ->
          throw new IllegalArgumentException(
              "unknown removal '"
                  + kind
                  + "'; use securityGroupRule, internetGatewayRoute or ecrImage");
    };
  }

  /** {@code 5m} after now, an ISO instant, or now. */
  private static Instant time(Instant now, Object at) {
    if (at == null) {
      return now;
    }
    String s = String.valueOf(at);
    try {
      return Instant.parse(s);
    } catch (DateTimeParseException e) {
      return now.plus(Durations.parse(s));
    }
  }

  private static Map<?, ?> map(Object o, String what) {
    if (o instanceof Map<?, ?> m) {
      return m;
    }
    throw new IllegalArgumentException(what + " must be a mapping, not " + o);
  }

  private static List<?> list(Object o, String what) {
    if (o instanceof List<?> l) {
      return l;
    }
    throw new IllegalArgumentException(what + " must be a list, not " + o);
  }

  private static String required(Map<?, ?> m, String key, String what) {
    Object v = m.get(key);
    if (v == null) {
      throw new IllegalArgumentException(what + " needs '" + key + "'");
    }
    return String.valueOf(v);
  }
}
