package dev.snailtrail.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.snailtrail.provider.ProviderException;
import dev.snailtrail.reconcile.Commands;
import dev.snailtrail.reconcile.ReconcileResult;
import dev.snailtrail.rollout.Condition;
import dev.snailtrail.rollout.Reason;
import dev.snailtrail.rollout.RolloutStatus;
import dev.snailtrail.rollout.StatusPhase;
import dev.snailtrail.spec.Rollout;
import dev.snailtrail.spec.load.SpecLoader;
import dev.snailtrail.time.MutableClock;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * The loop behind {@code snailtrail run} with a scripted pass: provider errors back off and are
 * retried, a bug stops the run with an internal error. The scenario tests drive it over the real
 * reconciler.
 */
class RolloutDriverTest {
  private static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");

  private final MutableClock clock = new MutableClock(T0);
  private final List<Duration> slept = new ArrayList<>();
  private final ByteArrayOutputStream warned = new ByteArrayOutputStream();
  private final Deque<Supplier<ReconcileResult>> script = new ArrayDeque<>();
  private final Rollout rollout = load();
  private int attempts;

  private static Rollout load() {
    Path root = Path.of(System.getProperty("snailtrail.root", ".."));
    try {
      return new SpecLoader().load(root.resolve("spec-examples/minimal.yaml")).get(0);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private RolloutDriver driver() {
    return RolloutDriver.builder(
            (r, g, s) -> {
              attempts++;
              return script.removeFirst().get();
            },
            new Commands(clock),
            clock,
            d -> {
              slept.add(d);
              clock.advance(d);
            })
        .warnings(new PrintStream(warned, true, StandardCharsets.UTF_8))
        .build();
  }

  private String warnings() {
    return warned.toString(StandardCharsets.UTF_8);
  }

  private static RolloutStatus progressing(String message) {
    return RolloutStatus.initial().toBuilder().observedGeneration(1).message(message).build();
  }

  private static Supplier<ReconcileResult> then(RolloutStatus s, Duration requeueAfter) {
    return () -> new ReconcileResult(s, List.of(), requeueAfter);
  }

  private static Supplier<ReconcileResult> throttled() {
    return () -> {
      throw new ProviderException(
          ProviderException.Kind.THROTTLED, "ecs", "DescribeServices", "Rate exceeded");
    };
  }

  @Test
  void anOutageIsRetriedEveryTwoSecondsSaidOnceAndAPassThatEndsResetsIt() throws Exception {
    for (int i = 0; i < 8; i++) {
      script.add(throttled());
    }
    script.add(then(progressing("deploying"), Duration.ofSeconds(5)));
    script.add(throttled());
    RolloutStatus healthy = progressing("done").toBuilder().phase(StatusPhase.Healthy).build();
    script.add(then(healthy, null));
    RolloutDriver driver = driver();

    RolloutStatus end = driver.run(rollout, 1, RolloutStatus.initial());

    assertThat(end).isEqualTo(healthy);
    // An outage ends by itself: the run looks every 2 s, so it goes on within seconds of its end.
    assertThat(slept)
        .containsExactly(
            Duration.ofSeconds(1),
            Duration.ofSeconds(2),
            Duration.ofSeconds(2),
            Duration.ofSeconds(2),
            Duration.ofSeconds(2),
            Duration.ofSeconds(2),
            Duration.ofSeconds(2),
            Duration.ofSeconds(2),
            Duration.ofSeconds(5), // the pass's own requeue
            Duration.ofSeconds(1)); // back to the start after a pass that ended
    assertThat(driver.providerErrors()).isEqualTo(9);
    assertThat(driver.passes()).isEqualTo(2);
    assertThat(warnings())
        .contains("provider error, retrying in 1s: ecs DescribeServices: THROTTLED")
        .contains("retrying in 2s")
        .doesNotContain("internal error");
    // The trail says when an outage starts, not at every retry.
    assertThat(driver.events())
        .filteredOn(e -> e.type() == dev.snailtrail.trail.EventType.ProviderUnavailable)
        .hasSize(2)
        .allSatisfy(e -> assertThat(e.message()).contains("Cannot reach ecs", "THROTTLED"));
  }

  @Test
  void providerAnswersThatAreErrorsBackOffDoublingUpToAMinute() throws Exception {
    for (int i = 0; i < 8; i++) {
      script.add(
          () -> {
            throw new ProviderException(
                ProviderException.Kind.INVALID, "ecs", "UpdateService", "bad request");
          });
    }
    RolloutStatus healthy = progressing("done").toBuilder().phase(StatusPhase.Healthy).build();
    script.add(then(healthy, null));
    RolloutDriver driver = driver();

    driver.run(rollout, 1, RolloutStatus.initial());

    assertThat(slept)
        .containsExactly(
            Duration.ofSeconds(1),
            Duration.ofSeconds(2),
            Duration.ofSeconds(4),
            Duration.ofSeconds(8),
            Duration.ofSeconds(16),
            Duration.ofSeconds(32),
            Duration.ofMinutes(1),
            Duration.ofMinutes(1));
    assertThat(driver.events()).isEmpty();
  }

  @Test
  void aBugInAPassStopsTheRunWithAnInternalErrorInTheStatusAndOneStackTrace() throws Exception {
    RolloutStatus first = progressing("waiting for the deployment");
    script.add(then(first, Duration.ofSeconds(5)));
    script.add(
        () -> {
          throw new NullPointerException("gate context without a task definition");
        });
    script.add(then(progressing("never reached"), null));
    RolloutDriver driver = driver();

    RolloutStatus end = driver.run(rollout, 1, RolloutStatus.initial());

    assertThat(attempts).as("a bug is not retried").isEqualTo(2);
    assertThat(slept).containsExactly(Duration.ofSeconds(5));
    assertThat(end.phase()).isEqualTo(first.phase());
    assertThat(end.step()).isEqualTo(first.step());
    assertThat(end.conditions())
        .filteredOn(c -> c.holds(Condition.Type.InternalError))
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.reason()).isEqualTo(Reason.InternalError);
              assertThat(c.lastTransitionTime()).isEqualTo(T0.plusSeconds(5));
            });
    assertThat(end.message())
        .startsWith("internal error (a bug, not an outage")
        .contains("NullPointerException: gate context without a task definition")
        .contains(" at dev.snailtrail.run.RolloutDriverTest");
    String warnings = warnings();
    assertThat(warnings)
        .contains("internal error (a bug, not an outage) in a pass over " + rollout.name())
        .contains("\tat dev.snailtrail.run.RolloutDriver.run(");
    assertThat(warnings.split("java.lang.NullPointerException", -1))
        .as("the stack trace is printed once")
        .hasSize(2);
    assertThat(driver.passes()).isEqualTo(1);
    assertThat(driver.providerErrors()).isZero();
  }

  @Test
  void stopAfterEndsTheRunAtTheFirstStatusItHoldsFor() throws Exception {
    script.add(then(progressing("one"), Duration.ofSeconds(5)));
    script.add(then(progressing("two"), Duration.ofSeconds(5)));
    script.add(then(progressing("three"), Duration.ofSeconds(5)));

    RolloutStatus end =
        driver().run(rollout, 1, RolloutStatus.initial(), s -> s.message().equals("two"));

    assertThat(end.message()).isEqualTo("two");
    assertThat(script).hasSize(1);
    assertThat(slept).containsExactly(Duration.ofSeconds(5));
  }
}
