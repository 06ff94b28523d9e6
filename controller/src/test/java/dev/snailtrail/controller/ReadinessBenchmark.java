package dev.snailtrail.controller;

import static org.assertj.core.api.Assertions.assertThat;

import dev.snailtrail.gate.GateEvaluator;
import dev.snailtrail.sim.PersistentSimulator;
import dev.snailtrail.spec.Rollout;
import dev.snailtrail.store.FileStore;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Figures, not a pass mark, and not part of {@code ./run-tests}: how long {@code snailtrail
 * controller --provider sim} takes from the start of its JVM to {@code /readyz} answering 200, with
 * an empty store and with one of N rollouts and their saved world (a restart). The JVM runs on the
 * test class path with C1 only, as ControllerProcess starts it. docs/benchmarks.md records runs and
 * the command:
 *
 * <pre>
 * ./mvnw -B -ntp verify -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false \
 *   -Dit.test=ReadinessBenchmark -Dbench.rollouts=1000
 * </pre>
 */
class ReadinessBenchmark {
  @TempDir Path tmp;

  @AfterEach
  void killLeftovers() throws InterruptedException {
    ControllerProcess.killAll();
  }

  @Test
  @Timeout(600)
  void readyAfterStart() throws Exception {
    int n = Integer.parseInt(System.getProperty("bench.rollouts", "1000"));
    Path empty = Files.createDirectories(tmp.resolve("empty"));
    Path full = Files.createDirectories(tmp.resolve("full"));
    storeOf(full, n);
    for (int round = 0; round < 3; round++) {
      report("empty store", empty);
      report(n + " rollouts", full);
    }
  }

  private void report(String what, Path store) throws Exception {
    Path watch = Files.createDirectories(tmp.resolve("watch"));
    long t0 = System.nanoTime();
    ControllerProcess p = ControllerProcess.start(store, watch, 60);
    HttpClient http = HttpClient.newHttpClient();
    double ready = Double.NaN;
    while (System.nanoTime() - t0 < Duration.ofSeconds(120).toNanos()) {
      if (p.output().contains("API at ")) {
        try {
          HttpResponse<String> r =
              http.send(
                  HttpRequest.newBuilder(URI.create(p.apiUrl() + "/readyz")).build(),
                  HttpResponse.BodyHandlers.ofString());
          if (r.statusCode() == 200) {
            ready = (System.nanoTime() - t0) / 1e9;
            break;
          }
        } catch (java.io.IOException e) {
          // not listening yet
        }
      }
      Thread.sleep(10);
    }
    System.out.printf(
        Locale.ROOT, "ReadinessBenchmark: %s: /readyz 200 after %.2f s%n", what, ready);
    assertThat(p.terminate()).as("exit status; the controller's output:%n%s", p.output()).isZero();
  }

  /** A store of {@code n} rollouts and their seeded, saved world, as a controller leaves it. */
  private static void storeOf(Path store, int n) throws Exception {
    try (PersistentSimulator world =
        PersistentSimulator.open(store.resolve("sim-state.json"), 60, Clock.systemUTC())) {
      Controller c =
          Controller.builder(
                  new FileStore(store, Clock.systemUTC()),
                  world.simulator().providers(),
                  GateEvaluator.withDefaults(),
                  world.clock())
              .hooks(
                  new Controller.Hooks() {
                    @Override
                    public void prepare(Rollout rollout) {
                      world.prepare(rollout);
                    }
                  })
              .build();
      for (int i = 0; i < n; i++) {
        c.controlPlane().apply("bench-" + i + ".yaml", ScaleBenchmark.spec(i, n));
      }
      world.save();
      c.close();
    }
  }
}
