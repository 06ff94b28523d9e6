package dev.snailtrail.doctor;

import dev.snailtrail.spec.Analysis;
import dev.snailtrail.spec.Gate;
import dev.snailtrail.spec.ImageRef;
import dev.snailtrail.spec.Metadata;
import dev.snailtrail.spec.Phase;
import dev.snailtrail.spec.Rollout;
import dev.snailtrail.spec.RolloutSpec;
import dev.snailtrail.spec.Target;
import dev.snailtrail.spec.Template;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The story's service as a rollout, with the knobs the preflight fixtures turn. */
final class DoctorFixtures {
  static final String REGION = "us-east-1";
  static final String CLUSTER = "shine-ml-cluster";
  static final String SERVICE = "shine-api-gateway";
  static final String ALARM = "shine-5xx-high";

  String registry = "396608803476.dkr.ecr.us-east-1.amazonaws.com";
  String targetGroupArn =
      "arn:aws:elasticloadbalancing:us-east-1:396608803476:targetgroup/shine-api/6d0ecf831eec9f09";
  int templatePort = 5000;
  int loadBalancerPort = 0;
  String launchType = "FARGATE";
  String networkMode = "awsvpc";
  String logGroup = "/ecs/shine-api-gateway";
  String executionRoleArn = "arn:aws:iam::396608803476:role/ecsTaskExecutionRole";
  boolean createIfMissing = true;
  boolean assignPublicIp = true;
  List<String> subnets = List.of("subnet-0aaa", "subnet-0bbb");
  List<String> securityGroups = List.of("sg-0task");
  List<String> tags = List.of("simple", "hybrid");
  String rollbackTo = null;

  ImageRef image(String tag) {
    return ImageRef.parse(registry + "/shine-api-gateway:" + tag);
  }

  Rollout rollout() {
    List<Phase> phases = new ArrayList<>();
    for (int i = 0; i < tags.size(); i++) {
      String tag = tags.get(i);
      phases.add(
          new Phase(
              tag,
              image(tag),
              Map.of(),
              Map.of(),
              0,
              0,
              1,
              List.of(new Gate.CloudWatchAlarm(List.of(ALARM), Analysis.DEFAULTS)),
              Duration.ZERO,
              Phase.Approval.NONE,
              i == tags.size() - 1 ? rollbackTo : null,
              null,
              java.util.Map.of(),
              java.util.List.of()));
    }
    Target target =
        new Target(
            REGION,
            CLUSTER,
            SERVICE,
            createIfMissing,
            URI.create("http://shine-alb-1234.us-east-1.elb.amazonaws.com"),
            null,
            new Target.Network(subnets, securityGroups, assignPublicIp),
            List.of(new Target.LoadBalancer(targetGroupArn, null, loadBalancerPort)));
    Template template =
        new Template(
            "shine-api-gateway",
            "api",
            templatePort,
            512,
            1024,
            Map.of(),
            launchType,
            networkMode,
            executionRoleArn,
            null,
            logGroup,
            null,
            List.of(),
            null,
            java.util.Map.of());
    return new Rollout(
        Rollout.API_VERSION,
        Rollout.KIND,
        new Metadata(SERVICE, Map.of()),
        new RolloutSpec(
            target, template, Analysis.DEFAULTS, Duration.ofMinutes(15), List.copyOf(phases)));
  }
}
