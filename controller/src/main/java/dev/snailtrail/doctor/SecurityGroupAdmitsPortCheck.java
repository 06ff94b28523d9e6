package dev.snailtrail.doctor;

import dev.snailtrail.provider.Ecs.LoadBalancerBinding;
import dev.snailtrail.provider.Ecs.NetworkConfig;
import dev.snailtrail.provider.LoadBalancing.TargetGroup;
import dev.snailtrail.provider.Network.IngressRule;
import dev.snailtrail.provider.Network.SecurityGroup;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Check 5: the task's security groups admit the container port from the load balancer's groups (or
 * from a CIDR). The story's fourth blocker: no rule for 5000, so every health check timed out.
 */
final class SecurityGroupAdmitsPortCheck implements PreflightCheck {

  @Override
  public Check id() {
    return Check.SecurityGroupAdmitsPort;
  }

  @Override
  public boolean perPhase() {
    return false;
  }

  @Override
  public CheckResult run(Inspection in) {
    Facts f = in.facts;
    if (!f.awsvpc()) {
      return in.skipped(
          id(),
          "under " + f.networkMode() + " the container instances' security groups apply",
          "check that they admit the host ports from the load balancer");
    }
    NetworkConfig net = f.network();
    if (net == null || net.securityGroups().isEmpty()) {
      return in.skipped(id(), "no awsvpc network configuration to look at", "");
    }
    List<LoadBalancerBinding> bindings = f.bindings();
    if (bindings.isEmpty()) {
      return in.skipped(id(), "no load balancer: nothing must reach the tasks through one", "");
    }
    List<SecurityGroup> groups = f.securityGroups(net.securityGroups());
    Set<String> known = groups.stream().map(SecurityGroup::id).collect(Collectors.toSet());
    List<String> unknown = net.securityGroups().stream().filter(id -> !known.contains(id)).toList();
    if (!unknown.isEmpty()) {
      return in.fail(
          id(),
          "security group " + String.join(", ", unknown) + " does not exist",
          "the service's network names " + net.securityGroups(),
          "Fix target.network.securityGroups (or the service's network configuration).");
    }
    List<String> passed = new ArrayList<>();
    for (LoadBalancerBinding b : bindings) {
      int port = b.containerPort();
      TargetGroup tg = f.targetGroup(b.targetGroupArn()).orElse(null);
      if (tg == null) {
        continue; // reported by the port check
      }
      Set<String> lbGroups = loadBalancerGroups(f, tg);
      IngressRule admits = admitting(groups, port, lbGroups);
      if (admits == null) {
        return notAdmitted(in, groups, port, lbGroups);
      }
      passed.add(
          "tcp "
              + port
              + " from "
              + (admits.sourceGroupIds().isEmpty()
                  ? String.join(", ", admits.cidrs())
                  : String.join(", ", admits.sourceGroupIds())));
    }
    if (passed.isEmpty()) {
      return in.skipped(id(), "no target group found to check against", "");
    }
    return in.pass(
        id(),
        "security group " + String.join(", ", net.securityGroups()) + " admits " + passed.get(0),
        String.join("; ", passed));
  }

  /** The security groups of the load balancers that forward to the target group. */
  private static Set<String> loadBalancerGroups(Facts f, TargetGroup tg) {
    Set<String> lbGroups = new LinkedHashSet<>();
    for (String lb : tg.loadBalancerArns()) {
      lbGroups.addAll(f.loadBalancerSecurityGroups(lb));
    }
    return lbGroups;
  }

  /** No rule of the task's groups admits the port from the load balancer: the rule to add. */
  private CheckResult notAdmitted(
      Inspection in, List<SecurityGroup> groups, int port, Set<String> lbGroups) {
    SecurityGroup task = groups.get(0);
    String source =
        lbGroups.isEmpty()
            ? "--cidr <the load balancer's subnet CIDR>"
            : "--source-group " + lbGroups.iterator().next();
    return in.fail(
        id(),
        "security group "
            + task.id()
            + " ("
            + task.name()
            + ") does not admit tcp "
            + port
            + " from "
            + (lbGroups.isEmpty()
                ? "the load balancer"
                : "the load balancer's group " + String.join(", ", lbGroups)),
        rules(groups),
        "Add the rule: aws ec2 authorize-security-group-ingress --group-id "
            + task.id()
            + " --protocol tcp --port "
            + port
            + " "
            + source
            + " --region "
            + in.facts.region());
  }

  /** A rule of the groups admitting TCP on the port from the load balancer, or null. */
  private static IngressRule admitting(List<SecurityGroup> groups, int port, Set<String> lbGroups) {
    for (SecurityGroup g : groups) {
      for (IngressRule r : g.ingress()) {
        if (!r.admitsTcp(port)) {
          continue;
        }
        if (!r.cidrs().isEmpty() || r.sourceGroupIds().stream().anyMatch(lbGroups::contains)) {
          return r;
        }
      }
    }
    return null;
  }

  private static String rules(List<SecurityGroup> groups) {
    List<String> out = new ArrayList<>();
    for (SecurityGroup g : groups) {
      String rules =
          g.ingress().isEmpty()
              ? "no inbound rules"
              : g.ingress().stream()
                  .map(SecurityGroupAdmitsPortCheck::describe)
                  .collect(Collectors.joining(", "));
      out.add(g.id() + " admits: " + rules);
    }
    return String.join("; ", out);
  }

  private static String describe(IngressRule r) {
    String ports =
        r.protocol().equals("-1")
            ? "all traffic"
            : r.protocol()
                + " "
                + (r.fromPort() == r.toPort() ? r.fromPort() : r.fromPort() + "-" + r.toPort());
    List<String> from = new ArrayList<>(r.cidrs());
    from.addAll(r.sourceGroupIds());
    return ports + " from " + String.join(", ", from);
  }
}
