package dev.snailtrail.reconcile;

import static dev.snailtrail.reconcile.RolloutScenario.given;
import static org.assertj.core.api.Assertions.assertThat;

import dev.snailtrail.doctor.Preflight;
import dev.snailtrail.provider.TaskDefinition;
import dev.snailtrail.rollout.ContentHash;
import dev.snailtrail.rollout.StatusPhase;
import dev.snailtrail.rollout.Step;
import dev.snailtrail.rollout.TaskDefinitions;
import dev.snailtrail.sim.Seed;
import dev.snailtrail.spec.Rollout;
import dev.snailtrail.spec.load.SpecLoader;
import dev.snailtrail.trail.EventType;
import dev.snailtrail.trail.TrailEvent;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Where a phase's revision comes from, and what finding it costs: one read of the family's newest
 * revision a phase, shared with preflight; a search by content hash only when something was
 * registered in the family that the rollout does not know of (a pass cut off before it recorded its
 * registration, someone else), or an earlier phase has the same content. Never a second revision of
 * the same content.
 */
class RevisionLookupTest {
  private static final Rollout STORY = Specs.withoutApproval(Specs.snailTrail());

  /** Three phases on an existing service behind alarm gates, which read no task definition. */
  static Rollout alarmed() throws Exception {
    return new SpecLoader()
        .parse(
            """
            apiVersion: snailtrail.dev/v1
            kind: Rollout
            metadata: {name: api}
            spec:
              target: {region: eu-west-1, cluster: default, service: api}
              template: {family: api, container: web, port: 8080}
              analysis: {interval: 10s, count: 1}
              phases:
                - name: one
                  image: public.ecr.aws/nginx/nginx:1.25
                  gates: [{cloudwatchAlarm: {names: [api-5xx]}}]
                - name: two
                  image: public.ecr.aws/nginx/nginx:1.26
                  gates: [{cloudwatchAlarm: {names: [api-5xx]}}]
                - name: three
                  image: public.ecr.aws/nginx/nginx:1.27
                  gates: [{cloudwatchAlarm: {names: [api-5xx]}}]
            """,
            "api.yaml",
            Path.of("."))
        .get(0);
  }

  @Test
  void eachPhaseReadsItsFamilyOnceForPreflightAndRegistrationAndSearchesNothing() throws Exception {
    try (var s =
        RolloutScenario.givenPreflight(
            alarmed(),
            Seed.existingService("1.24"),
            sim -> new Preflight(sim.providers()).asHook())) {
      s.whenReconciledUntilSettled();

      assertThat(s.status.phase()).as(s.dump()).isEqualTo(StatusPhase.Healthy);
      assertThat(s.recording.count("ecs.registerTaskDefinition")).isEqualTo(3);
      assertThat(s.recording.count("ecs.findTaskDefinitionByHash"))
          .as("no ListTaskDefinitions: nothing was registered in the family but by the rollout")
          .isZero();
      assertThat(s.recording.count("ecs.describeTaskDefinition"))
          .as(
              "one DescribeTaskDefinition a phase: its family's newest, preflight's rollback target")
          .isEqualTo(3);
    }
  }

  @Test
  void aRegistrationCutOffBeforeItWasRecordedIsReusedNotRegisteredAgain() {
    try (var s = given(STORY).runUntil(RevisionLookupTest::aboutToRegisterTheFirstPhase)) {
      // The pass that registered it ended before its status was written.
      TaskDefinition cutOff = registerFirstPhase(s);

      s.whenReconciledUntilSettled();

      assertThat(s.status.phase()).isEqualTo(StatusPhase.Healthy);
      assertThat(s.status.revisions()).containsEntry("first-steps", cutOff.arn());
      assertThat(s.events(EventType.TaskDefinitionReused))
          .singleElement()
          .extracting(TrailEvent::phase)
          .isEqualTo("first-steps");
      assertThat(s.recording.count("ecs.registerTaskDefinition")).isEqualTo(3);
      assertThat(s.recording.count("ecs.findTaskDefinitionByHash")).isZero();
    }
  }

  @Test
  void aRegistrationCutOffIsFoundBySearchWhenAnotherWasRegisteredInTheFamilySince() {
    try (var s = given(STORY).runUntil(RevisionLookupTest::aboutToRegisterTheFirstPhase)) {
      TaskDefinition cutOff = registerFirstPhase(s);
      // Someone else registers in the family after it: the newest revision is not the rollout's.
      s.sim.registerTaskDefinition(
          "us-east-1",
          TaskDefinitions.forPhase(Specs.withTag(STORY, 0, "someone-else"), 0)
              .withTags(java.util.Map.of()));

      s.whenReconciledUntilSettled();

      assertThat(s.status.phase()).isEqualTo(StatusPhase.Healthy);
      assertThat(s.status.revisions()).containsEntry("first-steps", cutOff.arn());
      assertThat(s.recording.count("ecs.findTaskDefinitionByHash"))
          .as("a search for each phase that finds someone else's revision the family's newest")
          .isEqualTo(2);
      assertThat(s.recording.count("ecs.registerTaskDefinition")).isEqualTo(3);
    }
  }

  @Test
  void aPhaseWithTheContentOfAnEarlierPhaseReusesItsRevision() {
    // victory-lap runs first-steps' image again: the same content, after another revision.
    Rollout back = Specs.withTag(STORY, 3, STORY.spec().phases().get(0).image().tag());
    try (var s = given(back).whenReconciledUntilSettled()) {
      assertThat(s.status.phase()).as(s.dump()).isEqualTo(StatusPhase.Healthy);
      assertThat(s.status.revisions().get("victory-lap"))
          .isEqualTo(s.status.revisions().get("first-steps"));
      assertThat(s.recording.count("ecs.registerTaskDefinition")).isEqualTo(3);
      assertThat(s.events(EventType.TaskDefinitionReused))
          .singleElement()
          .extracting(TrailEvent::phase)
          .isEqualTo("victory-lap");
    }
  }

  @Test
  void aRolloutOnTheLiveServiceReadsItsBaselineOnceWhenItIsTheFamilysNewest() throws Exception {
    Rollout live = LiveServiceScenarioTest.spec("", "simple", "hybrid", "");
    try (var s =
        RolloutScenario.givenPreflight(
            live,
            Seed.existingService("baseline"),
            sim -> new Preflight(sim.providers()).asHook())) {
      s.runUntil(st -> st.step() == Step.Waiting);

      assertThat(s.status.revisions()).hasSize(1);
      assertThat(s.recording.count("ecs.describeTaskDefinition"))
          .as("the baseline is the family's newest: base, preflight and lookup share one read")
          .isEqualTo(1);
      assertThat(s.recording.count("ecs.findTaskDefinitionByHash")).isZero();
    }
  }

  private static boolean aboutToRegisterTheFirstPhase(dev.snailtrail.rollout.RolloutStatus st) {
    return st.step() == Step.Deploying && st.revisions().isEmpty();
  }

  /** What the first phase's registering pass sent before it was cut off. */
  private static TaskDefinition registerFirstPhase(RolloutScenario s) {
    return s.sim.registerTaskDefinition(
        "us-east-1", ContentHash.tagged(TaskDefinitions.forPhase(s.rollout, 0)));
  }
}
