package dev.snailtrail.sim;

import dev.snailtrail.provider.ServiceRef;
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

/** A small rollout like the snail trail's, with images chosen by each test. */
final class SimFixtures {
  static final String REGION = "us-east-1";
  static final String REGISTRY = "396608803476.dkr.ecr.us-east-1.amazonaws.com";
  static final String TG =
      "arn:aws:elasticloadbalancing:us-east-1:396608803476:targetgroup/shine/0123456789abcdef";
  static final ServiceRef SERVICE = new ServiceRef(REGION, "shine-ml-cluster", "shine-api-gateway");

  private SimFixtures() {}

  static ImageRef image(String tag) {
    return ImageRef.parse(REGISTRY + "/shine-api-gateway:" + tag);
  }

  static Template template() {
    return new Template(
        "shine-api-gateway",
        "api",
        5000,
        512,
        1024,
        Map.of(),
        "FARGATE",
        "awsvpc",
        null,
        null,
        "/ecs/shine",
        new Template.HealthCheck(
            List.of("CMD-SHELL", "curl -f http://localhost:5000/health || exit 1"), 10, 5, 3, 10),
        List.of(),
        null,
        java.util.Map.of());
  }

  static Rollout rollout(String... tags) {
    List<Phase> phases = new ArrayList<>();
    for (String tag : tags) {
      phases.add(
          new Phase(
              "phase-" + tag,
              image(tag),
              Map.of(),
              Map.of(),
              0,
              0,
              2,
              List.of(new Gate.CloudWatchAlarm(List.of("shine-5xx-high"), Analysis.DEFAULTS)),
              Duration.ZERO,
              Phase.Approval.NONE,
              null,
              null,
              java.util.Map.of(),
              java.util.List.of()));
    }
    Target target =
        new Target(
            REGION,
            SERVICE.cluster(),
            SERVICE.service(),
            true,
            URI.create("http://shine-alb-1234.us-east-1.elb.amazonaws.com"),
            null,
            new Target.Network(List.of("subnet-0aaa", "subnet-0bbb"), List.of("sg-0task"), true),
            List.of(new Target.LoadBalancer(TG, null, 0)));
    return new Rollout(
        Rollout.API_VERSION,
        Rollout.KIND,
        new Metadata("shine-api-gateway", Map.of()),
        new RolloutSpec(
            target, template(), Analysis.DEFAULTS, Duration.ofMinutes(15), List.copyOf(phases)));
  }
}
