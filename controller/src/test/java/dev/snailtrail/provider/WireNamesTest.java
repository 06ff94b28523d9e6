package dev.snailtrail.provider;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class WireNamesTest {

  @Test
  void deploymentValuesAreReadByTheirEcsNames() {
    assertThat(DeploymentStatus.of("PRIMARY")).isEqualTo(DeploymentStatus.PRIMARY);
    assertThat(DeploymentRolloutState.of("COMPLETED")).isEqualTo(DeploymentRolloutState.COMPLETED);
  }

  @Test
  void taskValuesAreReadByTheirEcsNames() {
    assertThat(TaskStatus.of("DEACTIVATING")).isEqualTo(TaskStatus.DEACTIVATING);
    assertThat(HealthStatus.of("UNKNOWN")).isEqualTo(HealthStatus.UNKNOWN);
    assertThat(TaskStopCode.of("EssentialContainerExited"))
        .isEqualTo(TaskStopCode.ESSENTIAL_CONTAINER_EXITED);
  }

  @Test
  void aStopCodeReadsAsEcsWritesIt() {
    assertThat(TaskStopCode.TASK_FAILED_TO_START).hasToString("TaskFailedToStart");
    for (TaskStopCode c : TaskStopCode.values()) {
      assertThat(TaskStopCode.of(c.toString())).isEqualTo(c);
    }
  }

  @Test
  void targetStatesAreReadByTheirLowerCaseElbNames() {
    assertThat(TargetHealthState.of("unhealthy.draining"))
        .isEqualTo(TargetHealthState.UNHEALTHY_DRAINING);
    assertThat(TargetHealthState.DRAINING).hasToString("draining");
  }

  @Test
  void launchTypeAndNetworkModeAreReadByTheirEcsNames() {
    assertThat(LaunchType.of("FARGATE")).isEqualTo(LaunchType.FARGATE);
    assertThat(NetworkMode.of("awsvpc")).isEqualTo(NetworkMode.AWSVPC);
    assertThat(NetworkMode.BRIDGE).hasToString("bridge");
  }

  @Test
  void resourceStatusesAreReadByTheirEcsNames() {
    assertThat(ClusterStatus.of("ACTIVE")).isEqualTo(ClusterStatus.ACTIVE);
    assertThat(ServiceStatus.of("DRAINING")).isEqualTo(ServiceStatus.DRAINING);
    assertThat(TaskDefinitionStatus.of("DELETE_IN_PROGRESS"))
        .isEqualTo(TaskDefinitionStatus.DELETE_IN_PROGRESS);
  }

  @Test
  void caseIsIgnoredAsHandWrittenTaskDefinitionsAreNotAlwaysExact() {
    assertThat(NetworkMode.of("AWSVPC")).isEqualTo(NetworkMode.AWSVPC);
    assertThat(TargetHealthState.of("HEALTHY")).isEqualTo(TargetHealthState.HEALTHY);
  }

  @Test
  void aValueAwsAddsLaterIsUnrecognizedNotAnError() {
    assertThat(DeploymentStatus.of("PAUSED")).isEqualTo(DeploymentStatus.UNRECOGNIZED);
    assertThat(DeploymentRolloutState.of("ROLLING_BACK"))
        .isEqualTo(DeploymentRolloutState.UNRECOGNIZED);
    assertThat(TaskStatus.of("HIBERNATING")).isEqualTo(TaskStatus.UNRECOGNIZED);
    assertThat(HealthStatus.of("DEGRADED")).isEqualTo(HealthStatus.UNRECOGNIZED);
    assertThat(TargetHealthState.of("warming")).isEqualTo(TargetHealthState.UNRECOGNIZED);
    assertThat(LaunchType.of("LAMBDA")).isEqualTo(LaunchType.UNRECOGNIZED);
    assertThat(NetworkMode.of("nat")).isEqualTo(NetworkMode.UNRECOGNIZED);
    assertThat(ClusterStatus.of("SUSPENDED")).isEqualTo(ClusterStatus.UNRECOGNIZED);
    assertThat(ServiceStatus.of("PAUSED")).isEqualTo(ServiceStatus.UNRECOGNIZED);
    assertThat(TaskDefinitionStatus.of("ARCHIVED")).isEqualTo(TaskDefinitionStatus.UNRECOGNIZED);
    assertThat(TaskStopCode.of("TASK_FAILED_TO_START")).isEqualTo(TaskStopCode.UNRECOGNIZED);
  }

  @Test
  void anAbsentValueStaysAbsent() {
    assertThat(DeploymentStatus.of(null)).isNull();
    assertThat(DeploymentRolloutState.of("")).isNull();
    assertThat(TaskStopCode.of(null)).isNull();
  }
}
