package dev.snailtrail.cli;

import static dev.snailtrail.api.ApiFixtures.TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

import dev.snailtrail.api.ApiFixtures;
import dev.snailtrail.api.ApiServer;
import dev.snailtrail.api.FakeControlPlane;
import dev.snailtrail.provider.Ecs;
import dev.snailtrail.provider.LaunchType;
import dev.snailtrail.provider.ServiceRef;
import dev.snailtrail.rollout.ContentHash;
import dev.snailtrail.rollout.PhaseRef;
import dev.snailtrail.rollout.StatusPhase;
import dev.snailtrail.rollout.Step;
import dev.snailtrail.rollout.TaskDefinitions;
import dev.snailtrail.sim.PersistentSimulator;
import dev.snailtrail.spec.Rollout;
import dev.snailtrail.spec.load.SpecLoader;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code snailtrail diff --provider sim} against the simulated world a controller saved: the file's
 * phase (from the controller's status, else its last phase) against the live service.
 */
class DiffCommandTest {
  private static final String SHINE_1 = "shine:1";
  private static final String IMAGE =
      "396608803476.dkr.ecr.us-east-1.amazonaws.com/shine-api-gateway";

  @TempDir Path dir;
  private Path file;
  private Path store;
  private Rollout rollout;
  private ServiceRef ref;
  private final List<String> arns = new ArrayList<>();

  /** The world after a finished rollout: both phases registered, the service on the last. */
  @BeforeEach
  void world() throws Exception {
    file = dir.resolve("shine.yaml");
    Files.writeString(file, ApiFixtures.spec("shine"));
    store = dir.resolve("store");
    rollout = new SpecLoader().load(file).get(0);
    var t = rollout.spec().target();
    ref = new ServiceRef(t.region(), t.cluster(), t.service());
    change(
        ecs -> {
          for (int i = 0; i < 2; i++) {
            var td = ContentHash.tagged(TaskDefinitions.forPhase(rollout, i));
            arns.add(ecs.registerTaskDefinition(t.region(), td).arn());
          }
          ecs.createService(
              new Ecs.CreateServiceRequest(
                  ref, arns.get(1), 2, LaunchType.FARGATE, null, List.of()));
        });
  }

  /** Changes the saved world through its ECS, as someone with the console would. */
  private void change(Consumer<Ecs> action) throws IOException {
    Files.createDirectories(store);
    try (PersistentSimulator w =
        PersistentSimulator.open(store.resolve("sim-state.json"), 1, Clock.systemUTC())) {
      w.prepare(rollout);
      action.accept(w.simulator().providers().ecs());
      w.save();
    }
  }

  private static String nobodyListening() throws Exception {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return "http://127.0.0.1:" + s.getLocalPort();
    }
  }

  private Invocation diff(String server) {
    return diff(server, TOKEN);
  }

  private Invocation diff(String server, String token) {
    List<String> args = new ArrayList<>(List.of("-f", file.toString(), "--provider", "sim"));
    args.addAll(List.of("--store-dir", store.toString(), "--server", server, "--token", token));
    return Invocation.of(new DiffCommand(), args.toArray(String[]::new));
  }

  @Test
  void withoutAControllerTheLastPhaseIsComparedAndMatches() throws Exception {
    String server = nobodyListening();

    Invocation r = diff(server);

    assertThat(r.exit()).as(r.printed()).isZero();
    assertThat(r.out())
        .isEqualTo(
            "rollout/shine: no difference from the live service\n"
                + "  expected: phase exploration of "
                + file
                + " (its last phase: no controller answers at "
                + server
                + ")\n"
                + "  live:     service shine in default (eu-west-1) runs shine:2 with 2 tasks\n");
  }

  @Test
  void aServiceChangedBehindTheRolloutsBackDiffersByRevisionCountAndImage() throws Exception {
    change(ecs -> ecs.updateService(ref, arns.get(0), 3));
    String server = nobodyListening();

    Invocation r = diff(server);

    assertThat(r.exit()).as(r.printed()).isEqualTo(DiffCommand.DIFFERS).isEqualTo(1);
    assertThat(r.out().lines())
        .containsExactly(
            "rollout/shine: differs from the live service (live → file)",
            "  expected: phase exploration of "
                + file
                + " (its last phase: no controller answers at "
                + server
                + ")",
            "  live:     service shine in default (eu-west-1) runs " + SHINE_1 + " with 3 tasks",
            "  revision: shine:1 → shine:2",
            "  containers[api].image: " + IMAGE + ":simple → " + IMAGE + ":hybrid",
            "  desiredCount: 3 → 2");
  }

  @Test
  void theControllersStatusSaysWhichPhaseTheServiceShouldRun() throws Exception {
    FakeControlPlane plane = new FakeControlPlane();
    plane.apply("shine.yaml", ApiFixtures.spec("shine"));
    ApiServer server =
        new ApiServer(
                plane,
                new ApiServer.Settings(
                    new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), TOKEN))
            .start();
    try {
      String url = "http://127.0.0.1:" + server.port();
      plane.status(
          "shine",
          s ->
              s.toBuilder()
                  .observedGeneration(1)
                  .step(Step.Analyzing)
                  .currentPhase(new PhaseRef(0, "first-steps"))
                  .build());
      Invocation analyzing = diff(url);
      assertThat(analyzing.exit()).as(analyzing.printed()).isEqualTo(1);
      assertThat(analyzing.out())
          .contains(
              "  expected: phase first-steps of "
                  + file
                  + " (the controller has it Progressing/Analyzing on first-steps)")
          .contains("  revision: shine:2 → shine:1");

      plane.status(
          "shine",
          s ->
              s.toBuilder()
                  .phase(StatusPhase.Healthy)
                  .step(Step.Done)
                  .currentPhase(new PhaseRef(1, "exploration"))
                  .build());
      Invocation healthy = diff(url);
      assertThat(healthy.exit()).as(healthy.printed()).isZero();
      assertThat(healthy.out()).contains("(the controller has it Healthy on exploration)");

      Invocation refused = diff(url, "wrong");
      assertThat(refused.exit()).as(refused.printed()).isEqualTo(DiffCommand.COULD_NOT_COMPARE);
      assertThat(refused.err()).contains("could not compare: the controller at " + url);
    } finally {
      server.close();
    }
  }

  @Test
  void withoutASavedWorldItSaysWhereItLookedAndExitsTwo() throws Exception {
    store = dir.resolve("elsewhere");

    Invocation r = diff(nobodyListening());

    assertThat(r.exit()).as(r.printed()).isEqualTo(2);
    assertThat(r.err())
        .contains("no simulated world at " + store.resolve("sim-state.json"))
        .contains("--provider aws");
  }
}
