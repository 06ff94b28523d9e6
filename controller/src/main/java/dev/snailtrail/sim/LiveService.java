package dev.snailtrail.sim;

import dev.snailtrail.provider.TaskDefinitionSpec;
import dev.snailtrail.spec.ImageRef;
import dev.snailtrail.spec.Target;
import dev.snailtrail.spec.Template;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.json.JsonMapper;

/**
 * The task definition a simulated service runs before a rollout that rolls the live service touches
 * it: the kind a team has in production, with what a template could never describe (a second
 * container, secrets from Secrets Manager and SSM, an EFS volume, ulimits, a dependency, a task
 * role, tags), so a rollout that dropped any of it would show.
 */
final class LiveService {
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private LiveService() {}

  /** The main container's default port when nothing in the spec names one. */
  static final int DEFAULT_PORT = 8080;

  static TaskDefinitionSpec taskDefinition(Seeder.Input target, String imageTag) {
    String service = target.service();
    String region = target.region();
    String account = World.ACCOUNT;
    ImageRef first = target.firstImage() != null ? target.firstImage() : anyImage(target);
    String image = new ImageRef(first.registry(), first.repository(), imageTag, null).toString();
    String container =
        target.template().container() != null ? target.template().container() : "app";
    int port = port(target);
    String json =
        """
        {
          "family": "%1$s",
          "taskRoleArn": "arn:aws:iam::%3$s:role/%1$s-task",
          "executionRoleArn": "arn:aws:iam::%3$s:role/%1$s-execution",
          "networkMode": "awsvpc",
          "requiresCompatibilities": ["FARGATE"],
          "cpu": "512",
          "memory": "1024",
          "runtimePlatform": {"cpuArchitecture": "X86_64", "operatingSystemFamily": "LINUX"},
          "ephemeralStorage": {"sizeInGiB": 30},
          "volumes": [{"name": "models", "efsVolumeConfiguration":
              {"fileSystemId": "fs-0123456789abcdef0", "transitEncryption": "ENABLED"}}],
          "containerDefinitions": [
            {
              "name": "%4$s",
              "image": "%5$s",
              "essential": true,
              "portMappings": [{"containerPort": %6$d, "hostPort": %6$d, "protocol": "tcp"}],
              "environment": [{"name": "LOG_LEVEL", "value": "info"}],
              "secrets": [
                {"name": "DB_PASSWORD",
                 "valueFrom": "arn:aws:secretsmanager:%2$s:%3$s:secret:%1$s/db-password"},
                {"name": "API_TOKEN", "valueFrom": "arn:aws:ssm:%2$s:%3$s:parameter/%1$s/api-token"}
              ],
              "mountPoints": [{"sourceVolume": "models", "containerPath": "/models", "readOnly": true}],
              "ulimits": [{"name": "nofile", "softLimit": 65536, "hardLimit": 65536}],
              "dependsOn": [{"containerName": "log-router", "condition": "START"}],
              "healthCheck": {"command": ["CMD-SHELL", "curl -f http://localhost:%6$d/health || exit 1"],
                              "interval": 10, "timeout": 5, "retries": 3, "startPeriod": 10},
              "logConfiguration": {"logDriver": "awslogs", "options":
                  {"awslogs-group": "/ecs/%1$s", "awslogs-region": "%2$s", "awslogs-stream-prefix": "ecs"}}
            },
            {
              "name": "log-router",
              "image": "%7$s",
              "essential": true,
              "firelensConfiguration": {"type": "fluentbit"},
              "memoryReservation": 50,
              "secrets": [{"name": "LOG_TOKEN",
                           "valueFrom": "arn:aws:ssm:%2$s:%3$s:parameter/%1$s/log-token"}]
            }
          ]
        }
        """
            .formatted(service, region, account, container, image, port, sidecarImage(first));
    return TaskDefinitionSpec.of(JSON.readTree(json)).withTags(Map.of("team", "ml"));
  }

  /** An image of any phase (the first may keep the live one), else the service's own name. */
  private static ImageRef anyImage(Seeder.Input target) {
    return target.images().isEmpty()
        ? ImageRef.parse(
            World.ACCOUNT
                + ".dkr.ecr."
                + target.region()
                + ".amazonaws.com/"
                + target.service()
                + ":baseline")
        : target.images().get(0);
  }

  /** The log router's image, in the phases' registry so it is in the simulated ECR. */
  static String sidecarImage(ImageRef first) {
    return new ImageRef(first.registry(), first.repository() + "-log-router", "stable", null)
        .toString();
  }

  private static int port(Seeder.Input target) {
    for (Target.LoadBalancer lb : target.loadBalancers()) {
      if (lb.containerPort() > 0) {
        return lb.containerPort();
      }
    }
    return DEFAULT_PORT;
  }

  /**
   * The template a live task definition amounts to, for the parts of the world seeded from one
   * (security group port, target groups, log group).
   */
  static Template templateOf(TaskDefinitionSpec td, Template given) {
    String main =
        given.container() != null && td.container(given.container()) != null
            ? given.container()
            : td.containers().stream()
                .filter(c -> !c.portMappings().isEmpty())
                .findFirst()
                .orElse(td.containers().get(0))
                .name();
    var c = td.container(main);
    String group = "awslogs".equals(c.logDriver()) ? c.logOptions().get("awslogs-group") : null;
    return new Template(
        td.family(),
        main,
        c.firstPort(),
        0,
        0,
        Map.of(),
        td.requiresCompatibilities().isEmpty() ? "FARGATE" : td.requiresCompatibilities().get(0),
        td.networkMode() == null ? "awsvpc" : td.networkMode().toString(),
        td.executionRoleArn(),
        td.taskRoleArn(),
        group,
        null,
        List.of(),
        null,
        Map.of());
  }
}
