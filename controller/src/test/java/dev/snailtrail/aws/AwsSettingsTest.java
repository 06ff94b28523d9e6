package dev.snailtrail.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AwsSettingsTest {

  @Test
  void takesTheEndpointOverrideFromAwsEndpointUrl() {
    AwsSettings settings =
        AwsSettings.fromEnvironment(
            Map.of("AWS_ENDPOINT_URL", "http://127.0.0.1:5000 "), java.time.Clock.systemUTC());

    assertThat(settings.endpointOverride()).isEqualTo(URI.create("http://127.0.0.1:5000"));
  }

  @Test
  void withoutTheVariableTalksToRealAws() {
    assertThat(
            AwsSettings.fromEnvironment(Map.of(), java.time.Clock.systemUTC()).endpointOverride())
        .isNull();
  }

  @Test
  void aMalformedEndpointNamesTheVariable() {
    assertThatThrownBy(
            () ->
                AwsSettings.fromEnvironment(
                    Map.of("AWS_ENDPOINT_URL", "http://a b"), java.time.Clock.systemUTC()))
        .hasMessageContaining("AWS_ENDPOINT_URL");
  }

  @Test
  void defaultRatesFollowTheEcsApiLimits() {
    AwsSettings.RateLimits limits = AwsSettings.defaults(java.time.Clock.systemUTC()).rateLimits();

    assertThat(limits.perSecond("ecs", "DescribeServices")).isEqualTo(20);
    assertThat(limits.perSecond("ecs", "UpdateService")).isEqualTo(5);
    assertThat(limits.perSecond("ecs", "RegisterTaskDefinition")).isEqualTo(1);
    assertThat(limits.perSecond("ecs", "ListTasks")).isEqualTo(20);
    assertThat(limits.perSecond("logs", "FilterLogEvents")).isEqualTo(20);
  }
}
