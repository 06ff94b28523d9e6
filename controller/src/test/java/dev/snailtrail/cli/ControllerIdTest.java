package dev.snailtrail.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A controller is the same controller after a restart: its id is kept with its store. */
class ControllerIdTest {
  @TempDir Path store;

  @Test
  void theIdIsMadeUpOnceAndKeptInTheStore() throws Exception {
    String first = ControllerId.of(store, null);
    assertThat(first).matches("snailtrail-[0-9a-f]{8}");
    assertThat(Files.readString(store.resolve(ControllerId.FILE)).strip()).isEqualTo(first);
    assertThat(ControllerId.of(store, null)).isEqualTo(first);
  }

  @Test
  void anIdGivenWinsAndIsCheckedAsATagValue() throws Exception {
    assertThat(ControllerId.of(store, "ops-1")).isEqualTo("ops-1");
    assertThat(Files.exists(store.resolve(ControllerId.FILE))).isFalse();
    assertThatThrownBy(() -> ControllerId.of(store, "two words"))
        .isInstanceOf(UsageError.class)
        .hasMessageContaining("--controller-id 'two words'");
  }

  @Test
  void aDamagedIdFileIsRefusedNotReplaced() throws Exception {
    Files.writeString(store.resolve(ControllerId.FILE), "\n");
    assertThatThrownBy(() -> ControllerId.of(store, null))
        .isInstanceOf(UsageError.class)
        .hasMessageContaining("does not hold a controller id");
    assertThat(Files.readString(store.resolve(ControllerId.FILE))).isEqualTo("\n");
  }
}
