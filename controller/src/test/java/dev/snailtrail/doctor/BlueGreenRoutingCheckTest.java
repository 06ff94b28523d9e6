package dev.snailtrail.doctor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.snailtrail.sim.Seed;
import dev.snailtrail.sim.Simulator;
import dev.snailtrail.spec.Rollout;
import dev.snailtrail.spec.Target;
import dev.snailtrail.spec.load.SpecLoader;
import dev.snailtrail.time.MutableClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The blue/green routing check before the first phase of {@code spec-examples/blue-green.yaml},
 * whose service does not exist yet: the first phase creates it with the routing its load balancer's
 * {@code blueGreen} declares, so that routing is what is checked. The simulator plays the account,
 * seeded with the production rule and the alternate target group the spec names.
 */
class BlueGreenRoutingCheckTest {
  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-23T10:00:00Z"));
  private final Simulator sim = new Simulator(clock);
  private final String text = read();
  private final Target.LoadBalancer declared = load(text).spec().target().loadBalancers().get(0);

  @AfterEach
  void close() {
    sim.close();
  }

  @Test
  void aServiceTheFirstPhaseCreatesIsCheckedByTheRoutingTheSpecGivesIt() {
    Rollout rollout = load(text);
    sim.seed(rollout, Seed.defaults());

    CheckResult r = check(rollout);

    assertThat(r.status()).as(r.toString()).isEqualTo(Status.PASS);
    assertThat(r.seen()).contains(declared.blueGreen().productionListenerRule());
  }

  @Test
  void aServiceTheFirstPhaseWouldCreateWithoutBlueGreenRoutingFails() {
    Rollout rollout = load(text.replaceAll("(?s)        blueGreen:.*?roleArn: \\S+\n", ""));
    sim.seed(rollout, Seed.defaults());

    CheckResult r = check(rollout);

    assertThat(r.status()).isEqualTo(Status.FAIL);
    assertThat(r.title())
        .isEqualTo("service shine-api-gateway not found, and the spec gives no blue/green routing");
    assertThat(r.fix()).contains("target.loadBalancers[].blueGreen");
  }

  @Test
  void aMissingServiceTheRolloutDoesNotCreateFails() {
    Rollout rollout = load(text.replace("createIfMissing: true", "createIfMissing: false"));
    sim.seed(rollout, Seed.defaults());

    CheckResult r = check(rollout);

    assertThat(r.status()).isEqualTo(Status.FAIL);
    assertThat(r.title())
        .isEqualTo("service shine-api-gateway not found, and the spec gives no blue/green routing");
  }

  private CheckResult check(Rollout rollout) {
    return new Preflight(sim.providers())
        .check(rollout, 0).stream()
            .filter(r -> r.check() == Check.BlueGreenRouting)
            .findFirst()
            .orElseThrow();
  }

  private static String read() {
    try {
      return Files.readString(
          Path.of(System.getProperty("snailtrail.root"), "spec-examples/blue-green.yaml"));
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static Rollout load(String yaml) {
    try {
      return new SpecLoader().parseSelfContained(yaml, "blue-green.yaml").get(0);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
