package dev.snailtrail.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.snailtrail.doctor.Preflight;
import dev.snailtrail.moto.MotoServer;
import dev.snailtrail.provider.CallListener;
import dev.snailtrail.rollout.RolloutStatus;
import dev.snailtrail.rollout.StatusPhase;
import dev.snailtrail.trail.EventType;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The preflight doctor as the reconciler runs it before each phase, over the wire against moto: a
 * phase whose image left ECR pauses the rollout before anything on the service changes, and the
 * recorded AWS calls show it; once the image is back, {@code resume} finishes the rollout.
 */
// A real-time rollout over moto, paused and resumed, takes about half a minute.
@Timeout(value = 5, unit = TimeUnit.MINUTES)
@ExtendWith(MotoServer.Extension.class)
class AwsPreflightIT {

  private static final String REGISTER = "ecs.RegisterTaskDefinition";
  private static final Set<String> SERVICE_WRITES =
      Set.of(REGISTER, "ecs.UpdateService", "ecs.CreateService");

  private MotoServer moto;
  private MotoRolloutFixture world;

  @BeforeEach
  void fixtures(MotoServer server, @TempDir Path dir) throws Exception {
    moto = server;
    world = MotoRolloutFixture.create(server, dir);
  }

  @Test
  void pausesBeforePhaseTwoTouchesTheServiceWhenItsImageIsGoneAndResumesOnceItIsBack()
      throws Exception {
    String image = world.rollout.spec().phases().get(1).image().toString();
    world.deleteImage("hybrid");
    AwsCallTally tally = new AwsCallTally();

    try (MotoRolloutFixture.Run run =
        world.run(
            moto.settings().withListener(tally),
            tally,
            providers -> new Preflight(providers).asHook())) {
      RolloutStatus paused = run.drive(RolloutStatus.initial());

      System.out.println("-- paused before exploration --");
      run.print();
      assertThat(paused.phase()).as(run.dump(paused)).isEqualTo(StatusPhase.Paused);
      assertThat(paused.currentPhase().name()).isEqualTo("exploration");
      assertThat(paused.stablePhase().name()).isEqualTo("first-steps");
      assertThat(paused.message())
          .contains("preflight for exploration failed")
          .contains("image " + image + " not found in ECR");
      assertThat(run.events(EventType.PreflightFailed))
          .singleElement()
          .satisfies(
              e ->
                  assertThat(e.message())
                      .contains(image)
                      .contains("Fix: Push it (docker push " + image + ")"));
      assertThat(run.events(EventType.Paused))
          .singleElement()
          .satisfies(e -> assertThat(e.message()).contains("snailtrail resume snail-api"));
      // Only phase 1 wrote: one registration, one service creation, no update; phase 2 nothing.
      assertThat(writes(tally))
          .containsExactlyInAnyOrder("first-steps " + REGISTER, "first-steps ecs.CreateService");
      assertThat(tally.total(REGISTER, CallListener.SUCCESS)).isEqualTo(1);
      assertThat(tally.total("ecs.CreateService", CallListener.SUCCESS)).isEqualTo(1);
      assertThat(tally.total("ecs.UpdateService", CallListener.SUCCESS)).isZero();
      assertThat(paused.revisions()).containsOnlyKeys("first-steps");
      assertThat(world.taskDefinitions()).containsExactly(paused.revisions().get("first-steps"));
      assertThat(world.service().taskDefinition()).isEqualTo(paused.revisions().get("first-steps"));

      world.pushImage("hybrid");
      RolloutStatus end = run.resume(paused);

      System.out.println("-- after resume --");
      run.print();
      assertThat(end.phase()).as(run.dump(end)).isEqualTo(StatusPhase.Healthy);
      assertThat(end.stablePhase().name()).isEqualTo("foundation");
      assertThat(run.events(EventType.Resumed)).hasSize(1);
      assertThat(run.events(EventType.PreflightFailed)).hasSize(1);
      assertThat(Set.copyOf(end.revisions().values())).hasSize(3);
      assertThat(world.taskDefinitions())
          .containsExactlyInAnyOrderElementsOf(end.revisions().values());
      assertThat(world.service().taskDefinition()).isEqualTo(end.revisions().get("foundation"));
      assertThat(tally.total(REGISTER, CallListener.SUCCESS)).isEqualTo(3);
    }
  }

  /** "phase call" for every row of the tally that registers or changes the service. */
  private static List<String> writes(AwsCallTally tally) {
    return tally.rows().stream()
        .filter(r -> SERVICE_WRITES.contains(r.call()))
        .map(r -> r.phase() + " " + r.call())
        .toList();
  }
}
