package dev.snailtrail.controller;

import static org.assertj.core.api.Assertions.assertThat;

import dev.snailtrail.json.Json;
import dev.snailtrail.provider.ServiceRef;
import dev.snailtrail.rollout.RolloutStatus;
import dev.snailtrail.rollout.StatusPhase;
import dev.snailtrail.sim.PersistentSimulator;
import dev.snailtrail.sim.Simulator;
import dev.snailtrail.time.MutableClock;
import dev.snailtrail.trail.EventType;
import dev.snailtrail.trail.TrailEvent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Restart safety, end to end: the controller runs in its own JVM on the simulator and is killed
 * with SIGKILL at random points, restarted each time, until the rollout settles. The outcome must
 * be the one an uncrashed run reaches, with no task definition registered twice and no trail event
 * stored twice.
 */
// Some thirty controller JVMs started and killed: about half a minute, far longer when loaded.
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class ControllerCrashIT {
  static final String NAME = "shine-api-gateway-drill";
  static final double SPEED = 600;
  static final ServiceRef SERVICE =
      new ServiceRef("us-east-1", "shine-ml-cluster", "shine-api-gateway");

  @TempDir Path tmp;

  @AfterEach
  void endLeftovers() throws InterruptedException {
    ControllerProcess.killAll();
  }

  /** The ml-down drill with its manual approval removed: it runs by itself and fails phase 4. */
  static String drill() throws Exception {
    String text =
        Files.readString(
            Path.of(
                System.getProperty("snailtrail.root"), "spec-examples", "drills", "ml-down.yaml"));
    String withoutApproval = text.replace("      approval: manual\n", "");
    assertThat(withoutApproval).isNotEqualTo(text);
    return withoutApproval;
  }

  static Path rolloutDir(Path store) {
    return store.resolve(NAME);
  }

  static RolloutStatus status(Path store) throws Exception {
    Path file = rolloutDir(store).resolve("status.json");
    if (!Files.exists(file)) {
      return null;
    }
    return Json.mapper().readValue(Files.readAllBytes(file), RolloutStatus.class);
  }

  static boolean settled(Path store) throws Exception {
    RolloutStatus s = status(store);
    return s != null && s.phase().isSettled();
  }

  static List<TrailEvent> trailLines(Path store) throws Exception {
    return Files.readAllLines(rolloutDir(store).resolve("trail.jsonl")).stream()
        .filter(l -> !l.isBlank())
        .map(l -> Json.mapper().readValue(l, TrailEvent.class))
        .toList();
  }

  static Simulator world(Path store) throws Exception {
    Path state = store.resolve("sim-state.json");
    return PersistentSimulator.restoreForInspection(
        state, new MutableClock(PersistentSimulator.savedAt(state)));
  }

  /** Runs one controller without interruption until the rollout settles. */
  Path uncrashedRun() throws Exception {
    Path store = tmp.resolve("reference/store");
    Path watch = Files.createDirectories(tmp.resolve("reference/watch"));
    Files.writeString(watch.resolve("ml-down.yaml"), drill());
    ControllerProcess p = ControllerProcess.start(store, watch, SPEED);
    try {
      long deadline = System.nanoTime() + 60_000_000_000L;
      while (!settled(store)) {
        assertThat(System.nanoTime()).as("reference run settles within 60 s").isLessThan(deadline);
        Thread.sleep(50);
      }
    } finally {
      assertThat(p.terminate()).isZero();
    }
    return store;
  }

  @Test
  void killedAtRandomPointsTheControllerReachesTheSameEndAsAnUncrashedOne() throws Exception {
    long t0 = System.nanoTime();
    Path reference = uncrashedRun();

    Path store = tmp.resolve("crashed/store");
    Path watch = Files.createDirectories(tmp.resolve("crashed/watch"));
    Files.writeString(watch.resolve("ml-down.yaml"), drill());
    Random random = new Random(20261123L);
    int kills = 0;
    int lives = 0;
    while (kills < 30 || !settled(store)) {
      assertThat(lives).as("settles within 200 restarts").isLessThan(200);
      lives++;
      ControllerProcess p = ControllerProcess.start(store, watch, SPEED);
      if (random.nextInt(5) == 0) {
        // Anywhere from JVM start through loading, applying and the first passes.
        Thread.sleep(random.nextInt(1_200));
      } else {
        assertThat(p.awaitStarted(60)).as("controller started:\n%s", p.output()).isTrue();
        Thread.sleep(random.nextInt(100));
      }
      p.kill();
      kills++;
    }
    // One last life without a kill, to let it write whatever it still had to.
    ControllerProcess last = ControllerProcess.start(store, watch, SPEED);
    assertThat(last.awaitStarted(60)).isTrue();
    Thread.sleep(500);
    assertThat(last.terminate()).isZero();
    double seconds = (System.nanoTime() - t0) / 1e9;
    System.out.printf(
        "ControllerCrashIT: %d kills (SIGKILL) over %d restarts, %.1f s in all%n",
        kills, lives, seconds);

    RolloutStatus crashed = status(store);
    RolloutStatus expected = status(reference);
    assertThat(expected.phase()).isEqualTo(StatusPhase.Degraded);
    assertThat(crashed.phase()).isEqualTo(expected.phase());
    assertThat(crashed.stablePhase()).isEqualTo(expected.stablePhase());
    assertThat(crashed.stablePhase().name()).isEqualTo("foundation");
    assertThat(crashed.revisions()).isEqualTo(expected.revisions());

    try (Simulator crashedWorld = world(store);
        Simulator referenceWorld = world(reference)) {
      String crashedTd = crashedWorld.describeService(SERVICE).orElseThrow().taskDefinitionArn();
      String referenceTd =
          referenceWorld.describeService(SERVICE).orElseThrow().taskDefinitionArn();
      assertThat(shortName(crashedTd))
          .isEqualTo(shortName(referenceTd))
          .isEqualTo("shine-api-gateway:3");
      // One revision per phase: nothing registered twice, however often the pass was cut off.
      assertThat(crashedWorld.describeTaskDefinition("us-east-1", "shine-api-gateway:4"))
          .isPresent();
      assertThat(crashedWorld.describeTaskDefinition("us-east-1", "shine-api-gateway:5")).isEmpty();
    }

    List<TrailEvent> trail = trailLines(store);
    assertThat(trail).extracting(TrailEvent::id).doesNotHaveDuplicates();
    List<TrailEvent> referenceTrail = trailLines(reference);
    for (EventType type :
        List.of(
            EventType.RolloutStarted,
            EventType.PhaseCompleted,
            EventType.RollbackStarted,
            EventType.RollbackCompleted)) {
      assertThat(trail.stream().filter(e -> e.type() == type).count())
          .as(
              "%s events in %s",
              type, trail.stream().map(e -> e.sequence() + " " + e.type()).toList())
          .isEqualTo(referenceTrail.stream().filter(e -> e.type() == type).count());
    }
    // Each phase's revision is in the trail, and none is recorded as registered twice. A pass cut
    // off after registering is run again and finds the revision by its content: it records that
    // it reused it, which is what happened, so a revision may show as registered, then reused.
    List<TrailEvent> taskDefinitions =
        trail.stream()
            .filter(
                e ->
                    e.type() == EventType.TaskDefinitionRegistered
                        || e.type() == EventType.TaskDefinitionReused)
            .toList();
    assertThat(taskDefinitions.stream().map(e -> e.data().get("revision")).distinct())
        .as("one revision per phase in %s", taskDefinitions)
        .hasSize(4);
    assertThat(
            taskDefinitions.stream()
                .filter(e -> e.type() == EventType.TaskDefinitionRegistered)
                .map(e -> e.data().get("revision")))
        .as("registered once each")
        .doesNotHaveDuplicates();
  }

  @Test
  void sigtermFinishesThePassInFlightWritesStatusAndExitsZero() throws Exception {
    Path store = tmp.resolve("graceful/store");
    Path watch = Files.createDirectories(tmp.resolve("graceful/watch"));
    Files.writeString(watch.resolve("ml-down.yaml"), drill());
    ControllerProcess p = ControllerProcess.start(store, watch, SPEED);
    assertThat(p.awaitStarted(60)).as("started:\n%s", p.output()).isTrue();
    // Mid-rollout: passes run every few milliseconds at this speed.
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (!p.output().contains(" created with ")) {
      assertThat(System.nanoTime()).as("service created:\n%s", p.output()).isLessThan(deadline);
      Thread.sleep(10);
    }

    int exit = p.terminate();

    assertThat(exit).as("exit code after SIGTERM:\n%s", p.output()).isZero();
    assertThat(p.output()).containsPattern("snailtrail controller: stopped after \\d+ passes");
    RolloutStatus s = status(store);
    assertThat(s.observedGeneration()).isEqualTo(1);
    assertThat(s.revisions()).containsKey("first-steps");
    assertThat(store.resolve("sim-state.json")).exists();

    // Restarted, it carries on to the same end.
    ControllerProcess again = ControllerProcess.start(store, watch, SPEED);
    try {
      long until = System.nanoTime() + 60_000_000_000L;
      while (!settled(store)) {
        assertThat(System.nanoTime()).as("settles:\n%s", again.output()).isLessThan(until);
        Thread.sleep(50);
      }
    } finally {
      assertThat(again.terminate()).isZero();
    }
    assertThat(status(store).phase()).isEqualTo(StatusPhase.Degraded);
    assertThat(again.output()).doesNotContain(" created with ");
  }

  static String shortName(String arn) {
    return arn.substring(arn.lastIndexOf('/') + 1);
  }
}
