package dev.snailtrail.aws;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AssumedRoleTest {

  private static final String ROLE = "arn:aws:iam::123456789012:role/deployer";

  @Test
  void theSessionNamesTheRollout() {
    assertThat(AssumedRole.forRollout(ROLE, "x-1", "payments-api"))
        .isEqualTo(new AssumedRole(ROLE, "x-1", "snailtrail-payments-api"));
  }

  @Test
  void theSessionNameKeepsToStsCharactersAndLength() {
    String name = AssumedRole.sessionName("a".repeat(80) + "!");
    assertThat(name).hasSize(64).startsWith("snailtrail-aaa").matches("[\\w+=,.@-]+");
    assertThat(AssumedRole.sessionName("café/api")).isEqualTo("snailtrail-caf--api");
  }

  @Test
  void noRoleIsNoAssumedRole() {
    assertThat(AssumedRole.forRollout(null, "x-1", "payments-api")).isNull();
    assertThat(AssumedRole.of(" ")).isNull();
    assertThat(AssumedRole.of(ROLE).sessionName()).isEqualTo("snailtrail");
  }
}
