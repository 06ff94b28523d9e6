package dev.snailtrail.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.snailtrail.api.ApiFixtures;
import dev.snailtrail.api.ApiServer;
import dev.snailtrail.cli.Main;
import dev.snailtrail.metrics.Metrics;
import dev.snailtrail.store.FileStore;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The story and its drill name one ECS service. One controller used to accept both and let them
 * fight for ever; the second is refused at apply, naming the first.
 */
class OneRolloutPerServiceTest {
  @TempDir Path dir;
  final SimController env = new SimController();

  @BeforeEach
  void start() {
    env.start(new FileStore(dir.resolve("store"), env.clock), Metrics.NOOP);
  }

  @AfterEach
  void close() {
    env.close();
  }

  @Test
  void aSecondRolloutOfTheSameServiceIsRefusedNamingTheFirst() throws Exception {
    env.plane().apply("snail-trail.yaml", SimController.example("snail-trail.yaml"));

    assertThatThrownBy(() -> env.plane().apply("ml-down.yaml", SimController.drill()))
        .isInstanceOf(ControlPlane.Conflict.class)
        .hasMessageContaining("rollout shine-api-gateway-drill not applied")
        .hasMessageContaining(
            "service shine-api-gateway in cluster shine-ml-cluster (us-east-1) is managed by"
                + " rollout shine-api-gateway already")
        .hasMessageContaining("snailtrail delete shine-api-gateway");
    assertThat(env.plane().list())
        .extracting(ControlPlane.RolloutView::name)
        .containsExactly("shine-api-gateway");
    // The same rollout again is no conflict.
    assertThat(env.plane().apply("snail-trail.yaml", SimController.example("snail-trail.yaml")))
        .singleElement()
        .satisfies(a -> assertThat(a.changed()).isFalse());
  }

  @Test
  void aDeletedRolloutFreesItsServiceAndAStoredOneStillOwnsItAfterARestart() throws Exception {
    env.plane().apply("snail-trail.yaml", SimController.example("snail-trail.yaml"));
    assertThat(env.plane().delete("shine-api-gateway")).isTrue();

    env.plane().apply("ml-down.yaml", SimController.drill());
    env.controller.close();
    env.start(new FileStore(dir.resolve("store"), env.clock), Metrics.NOOP);

    assertThatThrownBy(
            () -> env.plane().apply("snail-trail.yaml", SimController.example("snail-trail.yaml")))
        .isInstanceOf(ControlPlane.Conflict.class)
        .hasMessageContaining("is managed by rollout shine-api-gateway-drill already");
  }

  @Test
  void aClusterByArnAndAnAccountFromTheRoleNameTheSameServiceOrAnother() throws Exception {
    String base = ApiFixtures.spec("alpha");
    env.plane().apply("alpha.yaml", base);
    String byArn =
        ApiFixtures.spec("beta")
            .replace("service: beta", "service: alpha")
            .replace(
                "cluster: default", "cluster: arn:aws:ecs:eu-west-1:123456789012:cluster/default");
    // The cluster ARN names an account; the first rollout's credentials may be another's, so
    // only a role or ARN of the same account is the same service.
    assertThat(env.plane().apply("beta.yaml", byArn)).hasSize(1);
    String sameAccount =
        ApiFixtures.spec("gamma")
            .replace("service: gamma", "service: alpha")
            .replace(
                "    cluster: default\n",
                "    cluster: default\n    roleArn: arn:aws:iam::123456789012:role/deployer\n");
    assertThatThrownBy(() -> env.plane().apply("gamma.yaml", sameAccount))
        .isInstanceOf(ControlPlane.Conflict.class)
        .hasMessageContaining("account 123456789012")
        .hasMessageContaining("managed by rollout beta");
  }

  @Test
  void theApiAnswersConflictAndTheCliExitsOneWithTheOwner() throws Exception {
    env.plane().apply("snail-trail.yaml", SimController.example("snail-trail.yaml"));
    Path drill = dir.resolve("ml-down.yaml");
    Files.writeString(drill, SimController.drill());
    try (ApiServer api =
        new ApiServer(
                env.plane(),
                new ApiServer.Settings(new InetSocketAddress("127.0.0.1", 0), ApiFixtures.TOKEN))
            .start()) {
      PrintStream saved = System.err;
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      int code;
      try {
        code =
            Main.run(
                "apply",
                "-f",
                drill.toString(),
                "--server=http://127.0.0.1:" + api.port(),
                "--token=" + ApiFixtures.TOKEN);
      } finally {
        System.setErr(saved);
      }
      assertThat(code).isEqualTo(1);
      assertThat(err.toString(StandardCharsets.UTF_8))
          .contains("Error from server (Conflict)")
          .contains("is managed by rollout shine-api-gateway already");
    }
  }
}
