package dev.snailtrail.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.snailtrail.api.ApiClient;
import dev.snailtrail.api.ApiException;
import dev.snailtrail.api.ApiFixtures;
import dev.snailtrail.api.ApiServer;
import dev.snailtrail.api.ClientConfig;
import dev.snailtrail.api.Resources;
import dev.snailtrail.cli.Main;
import dev.snailtrail.controller.ControlPlane.RolloutView;
import dev.snailtrail.controller.ControlPlane.Verb;
import dev.snailtrail.metrics.Metrics;
import dev.snailtrail.rollout.Condition;
import dev.snailtrail.rollout.Reason;
import dev.snailtrail.rollout.RolloutStatus;
import dev.snailtrail.rollout.StatusPhase;
import dev.snailtrail.sim.Seed;
import dev.snailtrail.store.FileStore;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One rollout whose files in the store cannot be read must not stop the others: it is shown as
 * StoreDamaged, logged once and counted, refused for changes with what to do, and its file is left
 * as it is.
 */
class StoreDamageTest {
  @TempDir Path dir;
  final SimController env = new SimController();
  final Map<String, Boolean> damagedGauge = new ConcurrentHashMap<>();
  final Metrics metrics =
      new Metrics() {
        @Override
        public void storeDamaged(String rollout, boolean damaged) {
          damagedGauge.put(rollout, damaged);
        }
      };
  Path store;

  @BeforeEach
  void twoRollouts() throws Exception {
    env.seed = Seed.existingService("simple");
    store = dir.resolve("store");
    start();
    env.plane().apply("alpha.yaml", ApiFixtures.spec("alpha"));
    env.plane().apply("beta.yaml", ApiFixtures.spec("beta"));
    env.step();
  }

  @AfterEach
  void stop() {
    env.close();
  }

  void start() {
    env.start(new FileStore(store, env.clock), metrics);
  }

  Path file(String rollout, String name) {
    return store.resolve(rollout).resolve(name);
  }

  /** What a crash mid-write on a file system without atomic rename could leave. */
  byte[] halfWritten(Path file) throws Exception {
    byte[] whole = Files.readAllBytes(file);
    byte[] half = Arrays.copyOf(whole, whole.length / 2);
    Files.write(file, half);
    return half;
  }

  long logLines(String text) {
    return env.log().lines().filter(l -> l.contains(text)).count();
  }

  @Test
  void aHalfWrittenStatusIsolatesItsRolloutAndTheOthersGoOn() throws Exception {
    Path status = file("alpha", "status.json");
    byte[] damaged = halfWritten(status);

    RolloutStatus beta = env.runUntilItWaitsOrSettles("beta");
    for (int i = 0; i < 5; i++) {
      env.step(); // resyncs: alpha is looked at again each time
    }

    assertThat(beta.phase()).isEqualTo(StatusPhase.Healthy);
    RolloutView alpha = env.plane().get("alpha").orElseThrow();
    assertThat(alpha.status().storeDamaged()).isTrue();
    assertThat(alpha.status().conditions())
        .filteredOn(c -> c.holds(Condition.Type.StoreDamaged))
        .singleElement()
        .satisfies(c -> assertThat(c.reason()).isEqualTo(Reason.StoreDamaged));
    assertThat(alpha.status().message())
        .contains(status.toString(), "ends mid-way", "move it out of the rollout's directory");
    assertThat(alpha.spec()).as("the spec is readable").isNotNull();
    assertThat(alpha.generation()).isEqualTo(1);
    assertThat(env.plane().list()).extracting(RolloutView::name).containsExactly("alpha", "beta");
    assertThat(env.plane().trail("alpha", 0, 0)).isNotEmpty();

    assertThat(logLines("rollout alpha is damaged: " + status + " cannot be read: it ends mid-way"))
        .as(env.log())
        .isOne();
    assertThat(env.log()).doesNotContain("Exception", "jackson", "\tat ");
    assertThat(damagedGauge).containsEntry("alpha", true).doesNotContainKey("beta");
    assertThat(Files.readAllBytes(status)).as("left as it was").isEqualTo(damaged);
  }

