package dev.snailtrail.gate;

import dev.snailtrail.provider.Ecs.ContainerState;
import dev.snailtrail.provider.Ecs.PortMapping;
import dev.snailtrail.provider.Ecs.ServiceState;
import dev.snailtrail.provider.Ecs.TaskState;
import dev.snailtrail.provider.HealthStatus;
import dev.snailtrail.provider.LaunchType;
import dev.snailtrail.provider.NetworkMode;
import dev.snailtrail.provider.ServiceRef;
import dev.snailtrail.provider.ServiceStatus;
import dev.snailtrail.provider.TaskDefinition;
import dev.snailtrail.provider.TaskDefinitionSpec;
import dev.snailtrail.provider.TaskDefinitionSpec.ContainerDefinition;
import dev.snailtrail.provider.TaskDefinitionSpec.HealthCheck;
import dev.snailtrail.provider.TaskDefinitionStatus;
import dev.snailtrail.provider.TaskStatus;
import dev.snailtrail.provider.TaskStopCode;
import dev.snailtrail.spec.Analysis;
import dev.snailtrail.spec.ImageRef;
import dev.snailtrail.spec.Phase;
import dev.snailtrail.spec.Template;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** The shine-api-gateway world the gate tests measure. */
final class Fixtures {

  static final String REGION = "us-east-1";
  static final ServiceRef SERVICE = new ServiceRef(REGION, "shine-ml-cluster", "shine-api-gateway");
  static final String TD_ARN =
      "arn:aws:ecs:us-east-1:396608803476:task-definition/shine-api-gateway:12";
  static final String OLD_TD_ARN =
      "arn:aws:ecs:us-east-1:396608803476:task-definition/shine-api-gateway:11";
  static final String TG_ARN =
      "arn:aws:elasticloadbalancing:us-east-1:396608803476:targetgroup/shine/abc123";
  static final ImageRef IMAGE =
      ImageRef.parse("396608803476.dkr.ecr.us-east-1.amazonaws.com/shine-api-gateway:simple");
  static final Instant PHASE_START = Instant.parse("2024-11-23T10:00:00Z");
  static final Instant NOW = PHASE_START.plus(Duration.ofMinutes(3));
  static final Analysis RULES = Analysis.DEFAULTS;

  static final Template TEMPLATE =
      new Template(
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
          null,
          List.of(),
          null,
          java.util.Map.of());

  /** The main container the template describes: api on 5000, logging to /ecs/shine. */
  static final ContainerDefinition MAIN =
      new ContainerDefinition(
          "api",
          IMAGE.toString(),
          true,
          List.of(new PortMapping(5000, 5000, "tcp")),
          Map.of(),
          null,
          "awslogs",
          Map.of("awslogs-group", "/ecs/shine"));

  private Fixtures() {}

  static Phase phase(ImageRef image) {
    return new Phase(
        "first-steps",
        image,
        Map.of(),
        Map.of(),
        0,
        0,
        2,
        List.of(),
        Duration.ZERO,
        Phase.Approval.NONE,
        null,
        null,
        java.util.Map.of(),
        java.util.List.of());
  }

  static GateContext ctx(FakeProviders fake) {
    return ctx(fake, NOW, null);
  }

  static GateContext ctx(FakeProviders fake, Instant now, URI baseUrl) {
    return new GateContext(
        fake.providers(), SERVICE, baseUrl, MAIN, phase(IMAGE), TD_ARN, PHASE_START, now);
  }

  static ServiceState service(int desired) {
    return new ServiceState(
        SERVICE,
        "arn:aws:ecs:us-east-1:396608803476:service/shine-ml-cluster/shine-api-gateway",
        ServiceStatus.ACTIVE,
        TD_ARN,
        desired,
        0,
        0,
        LaunchType.FARGATE,
        null,
        List.of(),
        List.of(),
        List.of());
  }

  static ContainerState container(HealthStatus health, PortMapping... bindings) {
    return new ContainerState(
        "api", IMAGE.toString(), TaskStatus.RUNNING, health, null, null, List.of(bindings));
  }

  static TaskState running(String id, String ip, ContainerState... containers) {
    return new TaskState(
        "arn:aws:ecs:us-east-1:396608803476:task/shine-ml-cluster/" + id,
        TD_ARN,
        TaskStatus.RUNNING,
        TaskStatus.RUNNING,
        HealthStatus.HEALTHY,
        null,
        null,
        LaunchType.FARGATE,
        List.of(containers),
        ip,
        null,
        PHASE_START.plusSeconds(30),
        null);
  }

  /** The same task on another task definition revision. */
  static TaskState onRevision(TaskState t, String taskDefinitionArn) {
    return new TaskState(
        t.taskArn(),
        taskDefinitionArn,
        t.lastStatus(),
        t.desiredStatus(),
        t.healthStatus(),
        t.stopCode(),
        t.stoppedReason(),
        t.launchType(),
        t.containers(),
        t.privateIp(),
        t.publicIp(),
        PHASE_START.minusSeconds(600),
        t.stoppedAt());
  }

  static TaskState inStatus(String id, TaskStatus lastStatus) {
    return new TaskState(
        "arn:aws:ecs:us-east-1:396608803476:task/shine-ml-cluster/" + id,
        TD_ARN,
        lastStatus,
        TaskStatus.RUNNING,
        HealthStatus.UNKNOWN,
        null,
        null,
        LaunchType.FARGATE,
        List.of(),
        null,
        null,
        null,
        null);
  }

  static TaskState stopped(
      String id,
      String taskDefinitionArn,
      Instant startedAt,
      TaskStopCode stopCode,
      String stoppedReason,
      ContainerState container) {
    return new TaskState(
        "arn:aws:ecs:us-east-1:396608803476:task/shine-ml-cluster/" + id,
        taskDefinitionArn,
        TaskStatus.STOPPED,
        TaskStatus.STOPPED,
        HealthStatus.UNKNOWN,
        stopCode,
        stoppedReason,
        LaunchType.FARGATE,
        List.of(container),
        null,
        null,
        startedAt,
        startedAt == null ? PHASE_START.plusSeconds(20) : startedAt.plusSeconds(10));
  }

  static ContainerState exited(Integer exitCode, String reason) {
    return new ContainerState(
        "api",
        IMAGE.toString(),
        TaskStatus.STOPPED,
        HealthStatus.UNKNOWN,
        exitCode,
        reason,
        List.of());
  }

  static TaskDefinition taskDefinition(
      NetworkMode networkMode, HealthCheck healthCheck, PortMapping... ports) {
    ContainerDefinition api =
        new ContainerDefinition(
            "api", IMAGE.toString(), true, List.of(ports), Map.of(), healthCheck, null, Map.of());
    TaskDefinitionSpec spec =
        TaskDefinitionSpec.of(
            "shine-api-gateway",
            List.of(api),
            "512",
            "1024",
            networkMode,
            List.of("FARGATE"),
            null,
            null,
            Map.of());
    return new TaskDefinition(TD_ARN, "shine-api-gateway", 12, TaskDefinitionStatus.ACTIVE, spec);
  }

  static HealthCheck curlHealth() {
    return new HealthCheck(
        List.of("CMD-SHELL", "curl -f http://localhost:5000/health || exit 1"), 30, 5, 3, 60);
  }

  static PortMapping port(int containerPort) {
    return new PortMapping(containerPort, containerPort, "tcp");
  }
}
