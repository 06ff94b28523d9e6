package dev.snailtrail.reconcile;

import static dev.snailtrail.reconcile.RolloutScenario.givenSeed;
import static org.assertj.core.api.Assertions.assertThat;

import dev.snailtrail.json.Json;
import dev.snailtrail.provider.TaskDefinitionSpec;
import dev.snailtrail.rollout.StatusPhase;
import dev.snailtrail.sim.Seed;
import dev.snailtrail.spec.Rollout;
import dev.snailtrail.spec.load.SpecLoader;
import dev.snailtrail.trail.EventType;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.node.ObjectNode;

/**
 * A rollout of an existing production service: its live task definition (two containers, secrets
 * from Secrets Manager and SSM, an EFS volume, ulimits, a dependency, roles, tags) is the base, and
 * only what the phases name changes. The service keeps its own task count.
 */
class LiveServiceScenarioTest {
  private static final String IMAGE = "396608803476.dkr.ecr.us-east-1.amazonaws.com/ml-api";
  private static final String SECRET_ARN =
      "arn:aws:ssm:us-east-1:123456789012:parameter/ml-api/feature-key";

  @TempDir Path dir;

  static Rollout spec(String template, String firstTag, String secondTag, String extra)
      throws Exception {
    return new SpecLoader()
        .parse(
            """
            apiVersion: snailtrail.dev/v1
            kind: Rollout
            metadata: {name: ml-api}
            spec:
              target: {region: us-east-1, cluster: ml, service: ml-api}
              %s
              progressDeadline: 10m
              phases:
                - name: one
                  image: %s:%s
                  gates: [ecsTasks]
                - name: two
                  image: %s:%s
                  gates: [ecsTasks]
            %s
            """
                .formatted(template, IMAGE, firstTag, IMAGE, secondTag, extra),
            "ml-api.yaml",
            Path.of("."))
        .get(0);
  }

  /** A task definition as JSON, without what a phase may change: the main image, the tags. */
  static ObjectNode withoutImageAndTags(TaskDefinitionSpec td) {
    ObjectNode json = td.json();
    json.remove("tags");
    ((ObjectNode) json.get("containerDefinitions").get(0)).remove("image");
    return json;
  }

  private static TaskDefinitionSpec described(RolloutScenario s, String arn) {
    return s.sim.describeTaskDefinition("us-east-1", arn).orElseThrow().spec();
  }

  @Test
  void everyRevisionIsTheLiveOneButForTheImageAndTheServiceKeepsItsCount() throws Exception {
    Rollout r = spec("", "simple", "hybrid", "");
    try (var s = givenSeed(r, Seed.existingService("baseline").withDesiredCount(3))) {
      String baseline = s.serviceState().taskDefinitionArn();
      TaskDefinitionSpec live = described(s, baseline);

      s.whenReconciledUntilSettled();

      assertThat(s.status.phase()).isEqualTo(StatusPhase.Healthy);
      assertThat(s.status.baseline()).isEqualTo(baseline);
      for (String arn : s.status.revisions().values()) {
        TaskDefinitionSpec registered = described(s, arn);
        assertThat(withoutImageAndTags(registered)).isEqualTo(withoutImageAndTags(live));
        assertThat(registered.tags()).containsEntry("team", "ml");
      }
      assertThat(described(s, s.status.revisions().get("two")).container("app").image())
          .isEqualTo(IMAGE + ":hybrid");
      assertThat(s.serviceState().desiredCount()).isEqualTo(3);
      assertThat(s.serviceState().runningCount()).isEqualTo(3);
      assertThat(s.messages(EventType.ServiceUpdated))
          .allSatisfy(m -> assertThat(m).endsWith("keeping its 3 tasks"));
    }
  }

  @Test
  void aFailingFirstPhaseRollsBackToTheLiveRevisionAndItsCount() throws Exception {
    Rollout r = spec("", "crashloop", "hybrid", "");
    try (var s = givenSeed(r, Seed.existingService("baseline").withDesiredCount(3))) {
      String baseline = s.serviceState().taskDefinitionArn();

      s.whenReconciledUntilSettled();

      assertThat(s.status.phase()).isEqualTo(StatusPhase.Degraded);
      assertThat(s.serviceState().taskDefinitionArn()).isEqualTo(baseline);
      assertThat(s.serviceState().desiredCount()).isEqualTo(3);
      assertThat(s.serviceState().runningCount()).isEqualTo(3);
    }
  }

