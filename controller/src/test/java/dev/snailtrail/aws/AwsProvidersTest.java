package dev.snailtrail.aws;

import static org.assertj.core.api.Assertions.assertThat;

import dev.snailtrail.provider.Providers;
import dev.snailtrail.provider.ProvidersResolver;
import dev.snailtrail.spec.Rollout;
import dev.snailtrail.spec.load.SpecLoader;
import java.time.Clock;
import org.junit.jupiter.api.Test;

/** Which ports each rollout's calls go through; nothing is sent (the ports are built lazily). */
class AwsProvidersTest {
  private static final String ROLE = "arn:aws:iam::123456789012:role/deployer";

  static Rollout rollout(String name, String roleLines) throws Exception {
    String yaml =
        """
        apiVersion: snailtrail.dev/v1
        kind: Rollout
        metadata: {name: %1$s}
        spec:
          target:
            region: us-east-1
            cluster: prod
            service: %1$s
        %2$s
          phases:
            - name: next
              image: ghcr.io/snail-trail/api:next
              gates:
                - ecsTasks
        """
            .formatted(name, roleLines);
    return new SpecLoader().parseSelfContained(yaml, name + ".yaml").get(0);
  }

  @Test
  void aRolloutWithoutARoleActsWithTheConfiguredCredentials() throws Exception {
    try (AwsProviders aws = AwsProviders.open(AwsSettings.defaults(Clock.systemUTC()))) {
      assertThat(aws.forRollouts().forRollout(rollout("api", ""))).isSameAs(aws.providers());
    }
  }

  @Test
  void aRolloutWithARoleActsAsItInItsOwnSessionKeptAcrossPasses() throws Exception {
    try (AwsProviders aws = AwsProviders.open(AwsSettings.defaults(Clock.systemUTC()))) {
      ProvidersResolver resolver = aws.forRollouts();
      String role = "    roleArn: " + ROLE + "\n    externalId: x-1";
      Rollout api = rollout("api", role);

      assertThat(resolver.forRollout(api))
          .isSameAs(resolver.forRollout(rollout("api", role)))
          .isSameAs(aws.providers(AssumedRole.forRollout(ROLE, "x-1", "api")))
          .isNotSameAs(aws.providers())
          .isNotSameAs(resolver.forRollout(rollout("web", role)));
      assertThat(AwsProviders.roleOf(api))
          .isEqualTo(new AssumedRole(ROLE, "x-1", "snailtrail-api"));
    }
  }

  @Test
  void portsGivenBackAreBuiltAnewAndTheConfiguredCredentialsPortsAreKept() throws Exception {
    try (AwsProviders aws = AwsProviders.open(AwsSettings.defaults(Clock.systemUTC()))) {
      ProvidersResolver resolver = aws.forRollouts();
      String role = "    roleArn: " + ROLE;
      Providers api = resolver.forRollout(rollout("api", role));
      Providers web = resolver.forRollout(rollout("web", role));
      Providers own = resolver.forRollout(rollout("mine", ""));

      resolver.released(api);
      resolver.released(own);

      assertThat(resolver.forRollout(rollout("api", role))).isNotSameAs(api);
      assertThat(resolver.forRollout(rollout("web", role))).isSameAs(web);
      assertThat(resolver.forRollout(rollout("mine", ""))).isSameAs(own).isSameAs(aws.providers());
    }
  }
}
