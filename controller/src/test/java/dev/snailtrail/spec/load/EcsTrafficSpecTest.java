package dev.snailtrail.spec.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.snailtrail.spec.Rollout;
import dev.snailtrail.spec.Target;
import dev.snailtrail.spec.Traffic;
import dev.snailtrail.spec.Traffic.EcsStrategy;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Steps under {@code traffic.mode: ecs}: the ECS strategy they amount to, or why ECS cannot. */
class EcsTrafficSpecTest {
  private static final String FUNCTION =
      "arn:aws:lambda:us-east-1:123456789012:function:snailtrail-hook";
  private static final String ROLE = "arn:aws:iam::123456789012:role/snailtrail-hook-invoke";

  private final SpecLoader loader = new SpecLoader();

  private static String spec(String steps) {
    return """
        apiVersion: snailtrail.dev/v1
        kind: Rollout
        metadata: {name: demo}
        spec:
          target:
            region: us-east-1
            cluster: c
            service: web
            lifecycleHook: {functionArn: %s, roleArn: %s, silence: 90s}
          phases:
            - name: one
              image: "app:1"
            - name: two
              image: "app:2"
              traffic:
                mode: ecs
        %s
        """
        .formatted(FUNCTION, ROLE, steps.isEmpty() ? "" : "        steps: " + steps);
  }

  private EcsStrategy strategy(String steps) throws SpecException {
    Rollout r = loader.parse(spec(steps), "t.yaml", Path.of(".")).get(0);
    Traffic t = r.spec().phases().get(1).traffic();
    assertThat(t.mode()).isEqualTo(Traffic.Mode.ECS);
    assertThat(r.spec().phases().get(1).shiftsTrafficWithEcs()).isTrue();
    assertThat(r.spec().phases().get(1).shiftsTraffic()).isFalse();
    String written = SpecWriter.toYaml(r);
    assertThat(loader.parseSelfContained(written, "written.yaml").get(0)).isEqualTo(r);
    return t.strategy();
  }

  @Test
  void noStepsIsBlueGreen() throws Exception {
    assertThat(strategy(""))
        .isEqualTo(new EcsStrategy(EcsStrategy.Kind.BLUE_GREEN, 0, Duration.ZERO, null));
    assertThat(strategy("[]").kind()).isEqualTo(EcsStrategy.Kind.BLUE_GREEN);
  }

  @Test
  void oneShareAndAPauseIsACanary() throws Exception {
    assertThat(strategy("[{setWeight: 10}, {pause: 5m}]"))
        .isEqualTo(new EcsStrategy(EcsStrategy.Kind.CANARY, 10, Duration.ofMinutes(5), null));
  }

  @Test
  void equalSharesWithEqualPausesAreLinear() throws Exception {
    assertThat(
            strategy(
                "[{setWeight: 25}, {pause: 2m}, {setWeight: 50}, {pause: 2m},"
                    + " {setWeight: 75}, {pause: 2m}]"))
        .isEqualTo(new EcsStrategy(EcsStrategy.Kind.LINEAR, 25, Duration.ofMinutes(2), null));
  }

  @Test
  void aLastFullShareWithAPauseIsEcssBakeTime() throws Exception {
    assertThat(strategy("[{setWeight: 10}, {pause: 5m}, {setWeight: 100}, {pause: 15m}]"))
        .isEqualTo(
            new EcsStrategy(
                EcsStrategy.Kind.CANARY, 10, Duration.ofMinutes(5), Duration.ofMinutes(15)));
    assertThat(strategy("[{setWeight: 100}, {pause: 10m}]"))
        .isEqualTo(
            new EcsStrategy(EcsStrategy.Kind.BLUE_GREEN, 0, Duration.ZERO, Duration.ofMinutes(10)));
  }

  @Test
  void theHookLoadsWithItsSilence() throws Exception {
    Rollout r = loader.parse(spec(""), "t.yaml", Path.of(".")).get(0);
    assertThat(r.spec().target().lifecycleHook())
        .isEqualTo(new Target.LifecycleHook(FUNCTION, ROLE, Duration.ofSeconds(90)));
  }

  @Test
  void stepsEcsCannotRunAreRefusedWhereTheyAre() {
    for (String steps :
        new String[] {
          "[{setWeight: 10}]",
          "[{setWeight: 10}, {pause: 1m}, {setWeight: 30}, {pause: 1m}]",
          "[{setWeight: 50}, {pause: 1m}, {setWeight: 100}, {pause: 30s}]",
          "[{setWeight: 2}, {pause: 1m}, {setWeight: 4}, {pause: 1m}]"
        }) {
      SpecException e =
          catchThrowableOfType(
              SpecException.class, () -> loader.parse(spec(steps), "t.yaml", Path.of(".")));
      assertThat(e).as(steps).isNotNull();
      assertThat(e.problems())
          .as(steps)
          .singleElement()
          .satisfies(p -> assertThat(p.path()).isEqualTo("spec.phases[1].traffic.steps"));
    }
  }

  @Test
  void aCreatedServicesLoadBalancerMayCarryItsBlueGreenRouting() throws Exception {
    String tg =
        "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web/6d0ecf831eec9f09";
    String alt =
        "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web-g/7e1fd0942ffd0a1a";
    String rule =
        "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener-rule/app/web/50dc6c495c0c9188"
            + "/f2f7dc8efc522ab2/9683b2d02a6cabee";
    String text =
        spec("")
            .replace(
                "    service: web\n",
                "    service: web\n    loadBalancers:\n      - targetGroupArn: "
                    + tg
                    + "\n        containerPort: 5000\n        blueGreen: {alternateTargetGroupArn: "
                    + alt
                    + ", productionListenerRule: "
                    + rule
                    + ", roleArn: "
                    + ROLE
                    + "}\n");
    Rollout r = loader.parse(text, "t.yaml", Path.of(".")).get(0);
    assertThat(r.spec().target().loadBalancers().get(0).blueGreen())
        .isEqualTo(new Target.BlueGreen(alt, rule, null, ROLE));
    assertThat(loader.parseSelfContained(SpecWriter.toYaml(r), "w.yaml").get(0)).isEqualTo(r);

    SpecException e =
        catchThrowableOfType(
            SpecException.class, () -> loader.parse(text.replace(alt, tg), "t.yaml", Path.of(".")));
    assertThat(e.problems())
        .singleElement()
        .satisfies(
            p ->
                assertThat(p.path())
                    .isEqualTo("spec.target.loadBalancers[0].blueGreen.alternateTargetGroupArn"));
  }
}