  @Test
  void changesToADamagedRolloutAreRefusedSayingWhatToDoAndChangeNothing() throws Exception {
    Path meta = file("alpha", "meta.json");
    Files.writeString(meta, "");
    Path spec = file("alpha", "spec.yaml");
    String specBefore = Files.readString(spec);

    // Re-applying a good spec over the damaged rollout, alone or with a good one.
    String both = ApiFixtures.spec("beta", "hybrid", 3) + "---\n" + ApiFixtures.spec("alpha");
    assertThatThrownBy(() -> env.plane().apply("both.yaml", both))
        .isInstanceOf(ControlPlane.Damaged.class)
        .hasMessageContaining(meta + " cannot be read: it is empty")
        .hasMessageContaining("snailtrail delete alpha");
    assertThat(env.plane().get("beta").orElseThrow().generation()).as("nothing applied").isOne();
    assertThatThrownBy(() -> env.plane().command("alpha", Verb.pause, "me"))
        .isInstanceOf(ControlPlane.Damaged.class)
        .hasMessageContaining("meta.json");
    // The watch directory says so once, and tries again each scan.
    Path watched = Files.createDirectories(dir.resolve("watch"));
    Files.writeString(watched.resolve("alpha.yaml"), ApiFixtures.spec("alpha", "hybrid", 3));
    ByteArrayOutputStream said = new ByteArrayOutputStream();
    SpecDirWatcher watcher =
        SpecDirWatcher.of(
            watched, env.plane(), new PrintStream(said, true, StandardCharsets.UTF_8));
    assertThat(watcher.scan()).isZero();
    assertThat(watcher.scan()).isZero();
    assertThat(said.toString(StandardCharsets.UTF_8).lines())
        .singleElement()
        .satisfies(
            l ->
                assertThat(l)
                    .startsWith("snailtrail controller: not applied, alpha.yaml: rollout alpha")
                    .contains("meta.json cannot be read: it is empty"));
    env.step();

    assertThat(Files.readString(meta)).isEmpty();
    assertThat(Files.readString(spec)).isEqualTo(specBefore);
    assertThat(env.plane().get("alpha").orElseThrow().generation()).as("unknown").isZero();
    // The way out the message gives: delete, then apply again.
    assertThat(env.plane().delete("alpha")).isTrue();
    assertThat(env.plane().apply("alpha.yaml", ApiFixtures.spec("alpha")))
        .containsExactly(new ControlPlane.Applied("alpha", 1, true));
  }

  @Test
  void theApiListsAndShowsADamagedRolloutAndRefusesChangesWithConflict() throws Exception {
    Files.writeString(file("alpha", "spec.yaml"), "apiVersion: snailtrail.dev/v1\nkind: Rol");
    try (ApiServer api =
        new ApiServer(
                env.plane(),
                new ApiServer.Settings(new InetSocketAddress("127.0.0.1", 0), ApiFixtures.TOKEN))
            .start()) {
      ApiClient client =
          new ApiClient(
              new ClientConfig(URI.create("http://127.0.0.1:" + api.port()), ApiFixtures.TOKEN));

      List<Resources.Summary> items = client.list();
      Resources.Detail alpha = client.get("alpha");

      assertThat(items).extracting(Resources.Summary::name).containsExactly("alpha", "beta");
      assertThat(items.get(0).storeDamaged()).isTrue();
      assertThat(items.get(1).storeDamaged()).isFalse();
      assertThat(alpha.spec()).isEmpty();
      assertThat(alpha.status().message()).contains("spec.yaml cannot be read");
      assertThatThrownBy(() -> client.apply("alpha.yaml", ApiFixtures.spec("alpha")))
          .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.status()).isEqualTo(409))
          .hasMessageContaining("spec.yaml cannot be read");

      // And as the CLI shows it.
      String server = "--server=http://127.0.0.1:" + api.port();
      String token = "--token=" + ApiFixtures.TOKEN;
      assertThat(cli("get", server, token)).containsPattern("(?m)^alpha +StoreDamaged ");
      assertThat(cli("status", "alpha", server, token))
          .contains("rollout/alpha   StoreDamaged")
          .contains("spec.yaml cannot be read: it does not load as a rollout spec");
    }
  }

  /** Runs a CLI command in this JVM; what it printed. */
  static String cli(String... args) {
    PrintStream saved = System.out;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    try {
      assertThat(Main.run(args)).as("exit code of %s", List.of(args)).isZero();
    } finally {
      System.setOut(saved);
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  @Test
  void aRestartFindsTheDamageAndARepairIsPickedUpByTheResync() throws Exception {
    Path status = file("alpha", "status.json");
    Files.writeString(status, "{\"observedGeneration\": 1, \"phase\": \"Sideways\"}");
    env.controller.close();

    start();
    env.settleQueue();
    assertThat(logLines("rollout alpha is damaged")).as(env.log()).isOne();
    assertThat(env.plane().get("alpha").orElseThrow().status().message())
        .contains("it is JSON but not a status (at phase)");

    Files.move(status, dir.resolve("status.json.damaged"));
    for (int i = 0; i < 100 && !env.log().contains("can be read again"); i++) {
      env.step(); // until the resync
    }

    assertThat(env.log()).contains("rollout alpha can be read again; reconciling it");
    assertThat(damagedGauge).containsEntry("alpha", false);
    RolloutStatus alpha = env.runUntilItWaitsOrSettles("alpha");
    assertThat(alpha.storeDamaged()).isFalse();
    assertThat(alpha.phase()).isEqualTo(StatusPhase.Healthy);
  }
}
