package dev.snailtrail.sim;

import dev.snailtrail.provider.TargetHealthState;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** One ELBv2 target group and its registered targets. */
final class SimTargetGroup {
  final String arn;
  final String name;
  final int port;
  final String targetType;
  final String vpcId;
  final String loadBalancerArn;

  /** Registered targets by task id, in registration order. */
  final Map<String, Target> targets = new LinkedHashMap<>();

  SimTargetGroup(
      String arn, String name, int port, String targetType, String vpcId, String loadBalancerArn) {
    this.arn = arn;
    this.name = name;
    this.port = port;
    this.targetType = targetType;
    this.vpcId = vpcId;
    this.loadBalancerArn = loadBalancerArn;
  }

  /** The {@code targetgroup/name/id} suffix CloudWatch uses as the TargetGroup dimension. */
  String dimension() {
    int i = arn.indexOf("targetgroup/");
    return i < 0 ? arn : arn.substring(i);
  }

  /** A registered target. */
  static final class Target {
    final SimTask task;
    final String id;
    final int port;
    TargetHealthState state = TargetHealthState.INITIAL;
    String reason = "Elb.RegistrationInProgress";
    String description = "Target registration is in progress";
    Instant unhealthySince;

    Target(SimTask task, String id, int port) {
      this.task = task;
      this.id = id;
      this.port = port;
    }

    void set(TargetHealthState state, String reason, String description) {
      this.state = state;
      this.reason = reason;
      this.description = description;
    }
  }
}
