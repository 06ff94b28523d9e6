package dev.snailtrail.controller;

import static org.assertj.core.api.Assertions.assertThat;

import dev.snailtrail.metrics.Metrics;
import dev.snailtrail.provider.Change;
import dev.snailtrail.provider.ChangeFeed;
import dev.snailtrail.rollout.RolloutStatus;
import dev.snailtrail.rollout.StatusPhase;
import dev.snailtrail.rollout.Step;
import dev.snailtrail.sim.Seed;
import dev.snailtrail.sim.SimChangeFeed;
import dev.snailtrail.store.FileStore;
import dev.snailtrail.trail.TrailEvent;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Event-driven wake-ups on the simulator under a manual clock: the clock stands still, so a rollout
 * that acts did so because a change woke it, not because a poll, a gate interval or the resync came
 * round. Without the change (lost), the rollout acts at its next poll; with it twice, nothing more
 * happens than with it once.
 */
class ControllerChangesTest {
  @TempDir Path dir;

  static final String SPEC =
      """
      apiVersion: snailtrail.dev/v1
      kind: Rollout
      metadata: {name: alarmed}
      spec:
        target: {region: eu-west-1, cluster: default, service: alarmed}
        template: {family: alarmed, container: web, port: 8080}
        analysis: {interval: 5m, count: 1}
        phases:
          - name: one
            image: public.ecr.aws/nginx/nginx:1.26
          - name: two
            image: public.ecr.aws/nginx/nginx:1.27
            bake: 30m
            gates:
              - cloudwatchAlarm: {names: [alarmed-5xx]}
      """;

  private SimController baking(ChangeFeed feed) throws Exception {
    SimController c = new SimController();
    c.seed = Seed.existingService("1.25");
    c.changes = feed;
    c.start(new FileStore(dir.resolve("store"), c.clock), Metrics.NOOP);
    c.plane().apply("alarmed.yaml", SPEC);
    Instant limit = c.clock.instant().plus(Duration.ofHours(1));
    while (c.status("alarmed").step() != Step.Baking && c.clock.instant().isBefore(limit)) {
      c.step();
    }
    assertThat(c.status("alarmed").step()).isEqualTo(Step.Baking);
    return c;
  }

  /** Waits (real time, bounded) for the rollout's status to satisfy {@code done}. */
  private static RolloutStatus await(SimController c, Predicate<RolloutStatus> done)
      throws InterruptedException {
    long until = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    RolloutStatus s = c.status("alarmed");
    while (!done.test(s) && System.nanoTime() < until) {
      Thread.sleep(10);
      c.settleQueue();
      s = c.status("alarmed");
    }
    return s;
  }

  private static List<String> types(SimController c) {
    return c.plane().trail("alarmed", 0, 0).stream().map(e -> e.type().name()).toList();
  }

  @Test
  void theSimulatorsAlarmEventWakesTheRolloutAndItRollsBackWithoutTheClockMoving()
      throws Exception {
    try (SimController c = baking(null)) {
      // The simulator's own events, read as the SQS feed reads AWS's.
      c.controller.close();
      c.changes = new SimChangeFeed(c.sim, d -> Thread.sleep(5), Duration.ofMillis(5));
      c.start(new FileStore(dir.resolve("store"), c.clock), Metrics.NOOP);
      c.settleQueue();
      Instant frozen = c.clock.instant();

      c.sim.setAlarmState("alarmed-5xx", "ALARM", "Threshold Crossed: 5xx above 5");
      RolloutStatus s = await(c, st -> st.phase() == StatusPhase.RollingBack && rolledBack(c));

      assertThat(c.clock.instant()).isEqualTo(frozen);
      assertThat(s.phase()).as(c.log()).isEqualTo(StatusPhase.RollingBack);
      assertThat(c.sim.describeService(service()).orElseThrow().taskDefinitionArn())
          .isEqualTo(s.revisions().get("one"));
    }
  }

  @Test
  void withoutTheEventTheRolloutActsAtItsNextLook() throws Exception {
    QueueFeed feed = new QueueFeed();
    try (SimController c = baking(feed)) {
      c.sim.setAlarmState("alarmed-5xx", "ALARM", "Threshold Crossed: 5xx above 5");
      // The event is lost: nothing arrives, nothing happens while time stands still.
      c.settleQueue();
      assertThat(c.status("alarmed").step()).isEqualTo(Step.Baking);

      Instant before = c.clock.instant();
      c.step(); // the next timer: the resync (30 s), well before the gate's 5 min interval
      assertThat(Duration.between(before, c.clock.instant()))
          .isLessThanOrEqualTo(Duration.ofSeconds(30));
      RolloutStatus s = await(c, st -> rolledBack(c));
      assertThat(s.phase()).as(c.log()).isEqualTo(StatusPhase.RollingBack);
    }
  }

  @Test
  void anEventDeliveredTwiceOrForNothingChangesNothing() throws Exception {
    QueueFeed feed = new QueueFeed();
    try (SimController c = baking(feed)) {
      List<String> before = types(c);
      RolloutStatus status = c.status("alarmed");
      Change alarm = new Change.AlarmChanged("eu-west-1", "alarmed-5xx", "OK");
      Change service =
          new Change.ServiceChanged("eu-west-1", null, "alarmed", "SERVICE_STEADY_STATE");
      for (int i = 0; i < 2; i++) {
        feed.put(alarm);
        feed.put(service);
      }
      feed.awaitTaken();
      Thread.sleep(100);
      c.settleQueue();

      assertThat(types(c)).isEqualTo(before);
      assertThat(c.status("alarmed").gates()).isEqualTo(status.gates());
      assertThat(c.status("alarmed").step()).isEqualTo(Step.Baking);
    }
  }

  private static boolean rolledBack(SimController c) {
    return c.plane().trail("alarmed", 0, 0).stream()
        .map(TrailEvent::message)
        .anyMatch(m -> m.startsWith("Service rolled back to"));
  }

  private static dev.snailtrail.provider.ServiceRef service() {
    return new dev.snailtrail.provider.ServiceRef("eu-west-1", "default", "alarmed");
  }

  /** A feed a test puts changes into, as a queue would deliver them. */
  static final class QueueFeed implements ChangeFeed {
    private final BlockingQueue<Change> queue = new LinkedBlockingQueue<>();

    void put(Change c) {
      queue.add(c);
    }

    void awaitTaken() throws InterruptedException {
      long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (!queue.isEmpty() && System.nanoTime() < until) {
        Thread.sleep(5);
      }
    }

    @Override
    public List<Change> next(Duration wait) throws InterruptedException {
      Change first = queue.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
      if (first == null) {
        return List.of();
      }
      List<Change> out = new java.util.ArrayList<>(List.of(first));
      queue.drainTo(out);
      return out;
    }
  }
}
