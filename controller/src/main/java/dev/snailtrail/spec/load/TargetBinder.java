package dev.snailtrail.spec.load;

import dev.snailtrail.spec.Target;
import dev.snailtrail.spec.Target.LoadBalancer;
import dev.snailtrail.spec.Target.Network;
import dev.snailtrail.spec.Template;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.nodes.Node;

/** Reads {@code spec.target}: the ECS service and how a created one is networked. */
final class TargetBinder {
  static final Set<String> KEYS =
      Set.of(
          "region",
          "cluster",
          "service",
          "createIfMissing",
          "url",
          "roleArn",
          "externalId",
          "network",
          "loadBalancers",
          "adopt",
          "traffic",
          "lifecycleHook");
  static final Set<String> NETWORK_KEYS = Set.of("subnets", "securityGroups", "assignPublicIp");
  static final Set<String> LOAD_BALANCER_KEYS =
      Set.of("targetGroupArn", "containerName", "containerPort", "blueGreen");
  static final Set<String> BLUE_GREEN_KEYS =
      Set.of("alternateTargetGroupArn", "productionListenerRule", "testListenerRule", "roleArn");

  private TargetBinder() {}

  /**
   * @param template the bound template (null when it could not be read), for the load balancers'
   *     default container and port and for checks that span both
   * @param templateKey the {@code template} key, or null when the spec has no template
   */
  static Target bind(Value value, TemplateBinder.Result template, Node templateKey) {
    Fields f = value.fields(KEYS);
    if (f == null) {
      return null;
    }
    Template t = template == null ? null : template.template();
    String region = f.requiredString("region");
    if (region != null && !Formats.REGION.matcher(region).matches()) {
      f.problem("region", "'" + region + "' is not an AWS region, e.g. us-east-1");
    }
    String cluster = f.requiredString("cluster");
    String service = f.requiredString("service");
    if (service != null && !Formats.ECS_NAME.matcher(service).matches()) {
      f.problem(
          "service", "'" + service + "' is not a valid service name (letters, digits, '-', '_')");
    }
    Boolean create = f.bool("createIfMissing");
    Boolean adopt = f.bool("adopt");
    Value urlValue = f.get("url");
    URI url = urlValue == null ? null : urlValue.parsed(Formats::httpUrl);
    String roleArn = matching(f, "roleArn", Formats.ROLE_ARN, "an IAM role ARN");
    String externalId = externalId(f, roleArn);
    Network network = network(f.get("network"), t);
    List<LoadBalancer> lbs = loadBalancers(f.get("loadBalancers"), t);

    boolean createIfMissing = create != null ? create : Defaults.CREATE_IF_MISSING;
    if (createIfMissing && template != null && template.live()) {
      refuseCreatingFromLive(f, templateKey);
    } else if (createIfMissing
        && t != null
        && "awsvpc".equals(t.networkMode())
        && !f.has("network")) {
      f.problem(
          "createIfMissing",
          "creating the service under networkMode awsvpc needs target.network with subnets and"
              + " securityGroups");
    }
    return new Target(
        region == null ? "" : region,
        cluster == null ? "" : cluster,
        service == null ? "" : service,
        createIfMissing,
        url,
        roleArn,
        externalId,
        network,
        lbs,
        adopt != null ? adopt : Defaults.ADOPT,
        TrafficBinder.routing(f.get("traffic"), service),
        TrafficBinder.hook(f.get("lifecycleHook")));
  }

  /**
   * A service the rollout creates has no live task definition to start from: its first revision is
   * built from the template or the task definition the template names.
   */
  private static void refuseCreatingFromLive(Fields f, Node templateKey) {
    String build =
        " give the template family, container and port, or a task definition to start from"
            + " (fromFile or taskDefinition); or set createIfMissing: false for a service that"
            + " exists";
    if (templateKey == null) {
      f.problem(
          "createIfMissing",
          "a service the rollout creates needs spec.template to build its first task definition"
              + " from (without a template, phases start from the live service's, which a"
              + " service not yet created does not have):"
              + build);
    } else {
      f.owner()
          .diagnostics()
          .add(
              templateKey,
              "spec.template",
              "createIfMissing needs a template that builds the service's first task definition,"
                  + " but a template of only container, env and secrets starts from the live"
                  + " service's, which a service not yet created does not have:"
                  + build);
    }
  }

  private static String matching(Fields f, String key, Pattern pattern, String what) {
    Value v = f.get(key);
    String s = v == null ? null : v.string();
    if (s != null && !pattern.matcher(s).matches()) {
      v.problem("'" + s + "' is not " + what);
      return null;
    }
    return s;
  }

  /** STS's limits on an external id: 2 to 1224 of these characters. */
  private static final Pattern EXTERNAL_ID = Pattern.compile("[\\w+=,.@:/-]{2,1224}");

