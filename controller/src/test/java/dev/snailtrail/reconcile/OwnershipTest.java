package dev.snailtrail.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.snailtrail.gate.GateEvaluator;
import dev.snailtrail.provider.ServiceRef;
import dev.snailtrail.rollout.Condition;
import dev.snailtrail.rollout.Reason;
import dev.snailtrail.rollout.RolloutStatus;
import dev.snailtrail.rollout.StatusPhase;
import dev.snailtrail.run.RolloutDriver;
import dev.snailtrail.sim.Seed;
import dev.snailtrail.sim.Simulator;
import dev.snailtrail.spec.Rollout;
import dev.snailtrail.spec.load.SpecLoader;
import dev.snailtrail.time.MutableClock;
import dev.snailtrail.trail.EventType;
import dev.snailtrail.trail.TrailEvent;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * One owner per service: a rollout tags the service it moves with its name and its controller, and
 * a rollout of another name or another controller leaves a service so tagged alone, unless its spec
 * adopts it.
 */
class OwnershipTest {
  final MutableClock clock = new MutableClock(Instant.parse("2026-11-23T10:00:00Z"));
  final Simulator sim = new Simulator(clock);
  static final ServiceRef SERVICE = new ServiceRef("us-east-1", "web", "web-api");

  @AfterEach
  void close() {
    sim.close();
  }

  static Rollout spec(String name, String tag, boolean adopt) throws Exception {
    return new SpecLoader()
        .parse(
            """
            apiVersion: snailtrail.dev/v1
            kind: Rollout
            metadata: {name: %s}
            spec:
              target: {region: us-east-1, cluster: web, service: web-api, adopt: %s}
              template: {family: web-api, container: api, port: 5000}
              analysis: {interval: 5s, count: 1}
              phases:
                - {name: one, image: "ghcr.io/snail-trail/web-api:%s", gates: [ecsTasks]}
            """
                .formatted(name, adopt, tag),
            name + ".yaml",
            Path.of("."))
        .get(0);
  }

  /** A controller of this id running one rollout to its end, on the shared simulator. */
  final class Run {
    final Rollout rollout;
    final RecordingProviders recording = new RecordingProviders(7, 0);
    final Reconciler reconciler;
    final RolloutDriver driver;
    RolloutStatus status = RolloutStatus.initial();

    Run(Rollout rollout, String controllerId) {
      this.rollout = rollout;
      var ports = recording.wrap(sim.providers());
      reconciler =
          new Reconciler(
              ports,
              GateEvaluator.withDefaults(),
              clock,
              dev.snailtrail.rollout.PreflightHook.NONE,
              controllerId);
      driver =
          RolloutDriver.builder(reconciler::reconcile, new Commands(clock), clock, clock::advance)
              .build();
    }

    Run toTheEnd() throws InterruptedException {
      status = driver.run(rollout, 1, status);
      return this;
    }

    List<TrailEvent> events(EventType type) {
      return driver.events().stream().filter(e -> e.type() == type).toList();
    }
  }

  Map<String, String> tags() {
    String arn = sim.describeService(SERVICE).orElseThrow().arn();
    return sim.serviceTags("us-east-1", arn);
  }

  @Test
  void aServiceTaggedByAnotherRolloutIsLeftAloneAndThePauseSaysWhose() throws Exception {
    Rollout first = spec("web", "simple", false);
    sim.seed(first, Seed.existingService("baseline"));
    Run a = new Run(first, "ops-1").toTheEnd();
    assertThat(a.status.phase()).isEqualTo(StatusPhase.Healthy);
    assertThat(tags())
        .containsEntry("snailtrail.dev/rollout", "web")
        .containsEntry("snailtrail.dev/controller", "ops-1");
    assertThat(a.recording.count("ecs.serviceTags"))
        .as("the service's describe carries its tags: none read on their own")
        .isZero();
    assertThat(a.recording.count("ecs.tagService")).isEqualTo(1);
    String running = sim.describeService(SERVICE).orElseThrow().taskDefinitionArn();

    Run b = new Run(spec("web-drill", "hybrid", false), "ops-1").toTheEnd();

    assertThat(b.status.phase()).isEqualTo(StatusPhase.Paused);
    assertThat(b.status.message())
        .contains("belongs to rollout web of this controller", "target.adopt: true");
    assertThat(b.status.conditions())
        .filteredOn(c -> c.holds(Condition.Type.Paused))
        .singleElement()
        .extracting(Condition::reason)
        .isEqualTo(Reason.OwnedElsewhere);
    assertThat(b.recording.count("ecs.updateService")).isZero();
    assertThat(b.recording.count("ecs.registerTaskDefinition")).isZero();
    assertThat(sim.describeService(SERVICE).orElseThrow().taskDefinitionArn()).isEqualTo(running);
    assertThat(tags()).containsEntry("snailtrail.dev/rollout", "web");
  }

  @Test
  void theSameRolloutOfAnotherControllerIsRefusedToo() throws Exception {
    Rollout web = spec("web", "simple", false);
    sim.seed(web, Seed.existingService("baseline"));
    new Run(web, "ops-1").toTheEnd();

    Run elsewhere = new Run(spec("web", "hybrid", false), "ops-2").toTheEnd();

    assertThat(elsewhere.status.phase()).isEqualTo(StatusPhase.Paused);
    assertThat(elsewhere.status.message()).contains("rollout web of controller ops-1");
    assertThat(elsewhere.recording.count("ecs.updateService")).isZero();
  }

  @Test
  void adoptTakesTheServiceOverAndTheFormerOwnerStopsActingOnIt() throws Exception {
    Rollout web = spec("web", "simple", false);
    sim.seed(web, Seed.existingService("baseline"));
    Run a = new Run(web, "ops-1").toTheEnd();

    Rollout next = spec("web-next", "hybrid", true);
    sim.seed(next, Seed.defaults()); // its image
    Run b = new Run(next, "ops-2").toTheEnd();

    assertThat(b.status.phase()).isEqualTo(StatusPhase.Healthy);
    assertThat(b.events(EventType.ServiceAdopted))
        .singleElement()
        .satisfies(e -> assertThat(e.message()).contains("from rollout web of controller ops-1"));
    assertThat(tags())
        .containsEntry("snailtrail.dev/rollout", "web-next")
        .containsEntry("snailtrail.dev/controller", "ops-2");

    // The former owner, told to roll again, pauses before its first write.
    Rollout webAgain = spec("web", "optimized", false);
    sim.seed(webAgain, Seed.defaults());
    Run again = new Run(webAgain, "ops-1");
    again.status = a.status;
    RolloutStatus end = again.driver.run(again.rollout, 2, again.status);
    assertThat(end.phase()).isEqualTo(StatusPhase.Paused);
    assertThat(end.message()).contains("belongs to rollout web-next of controller ops-2");
    assertThat(again.recording.count("ecs.updateService")).isZero();
    assertThat(sim.describeService(SERVICE).orElseThrow().taskDefinitionArn())
        .isEqualTo(b.status.revisions().get("one"));
  }
}
