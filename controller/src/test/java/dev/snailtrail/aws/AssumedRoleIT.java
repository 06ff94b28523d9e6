package dev.snailtrail.aws;

import static org.assertj.core.api.Assertions.assertThat;

import dev.snailtrail.moto.MotoServer;
import dev.snailtrail.moto.RecordingProxy;
import dev.snailtrail.moto.RecordingProxy.Exchange;
import dev.snailtrail.provider.Providers;
import dev.snailtrail.provider.ProvidersResolver;
import dev.snailtrail.spec.Rollout;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.ecs.EcsClient;

/**
 * A rollout's role over the wire: STS (moto's) is asked with the rollout's external id and a
 * session named after the rollout, and the ECS calls that follow are signed with the credentials it
 * answered, not the configured ones.
 */
@ExtendWith(MotoServer.Extension.class)
class AssumedRoleIT {

  private static final String ROLE = "arn:aws:iam::123456789012:role/snailtrail-deployer";
  private static final Pattern ACCESS_KEY = Pattern.compile("<AccessKeyId>([^<]+)</AccessKeyId>");
  private static final Pattern ASSUMED_ARN =
      Pattern.compile("<AssumedRoleUser>.*?<Arn>([^<]+)</Arn>", Pattern.DOTALL);

  @Test
  void theRolloutsRoleIsAssumedWithItsExternalIdInASessionNamedAfterIt(MotoServer moto)
      throws Exception {
    moto.client(EcsClient.class, EcsClient::builder).createCluster(r -> r.clusterName("prod"));
    AssumedRole role = AssumedRole.forRollout(ROLE, "partner-7f3a", "payments-api");
    try (RecordingProxy proxy = new RecordingProxy(moto.endpoint());
        AwsProviders aws =
            AwsProviders.open(moto.settings().withEndpointOverride(proxy.endpoint()))) {
      assertThat(aws.providers(role).ecs().describeCluster(MotoServer.REGION, "prod")).isPresent();

      List<Exchange> sts = proxy.to("sts");
      assertThat(sts).hasSize(1);
      Map<String, String> asked = form(sts.get(0).body());
      assertThat(asked)
          .containsEntry("Action", "AssumeRole")
          .containsEntry("RoleArn", ROLE)
          .containsEntry("ExternalId", "partner-7f3a")
          .containsEntry("RoleSessionName", "snailtrail-payments-api");
      String answer = sts.get(0).answer();
      assertThat(first(ASSUMED_ARN, answer))
          .isEqualTo(
              "arn:aws:sts::123456789012:assumed-role/snailtrail-deployer/"
                  + "snailtrail-payments-api");
      String assumedKey = first(ACCESS_KEY, answer);
      assertThat(proxy.to("ecs"))
          .isNotEmpty()
          .allSatisfy(e -> assertThat(e.accessKeyId()).isEqualTo(assumedKey));
      assertThat(sts.get(0).accessKeyId()).isNotEqualTo(assumedKey);
    }
  }

  @Test
  void aRoleWithoutAnExternalIdSendsNone(MotoServer moto) throws Exception {
    moto.client(EcsClient.class, EcsClient::builder).createCluster(r -> r.clusterName("prod"));
    try (RecordingProxy proxy = new RecordingProxy(moto.endpoint());
        AwsProviders aws =
            AwsProviders.open(moto.settings().withEndpointOverride(proxy.endpoint()))) {
      aws.providers(ROLE).ecs().describeCluster(MotoServer.REGION, "prod");

      Map<String, String> asked = form(proxy.to("sts").get(0).body());
      assertThat(asked)
          .doesNotContainKey("ExternalId")
          .containsEntry("RoleSessionName", "snailtrail");
    }
  }

  @Test
  void aRolesPortsGivenBackCloseItsClientsAndItsNextPortsAssumeItAfresh(MotoServer moto)
      throws Exception {
    moto.client(EcsClient.class, EcsClient::builder).createCluster(r -> r.clusterName("prod"));
    Rollout api = AwsProvidersTest.rollout("payments-api", "    roleArn: " + ROLE);
    AssumedRole role = AwsProviders.roleOf(api);
    try (RecordingProxy proxy = new RecordingProxy(moto.endpoint());
        AwsProviders aws =
            AwsProviders.open(moto.settings().withEndpointOverride(proxy.endpoint()))) {
      ProvidersResolver resolver = aws.forRollouts();
      Providers first = resolver.forRollout(api);
      assertThat(first.ecs().describeCluster(MotoServer.REGION, "prod")).isPresent();
      assertThat(aws.openFor(role)).as("the role's ECS client and its session").isEqualTo(2);

      resolver.released(first);
      assertThat(aws.openFor(role)).isZero();

      Providers again = resolver.forRollout(api);
      assertThat(again).isNotSameAs(first);
      assertThat(again.ecs().describeCluster(MotoServer.REGION, "prod")).isPresent();
      assertThat(aws.openFor(role)).isEqualTo(2);

      List<Exchange> sts = proxy.to("sts");
      assertThat(sts).as("the role assumed again for its new ports").hasSize(2);
      String renewedKey = first(ACCESS_KEY, sts.get(1).answer());
      List<Exchange> ecs = proxy.to("ecs");
      assertThat(ecs.get(ecs.size() - 1).accessKeyId()).isEqualTo(renewedKey);
    }
  }

  private static Map<String, String> form(String body) {
    return Arrays.stream(body.split("&"))
        .map(p -> p.split("=", 2))
        .collect(
            Collectors.toMap(
                p -> decode(p[0]), p -> p.length > 1 ? decode(p[1]) : "", (a, b) -> b));
  }

  private static String decode(String s) {
    return URLDecoder.decode(s, StandardCharsets.UTF_8);
  }

  private static String first(Pattern p, String s) {
    Matcher m = p.matcher(s);
    assertThat(m.find()).as("%s in %s", p, s).isTrue();
    return m.group(1);
  }
}