  private static String externalId(Fields f, String roleArn) {
    String id =
        matching(
            f,
            "externalId",
            EXTERNAL_ID,
            "an STS external id (2 to 1224 letters, digits and any of _+=,.@:/-)");
    if (id != null && roleArn == null && !f.has("roleArn")) {
      f.problem(
          "externalId",
          "an external id is sent when assuming target.roleArn; give the role too, or drop it");
    }
    return id;
  }

  private static Network network(Value value, Template template) {
    if (value == null) {
      return null;
    }
    Fields f = value.fields(NETWORK_KEYS);
    if (f == null) {
      return null;
    }
    Value subnetsValue = f.require("subnets");
    List<String> subnets =
        subnetsValue == null ? null : ids(subnetsValue, Formats.SUBNET, "subnet id");
    if (subnets != null && subnets.isEmpty()) {
      subnetsValue.problem("give at least one subnet");
    }
    Value groupsValue = f.get("securityGroups");
    List<String> groups =
        groupsValue == null ? null : ids(groupsValue, Formats.SECURITY_GROUP, "security group id");
    Boolean publicIp = f.bool("assignPublicIp");
    boolean assign = publicIp != null ? publicIp : Defaults.ASSIGN_PUBLIC_IP;
    if (assign && template != null && "EC2".equals(template.launchType())) {
      f.problem(
          "assignPublicIp",
          "tasks on the EC2 launch type never get a public IP; use launchType FARGATE or route"
              + " through a NAT gateway");
    }
    return new Network(
        subnets == null ? List.of() : subnets, groups == null ? List.of() : groups, assign);
  }

  private static List<String> ids(Value list, Pattern pattern, String what) {
    List<Value> items = list.items();
    if (items == null) {
      return null;
    }
    List<String> out = new ArrayList<>();
    for (Value item : items) {
      String s = item.string();
      if (s != null && !pattern.matcher(s).matches()) {
        item.problem("'" + s + "' is not a " + what);
      } else if (s != null) {
        out.add(s);
      }
    }
    return out;
  }

  private static List<LoadBalancer> loadBalancers(Value value, Template template) {
    List<LoadBalancer> out = new ArrayList<>();
    List<Value> items = value == null ? null : value.items();
    if (items == null) {
      return out;
    }
    for (Value item : items) {
      Fields f = item.fields(LOAD_BALANCER_KEYS);
      if (f == null) {
        continue;
      }
      String arn = f.requiredString("targetGroupArn");
      if (arn != null && !Formats.TARGET_GROUP_ARN.matcher(arn).matches()) {
        f.problem(
            "targetGroupArn",
            "'"
                + arn
                + "' is not a target group ARN"
                + " (arn:aws:elasticloadbalancing:REGION:ACCOUNT:targetgroup/NAME/ID)");
      }
      String container = f.string("containerName", template == null ? null : template.container());
      Integer port = f.integer("containerPort");
      if (port != null && (port < 1 || port > 65535)) {
        f.problem("containerPort", "port " + port + " is outside 1-65535");
        port = null;
      }
      Target.BlueGreen blueGreen = blueGreen(f.get("blueGreen"), arn);
      if (arn != null) {
        out.add(
            new LoadBalancer(
                arn,
                container,
                port != null ? port : template == null ? 0 : template.port(),
                blueGreen));
      }
    }
    return out;
  }

  /** {@code loadBalancers[].blueGreen}, or null when absent or wrong. */
  private static Target.BlueGreen blueGreen(Value value, String targetGroupArn) {
    Fields f = value == null ? null : value.fields(BLUE_GREEN_KEYS);
    if (f == null) {
      return null;
    }
    String alternate = f.requiredString("alternateTargetGroupArn");
    if (alternate != null && !Formats.TARGET_GROUP_ARN.matcher(alternate).matches()) {
      f.problem("alternateTargetGroupArn", "'" + alternate + "' is not a target group ARN");
      alternate = null;
    } else if (alternate != null && alternate.equals(targetGroupArn)) {
      f.problem(
          "alternateTargetGroupArn",
          "the alternate target group is the second of two: not targetGroupArn itself");
      alternate = null;
    }
    String production = rule(f, "productionListenerRule", true);
    String test = rule(f, "testListenerRule", false);
    String role = matching(f, "roleArn", Formats.ROLE_ARN, "an IAM role ARN");
    if (role == null && !f.has("roleArn")) {
      f.problem(
          "roleArn", "give the role ECS changes the listener rules with (roleArn is required)");
    }
    return alternate == null || production == null || role == null
        ? null
        : new Target.BlueGreen(alternate, production, test, role);
  }

  private static String rule(Fields f, String key, boolean required) {
    String s = required ? f.requiredString(key) : f.string(key, null);
    if (s != null
        && !TrafficBinder.LISTENER_RULE_ARN.matcher(s).matches()
        && !TrafficBinder.LISTENER_ARN.matcher(s).matches()) {
      f.problem(key, "'" + s + "' is not an ALB listener rule (or listener) ARN");
      return null;
    }
    return s;
  }
}
