package dev.snailtrail.sim;

import dev.snailtrail.provider.Ecs.LoadBalancerBinding;
import dev.snailtrail.provider.LoadBalancing;
import dev.snailtrail.provider.LoadBalancing.WeightedTargetGroup;
import dev.snailtrail.provider.ProviderException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The simulated ALB listener rules (and listeners' default actions) that forward by weight to
 * several target groups, and which of them a request to a service reaches: a request to a service
 * whose target group is in a weighted rule goes to each of the rule's groups in proportion to its
 * weight, in a fixed order (of every 100 requests, exactly {@code weight} go to a group), so what a
 * gate sees depends on the weights alone.
 */
final class ListenerRules {
  private final World world;
  private final Map<String, List<WeightedTargetGroup>> rules = new LinkedHashMap<>();
  private final Map<String, Long> requests = new LinkedHashMap<>();

  ListenerRules(World world) {
    this.world = world;
  }

  /** Creates a rule forwarding to these groups (seeding). */
  void seed(String arn, List<WeightedTargetGroup> groups) {
    rules.put(arn, List.copyOf(groups));
  }

  List<WeightedTargetGroup> describe(String arn) {
    List<WeightedTargetGroup> groups = rules.get(arn);
    if (groups == null) {
      throw notFound(arn, describeName(arn));
    }
    return groups;
  }

  /** ModifyRule / ModifyListener: the rule's forward action, replaced whole. */
  void set(String arn, List<WeightedTargetGroup> groups) {
    if (!rules.containsKey(arn)) {
      throw notFound(arn, modifyName(arn));
    }
    for (WeightedTargetGroup g : groups) {
      if (!world.targetGroups.containsKey(g.targetGroupArn())) {
        throw new ProviderException(
            ProviderException.Kind.NOT_FOUND,
            "elbv2",
            modifyName(arn),
            "TargetGroupNotFound: One or more target groups not found: " + g.targetGroupArn());
      }
    }
    rules.put(arn, List.copyOf(groups));
  }

  /** Whether the rule (or listener) exists. */
  boolean exists(String arn) {
    return rules.containsKey(arn);
  }

  /** The weight the rule gives a target group (0 when it does not forward to it). */
  int weight(String arn, String targetGroupArn) {
    return rules.getOrDefault(arn, List.of()).stream()
        .filter(g -> g.targetGroupArn().equals(targetGroupArn))
        .mapToInt(WeightedTargetGroup::weight)
        .sum();
  }

  /**
   * What ECS does to a blue/green deployment's rule: {@code greenPercent} to green, the rest to
   * blue, the rule's other groups as they are. Nothing for a rule that does not exist.
   */
  void split(String arn, String blue, String green, int greenPercent) {
    List<WeightedTargetGroup> groups = rules.get(arn);
    if (groups == null) {
      return;
    }
    List<WeightedTargetGroup> next = new java.util.ArrayList<>();
    boolean greenThere = false;
    for (WeightedTargetGroup g : groups) {
      if (g.targetGroupArn().equals(green)) {
        next.add(new WeightedTargetGroup(green, greenPercent));
        greenThere = true;
      } else if (g.targetGroupArn().equals(blue)) {
        next.add(new WeightedTargetGroup(blue, 100 - greenPercent));
      } else {
        next.add(g);
      }
    }
    if (!greenThere) {
      next.add(new WeightedTargetGroup(green, greenPercent));
    }
    rules.put(arn, List.copyOf(next));
  }

  /** Where a request to a service goes: a service, and the target group it is picked from. */
  record Destination(SimService service, String targetGroupArn) {}

  /**
   * The service a request to {@code s} reaches: {@code s} itself, unless its target group is in a
   * weighted rule, whose next pick may be another group's service.
   */
  Destination route(SimService s) {
    if (s.loadBalancers.isEmpty()) {
      return new Destination(s, null);
    }
    LoadBalancerBinding lb = s.loadBalancers.get(0);
    String tg = lb.targetGroupArn();
    String alternate = lb.blueGreen() == null ? null : lb.blueGreen().alternateTargetGroupArn();
    for (Map.Entry<String, List<WeightedTargetGroup>> rule : rulesFor(lb)) {
      List<WeightedTargetGroup> groups = rule.getValue();
      if (groups.stream().anyMatch(g -> g.targetGroupArn().equals(tg))) {
        long n = requests.merge(rule.getKey(), 1L, Long::sum) - 1;
        String picked = pick(groups, n);
        if (picked == null) {
          return new Destination(s, tg);
        }
        boolean own = picked.equals(tg) || picked.equals(alternate);
        return new Destination(own ? s : serviceOf(picked, s), picked);
      }
    }
    return new Destination(s, tg);
  }

  /** The binding's production rule first, when it has blue/green routing; then every rule. */
  private List<Map.Entry<String, List<WeightedTargetGroup>>> rulesFor(LoadBalancerBinding lb) {
    List<Map.Entry<String, List<WeightedTargetGroup>>> out = new java.util.ArrayList<>();
    String production = lb.blueGreen() == null ? null : lb.blueGreen().productionListenerRule();
    if (production != null && rules.containsKey(production)) {
      out.add(Map.entry(production, rules.get(production)));
    }
    out.addAll(rules.entrySet());
    return out;
  }

  /**
   * The group the {@code n}-th request goes to: each gets its share of every 100, spread evenly.
   */
  static String pick(List<WeightedTargetGroup> groups, long n) {
    int total = groups.stream().mapToInt(WeightedTargetGroup::weight).sum();
    if (total == 0) {
      return null;
    }
    long slot = n % total;
    for (int i = groups.size() - 1; i > 0; i--) {
      int w = groups.get(i).weight();
      // slot k goes to group i when floor((k+1)w/total) > floor(kw/total): w of every total
      if ((slot + 1) * w / total > slot * w / total) {
        return groups.get(i).targetGroupArn();
      }
    }
    return groups.get(0).targetGroupArn();
  }

  private SimService serviceOf(String targetGroupArn, SimService fallback) {
    for (SimService other : world.services.values()) {
      for (LoadBalancerBinding b : other.loadBalancers) {
        if (b.targetGroupArn().equals(targetGroupArn)) {
          return other;
        }
      }
    }
    return fallback;
  }

  private static ProviderException notFound(String arn, String operation) {
    return new ProviderException(
        ProviderException.Kind.NOT_FOUND,
        "elbv2",
        operation,
        (LoadBalancing.isRule(arn)
                ? "RuleNotFound: One or more rules not found: "
                : "ListenerNotFound: One or more listeners not found: ")
            + arn);
  }

  private static String describeName(String arn) {
    return LoadBalancing.isRule(arn) ? "DescribeRules" : "DescribeListeners";
  }

  private static String modifyName(String arn) {
    return LoadBalancing.isRule(arn) ? "ModifyRule" : "ModifyListener";
  }
}
