package dev.snailtrail.doctor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.snailtrail.provider.LoadBalancing.WeightedTargetGroup;
import dev.snailtrail.sim.Seed;
import dev.snailtrail.sim.Simulator;
import dev.snailtrail.spec.Rollout;
import dev.snailtrail.spec.Target.TrafficRouting;
import dev.snailtrail.spec.load.SpecLoader;
import dev.snailtrail.time.MutableClock;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The traffic routing check on the simulator's seeded rule, and once the rule is broken. */
class TrafficRoutingCheckTest {
  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-23T10:00:00Z"));
  private final Simulator sim = new Simulator(clock);
  private final Rollout canary = load();
  private final TrafficRouting routing = canary.spec().target().traffic();

  private static Rollout load() {
    try {
      return new SpecLoader()
          .load(Path.of(System.getProperty("snailtrail.root"), "spec-examples/canary.yaml"))
          .get(0);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  @AfterEach
  void close() {
    sim.close();
  }

  private CheckResult traffic(Simulator world) {
    return new Preflight(world.providers())
        .checkAll(canary).stream()
            .filter(r -> r.check() == Check.TrafficRouting)
            .findFirst()
            .orElseThrow();
  }

  @Test
  void aSeededRulePassesAndEveryOtherCheckToo() {
    sim.seed(canary, Seed.existingService("baseline"));
    CheckResult r = traffic(sim);
    assertThat(r.status()).as(r.toString()).isEqualTo(Status.PASS);
    assertThat(r.title()).contains("shine-api-gateway-canary");
  }

  @Test
  void aRuleThatForwardsOnlyToStableFails() {
    sim.seed(canary, Seed.existingService("baseline"));
    sim.providers()
        .loadBalancing()
        .setForwardWeights(
            "us-east-1",
            routing.forwardArn(),
            List.of(new WeightedTargetGroup(routing.stableTargetGroupArn(), 1)));
    CheckResult r = traffic(sim);
    assertThat(r.status()).isEqualTo(Status.FAIL);
    assertThat(r.title()).contains("does not forward to exactly the stable and the canary");
  }

  @Test
  void aRuleThatDoesNotExistFails() {
    // An unseeded world: no rule, no target groups, no services.
    CheckResult r = traffic(sim);
    assertThat(r.status()).isEqualTo(Status.FAIL);
    assertThat(r.title()).isEqualTo("listener rule " + routing.forwardArn() + " not found");
  }

  @Test
  void aMissingCanaryServiceFails() throws Exception {
    sim.seed(canary, Seed.existingService("baseline"));
    Path file = Path.of(System.getProperty("snailtrail.root"), "spec-examples/canary.yaml");
    String text =
        java.nio.file.Files.readString(file)
            .replace("canaryService: shine-api-gateway-canary", "canaryService: ghost");
    Rollout ghost = new SpecLoader().parse(text, "ghost.yaml", file.getParent()).get(0);
    CheckResult r =
        new Preflight(sim.providers())
            .checkAll(ghost).stream()
                .filter(c -> c.check() == Check.TrafficRouting)
                .findFirst()
                .orElseThrow();
    assertThat(r.status()).isEqualTo(Status.FAIL);
    assertThat(r.title()).isEqualTo("canary service ghost not found in cluster shine-ml-cluster");
  }
}
