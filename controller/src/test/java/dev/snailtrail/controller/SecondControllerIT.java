package dev.snailtrail.controller;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Two controllers on one store directory: the second is refused, saying who holds it. */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class SecondControllerIT {
  @TempDir Path tmp;

  @AfterEach
  void endLeftovers() throws InterruptedException {
    ControllerProcess.killAll();
  }

  @Test
  void aSecondControllerOnTheSameStoreExitsTwoNamingTheFirst() throws Exception {
    Path store = tmp.resolve("store");
    Path watch = Files.createDirectories(tmp.resolve("watch"));
    Files.writeString(watch.resolve("ml-down.yaml"), SimController.example("drills/ml-down.yaml"));
    ControllerProcess first = ControllerProcess.start(store, watch, 60);
    assertThat(first.awaitStarted(60)).as("first started:\n%s", first.output()).isTrue();
    long pid = first.process.pid();

    ControllerProcess second = ControllerProcess.start(store, watch, 60);

    assertThat(second.process.waitFor(60, TimeUnit.SECONDS)).as("second ends by itself").isTrue();
    assertThat(second.process.exitValue()).as(second.output()).isEqualTo(2);
    assertThat(second.output())
        .contains("snailtrail controller: the store " + store.toAbsolutePath().normalize())
        .contains("is in use by process " + pid + " on ")
        .contains("Stop that controller first, or give this one another --store-dir")
        .doesNotContain("snailtrail controller: started", "Exception");
    assertThat(first.process.isAlive()).as("the first goes on").isTrue();

    // Once the first has stopped, the store is free again.
    assertThat(first.terminate()).isZero();
    ControllerProcess third = ControllerProcess.start(store, watch, 60);
    assertThat(third.awaitStarted(60)).as("third started:\n%s", third.output()).isTrue();
    assertThat(third.terminate()).isZero();
  }
}
