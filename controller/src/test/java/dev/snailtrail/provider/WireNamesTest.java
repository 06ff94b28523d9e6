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
  void aValueAwsAddsLaterIsUnrecognizedNotAnError() {
    assertThat(DeploymentStatus.of("PAUSED")).isEqualTo(DeploymentStatus.UNRECOGNIZED);
    assertThat(DeploymentRolloutState.of("ROLLING_BACK"))
        .isEqualTo(DeploymentRolloutState.UNRECOGNIZED);
  }

  @Test
  void anAbsentValueStaysAbsent() {
    assertThat(DeploymentStatus.of(null)).isNull();
    assertThat(DeploymentRolloutState.of("")).isNull();
  }
}
