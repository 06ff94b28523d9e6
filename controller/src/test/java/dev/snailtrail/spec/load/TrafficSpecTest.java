package dev.snailtrail.spec.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.snailtrail.spec.Rollout;
import dev.snailtrail.spec.Target.TrafficRouting;
import dev.snailtrail.spec.Traffic;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A phase's traffic steps and the target's routing: loaded, refused where wrong, written back. */
class TrafficSpecTest {
  private static final String RULE =
      "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener-rule/app/web/50dc6c495c0c9188"
          + "/f2f7dc8efc522ab2/9683b2d02a6cabee";
  private static final String LISTENER =
      "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/web/50dc6c495c0c9188"
          + "/f2f7dc8efc522ab2";
  private static final String STABLE =
      "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web/6d0ecf831eec9f09";
  private static final String CANARY =
      "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web-canary/7e1fd0942ffd0a1a";

  private final SpecLoader loader = new SpecLoader();

  private static String spec(String forward, String steps) {
    return """
        apiVersion: snailtrail.dev/v1
        kind: Rollout
        metadata: {name: demo}
        spec:
          target:
            region: us-east-1
            cluster: c
            service: web
            traffic:
              %s
              stableTargetGroupArn: %s
              canaryTargetGroupArn: %s
              canaryService: web-canary
          phases:
            - name: one
              image: "app:1"
            - name: two
              image: "app:2"
              traffic:
                mode: alb
                steps: %s
        """
        .formatted(forward, STABLE, CANARY, steps);
  }

  private Rollout parse(String text) throws SpecException {
    return loader.parse(text, "t.yaml", Path.of(".")).get(0);
  }

  @Test
  void stepsAndRoutingLoadAndLoadBack() throws Exception {
    Rollout r =
        parse(
            spec(
                "listenerRuleArn: " + RULE,
                "[{setWeight: 10}, {pause: 2m}, {setWeight: 50}, {pause: 5m}]"));
    assertThat(r.spec().phases().get(0).traffic()).isNull();
    assertThat(r.spec().phases().get(1).traffic())
        .isEqualTo(
            new Traffic(
                Traffic.Mode.ALB,
                List.of(
                    new Traffic.SetWeight(10),
                    new Traffic.Pause(Duration.ofMinutes(2)),
                    new Traffic.SetWeight(50),
                    new Traffic.Pause(Duration.ofMinutes(5)))));
    assertThat(r.spec().target().traffic())
        .isEqualTo(new TrafficRouting(RULE, null, STABLE, CANARY, "web-canary"));
    assertThat(r.spec().target().traffic().forwardArn()).isEqualTo(RULE);
    String written = SpecWriter.toYaml(r);
    Rollout again = loader.parseSelfContained(written, "written.yaml").get(0);
    assertThat(again).isEqualTo(r);
    assertThat(SpecWriter.toYaml(again)).isEqualTo(written);
  }

  @Test
  void aListenersDefaultActionMayBeWeightedInstead() throws Exception {
    Rollout r = parse(spec("listenerArn: " + LISTENER, "[{setWeight: 100}]"));
    assertThat(r.spec().target().traffic().forwardArn()).isEqualTo(LISTENER);
  }

  @Test
  void bothARuleAndAListenerAreRefused() {
    SpecException e =
        catchThrowableOfType(
            SpecException.class,
            () ->
                parse(
                    spec(
                        "listenerRuleArn: " + RULE + "\n      listenerArn: " + LISTENER,
                        "[{setWeight: 10}]")));
    assertThat(e.problems())
        .singleElement()
        .satisfies(
            p ->
                assertThat(p.format()).startsWith("t.yaml:10:7: spec.target.traffic: give one of"));
  }

  @Test
  void twoPausesInARowAndAStepOfBothKindsAreRefused() {
    SpecException e =
        catchThrowableOfType(
            SpecException.class,
            () ->
                parse(
                    spec(
                        "listenerRuleArn: " + RULE,
                        "[{setWeight: 10}, {pause: 1m}, {pause: 1m}, {setWeight: 20, pause: 1m}]")));
    assertThat(e.problems())
        .extracting(Problem::path)
        .containsExactly(
            "spec.phases[1].traffic.steps[2].pause", "spec.phases[1].traffic.steps[3]");
  }
}
