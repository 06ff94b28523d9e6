package dev.snailtrail.controller;

import static org.assertj.core.api.Assertions.assertThat;

import dev.snailtrail.aws.AwsProviders;
import dev.snailtrail.gate.GateEvaluator;
import dev.snailtrail.moto.MotoServer;
import dev.snailtrail.moto.RecordingProxy;
import dev.snailtrail.moto.RecordingProxy.Exchange;
import dev.snailtrail.rollout.StatusPhase;
import dev.snailtrail.store.FileStore;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.ecs.EcsClient;

/**
 * The controller acts as each rollout's role, over the wire: two rollouts in one controller on
 * moto, one naming {@code target.roleArn} and {@code target.externalId}, one naming neither. STS is
 * asked with the rollout's external id in a session named after it; every ECS request for the first
 * rollout (its task definition's registration, the service's creation, its describes) is signed
 * with the key STS answered, every one for the second with the controller's own, and no request (a
 * batched describe included) is for both. Deleted and applied again, the first rollout assumes its
 * role afresh (its session's clients went with it) and acts in the new session.
 */
@ExtendWith(MotoServer.Extension.class)
class ControllerAssumedRoleIT {
  static final String CLUSTER = "snail-cluster";
  static final String ROLE = "arn:aws:iam::123456789012:role/snailtrail-deployer";
  static final String EXTERNAL_ID = "partner-7f3a";
  static final String AS_ROLE = "role-api";
  static final String AS_SELF = "own-api";
  private static final Pattern ACCESS_KEY = Pattern.compile("<AccessKeyId>([^<]+)</AccessKeyId>");

  @TempDir Path dir;

  static String spec(String name, String roleLines) {
    return """
        apiVersion: snailtrail.dev/v1
        kind: Rollout
        metadata: {name: %1$s}
        spec:
          target:
            region: us-east-1
            cluster: snail-cluster
            service: %1$s
            createIfMissing: true
        %2$s
          template: {family: %1$s, container: api, port: 8080, launchType: EC2, networkMode: bridge}
          analysis: {interval: 1s, count: 1}
          phases:
            - name: next
              image: ghcr.io/snail-trail/api:next
              gates:
                - ecsTasks
        """
        .formatted(name, roleLines);
  }

  @Test
  @Timeout(120)
  void eachRolloutsEcsCallsAreSignedAsItsOwnRole(MotoServer moto) throws Exception {
    moto.client(EcsClient.class, EcsClient::builder).createCluster(r -> r.clusterName(CLUSTER));
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    try (RecordingProxy proxy = new RecordingProxy(moto.endpoint());
        AwsProviders aws =
            AwsProviders.open(moto.settings().withEndpointOverride(proxy.endpoint()))) {
      Controller controller =
          Controller.builder(
                  new FileStore(dir.resolve("store"), Clock.systemUTC()),
                  aws.forRollouts(),
                  GateEvaluator.withDefaults(),
                  Clock.systemUTC())
              .resync(Duration.ofSeconds(5))
              .log(new PrintStream(log, true, StandardCharsets.UTF_8))
              .build();
      try {
        controller.start();
        controller
            .controlPlane()
            .apply(
                AS_ROLE + ".yaml",
                spec(AS_ROLE, "    roleArn: " + ROLE + "\n    externalId: " + EXTERNAL_ID));
        controller.controlPlane().apply(AS_SELF + ".yaml", spec(AS_SELF, ""));
        awaitHealthy(controller, log, AS_ROLE, AS_SELF);
        assertThat(proxy.to("sts")).as("one session while the rollout lasts").hasSize(1);

        // Deleted, its session's clients are closed; applied again, it assumes the role afresh.
        controller.controlPlane().delete(AS_ROLE);
        controller
            .controlPlane()
            .apply(
                AS_ROLE + ".yaml",
                spec(AS_ROLE, "    roleArn: " + ROLE + "\n    externalId: " + EXTERNAL_ID));
        awaitHealthy(controller, log, AS_ROLE, AS_SELF);
      } finally {
        controller.close();
      }

      List<Exchange> sts = proxy.to("sts");
      assertThat(sts).as("AssumeRole asked again for the rollout applied again").hasSize(2);
      assertThat(sts)
          .allSatisfy(
              e ->
                  assertThat(form(e.body()))
                      .containsEntry("Action", "AssumeRole")
                      .containsEntry("RoleArn", ROLE)
                      .containsEntry("ExternalId", EXTERNAL_ID)
                      .containsEntry("RoleSessionName", "snailtrail-" + AS_ROLE));
      Set<String> assumedKeys =
          sts.stream().map(e -> first(ACCESS_KEY, e.answer())).collect(Collectors.toSet());
      String ownKey = sts.get(0).accessKeyId();
      assertThat(assumedKeys).doesNotContain(ownKey);

      List<Exchange> ecs = proxy.to("ecs");
      assertThat(ecs)
          .as("no ECS request is for both rollouts")
          .noneMatch(e -> e.body().contains(AS_ROLE) && e.body().contains(AS_SELF));
      List<Exchange> asRole = ecs.stream().filter(e -> e.body().contains(AS_ROLE)).toList();
      List<Exchange> asSelf = ecs.stream().filter(e -> e.body().contains(AS_SELF)).toList();
      assertThat(operations(asRole))
          .contains("RegisterTaskDefinition", "CreateService", "DescribeServices");
      assertThat(operations(asSelf))
          .contains("RegisterTaskDefinition", "CreateService", "DescribeServices");
      assertThat(asRole)
          .as("the role's rollout's ECS requests are signed with the assumed key")
          .allSatisfy(e -> assertThat(assumedKeys).contains(e.accessKeyId()));
      assertThat(asRole.get(asRole.size() - 1).accessKeyId())
          .as("the rollout applied again acts in its new session")
          .isEqualTo(first(ACCESS_KEY, sts.get(1).answer()));
      assertThat(asSelf)
          .as("the other rollout's ECS requests are signed with the controller's own key")
          .allSatisfy(e -> assertThat(e.accessKeyId()).isEqualTo(ownKey));
    }
  }

  private static void awaitHealthy(Controller c, ByteArrayOutputStream log, String... names)
      throws InterruptedException {
    long until = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    while (System.nanoTime() < until) {
      boolean all =
          Arrays.stream(names)
              .allMatch(
                  n ->
                      c.controlPlane()
                          .get(n)
                          .map(v -> v.status().phase() == StatusPhase.Healthy)
                          .orElse(false));
      if (all) {
        return;
      }
      Thread.sleep(100);
    }
    assertThat(c.controlPlane().list())
        .as("every rollout ends Healthy (log: %s)", log)
        .allSatisfy(v -> assertThat(v.status().phase()).isEqualTo(StatusPhase.Healthy));
  }

  private static Set<String> operations(List<Exchange> exchanges) {
    return exchanges.stream().map(Exchange::operation).collect(Collectors.toSet());
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