  @Test
  void startingFromTheExportedLiveRevisionKeepsEveryFieldToo() throws Exception {
    Rollout probe = spec("", "simple", "hybrid", "");
    try (var seedOnly = givenSeed(probe, Seed.existingService("baseline").withDesiredCount(3))) {
      TaskDefinitionSpec live = described(seedOnly, seedOnly.serviceState().taskDefinitionArn());
      Path file = dir.resolve("live.json");
      Files.writeString(
          file, Json.mapper().writeValueAsString(java.util.Map.of("taskDefinition", live.json())));
      Rollout r =
          new SpecLoader()
              .parse(
                  """
                  apiVersion: snailtrail.dev/v1
                  kind: Rollout
                  metadata: {name: ml-api}
                  spec:
                    target: {region: us-east-1, cluster: ml, service: ml-api}
                    template: {fromFile: live.json, container: app}
                    progressDeadline: 10m
                    phases:
                      - name: one
                        image: %s:simple
                        gates: [ecsTasks]
                  """
                      .formatted(IMAGE),
                  "ml-api.yaml",
                  dir)
              .get(0);
      try (var s = givenSeed(r, Seed.existingService("baseline").withDesiredCount(3))) {
        s.whenReconciledUntilSettled();
        assertThat(s.status.phase()).isEqualTo(StatusPhase.Healthy);
        TaskDefinitionSpec registered = described(s, s.status.revisions().get("one"));
        assertThat(withoutImageAndTags(registered)).isEqualTo(withoutImageAndTags(live));
        assertThat(s.serviceState().desiredCount()).isEqualTo(3);
      }
    }
  }

  @Test
  void underAutoScalingNoPhaseChangesTheCountAndAnOutOfRangeOneIsClamped() throws Exception {
    Rollout r =
        spec(
            "",
            "simple",
            "hybrid",
            """
                - name: three
                  image: %s:optimized
                  desiredCount: 10
                  gates: [ecsTasks]
            """
                .formatted(IMAGE));
    try (var s = givenSeed(r, Seed.existingService("baseline").withDesiredCount(4))) {
      s.sim.setScalableTarget(s.service(), 2, 6);

      s.runUntil(st -> st.currentPhase().index() == 2);
      assertThat(s.serviceState().desiredCount()).isEqualTo(4);
      s.whenReconciledUntilSettled();

      assertThat(s.status.phase()).isEqualTo(StatusPhase.Healthy);
      assertThat(s.serviceState().desiredCount()).isEqualTo(6);
      assertThat(s.messages(EventType.DesiredCountLimited))
          .singleElement()
          .satisfies(m -> assertThat(m).contains("desiredCount 10").contains("2-6"));
    }
  }

  @Test
  void secretsReachTheTaskDefinitionButNeverTheTrailOrStatus() throws Exception {
    Rollout r =
        spec(
            "template: {secrets: {FEATURE_KEY: %s}}".formatted(SECRET_ARN), "simple", "hybrid", "");
    try (var s = givenSeed(r, Seed.existingService("baseline").withDesiredCount(3))) {
      s.whenReconciledUntilSettled();

      assertThat(s.status.phase()).isEqualTo(StatusPhase.Healthy);
      TaskDefinitionSpec registered = described(s, s.status.revisions().get("one"));
      assertThat(registered.container("app").secrets())
          .containsEntry("FEATURE_KEY", SECRET_ARN)
          .containsKeys("DB_PASSWORD", "API_TOKEN");
      String everything =
          Json.mapper().writeValueAsString(s.status) + Json.mapper().writeValueAsString(s.trail);
      assertThat(everything).doesNotContain("arn:aws:ssm").doesNotContain("arn:aws:secretsmanager");
    }
  }

  @Test
  void aTemplateNamingAContainerTheLiveServiceLacksPausesBeforeTouchingIt() throws Exception {
    TaskDefinitionSpec live;
    try (var probe =
        givenSeed(spec("", "simple", "hybrid", ""), Seed.existingService("baseline"))) {
      live = described(probe, probe.serviceState().taskDefinitionArn());
    }
    Rollout r = spec("template: {container: nosuch}", "simple", "hybrid", "");
    try (var s =
        givenSeed(
            r, Seed.existingService("baseline").withDesiredCount(3).withTaskDefinition(live))) {
      String baseline = s.serviceState().taskDefinitionArn();

      s.whenReconciledUntilSettled();

      assertThat(s.status.phase()).isEqualTo(StatusPhase.Paused);
      assertThat(s.status.message()).contains("nosuch").contains("app, log-router");
      assertThat(s.serviceState().taskDefinitionArn()).isEqualTo(baseline);
      assertThat(s.status.revisions()).isEmpty();
      assertThat(s.events(EventType.PreflightFailed)).hasSize(1);
    }
  }
}
