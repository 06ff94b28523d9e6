package dev.snailtrail.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.snailtrail.moto.MotoServer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code snailtrail diff --provider aws} over the wire: after a rollout ended Healthy, someone puts
 * the old revision back with more tasks ({@code aws ecs update-service}); diff names the revision
 * and the count and exits 1.
 */
// The rollout rolls two phases through moto in real time, about ten seconds each.
@Timeout(value = 3, unit = TimeUnit.MINUTES)
@ExtendWith(MotoServer.Extension.class)
class DiffCommandIT {
  private static final String IMAGE = "ghcr.io/snail-trail/snail-api";

  @TempDir Path dir;
  private MotoWorld world;
  private String noController;

  @BeforeEach
  void world(MotoServer moto) throws Exception {
    world = MotoWorld.create(moto, dir);
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      noController = "http://127.0.0.1:" + s.getLocalPort();
    }
  }

  private Invocation diff(List<String> provider) {
    List<String> args = new ArrayList<>(List.of("-f", world.spec.toString()));
    args.addAll(provider);
    args.addAll(List.of("--server", noController));
    return Invocation.of(new DiffCommand(), args.toArray(String[]::new));
  }

  @Test
  void aServiceChangedBehindTheRolloutsBackDiffersByRevisionAndCount() {
    RunCommand run = new RunCommand();
    run.prompt = FakeTerminal.none();
    List<String> args = new ArrayList<>(List.of(world.spec.toString(), "--auto-approve"));
    args.addAll(world.aws());
    Invocation rolled = Invocation.of(run, args.toArray(String[]::new));
    assertThat(rolled.exit()).as(rolled.printed()).isZero();

    Invocation same = diff(world.aws());
    assertThat(same.exit()).as(same.printed()).isZero();
    assertThat(same.out())
        .startsWith("rollout/snail-api: no difference from the live service\n")
        .contains(
            "  live:     service snail-api in snail-cluster (us-east-1) runs snail-api:2 with 2"
                + " tasks");

    world
        .ecs()
        .updateService(
            r ->
                r.cluster(MotoWorld.CLUSTER)
                    .service(MotoWorld.SERVICE)
                    .taskDefinition("snail-api:1")
                    .desiredCount(3));
    Invocation changed = diff(world.aws());

    assertThat(changed.exit()).as(changed.printed()).isEqualTo(1);
    assertThat(changed.out().lines())
        .containsExactly(
            "rollout/snail-api: differs from the live service (live → file)",
            "  expected: phase exploration of "
                + world.spec
                + " (its last phase: no controller answers at "
                + noController
                + ")",
            "  live:     service snail-api in snail-cluster (us-east-1) runs snail-api:1 with 3"
                + " tasks",
            "  revision: snail-api:1 → snail-api:2",
            "  containers[api].image: " + IMAGE + ":simple → " + IMAGE + ":hybrid",
            "  desiredCount: 3 → 2");
  }

  @Test
  void aProviderThatCannotBeAskedIsAnErrorNotADifference() throws Exception {
    int closed;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closed = s.getLocalPort();
    }

    Invocation r = diff(List.of("--provider", "aws", "--endpoint", "http://127.0.0.1:" + closed));

    assertThat(r.exit()).as(r.printed()).isEqualTo(DiffCommand.COULD_NOT_COMPARE);
    assertThat(r.out()).isEmpty();
    assertThat(r.err())
        .contains(
            "rollout/snail-api: could not compare: the live service could not be read: ecs"
                + " DescribeServices: TRANSIENT - ");
  }
}
