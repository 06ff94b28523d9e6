package dev.snailtrail.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.snailtrail.json.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The store's lock within one process; SecondControllerIT takes it from two. */
class StoreLockTest {
  static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");
  static final long PID = ProcessHandle.current().pid();

  @TempDir Path root;

  @Test
  void theHolderIsRecordedAndASecondTakerIsRefusedNamingIt() throws Exception {
    Path store = root.resolve("store");
    StoreLock held = StoreLock.acquire(store, T0);
    try {
      StoreLock.Holder holder =
          Json.mapper()
              .readValue(Files.readAllBytes(store.resolve(".lock")), StoreLock.Holder.class);
      assertThat(holder.pid()).isEqualTo(PID);
      assertThat(holder.host()).isNotBlank();
      assertThat(holder.since()).isEqualTo(T0);

      assertThatThrownBy(() -> StoreLock.acquire(store, T0.plusSeconds(5)))
          .isInstanceOf(StoreLock.Held.class)
          .hasMessageContaining("the store " + store + " is in use by process " + PID)
          .hasMessageContaining("on " + holder.host() + " (since " + T0 + ")")
          .hasMessageContaining("Stop that controller first, or give this one another --store-dir")
          .hasMessageContaining("remove " + store.resolve(".lock"));
      assertThat(new FileStore(store, null).names()).as("not a rollout").isEmpty();
    } finally {
      held.close();
    }
    StoreLock.acquire(store, T0.plusSeconds(10)).close();
    assertThat(Files.readString(store.resolve(".lock"))).contains(T0.plusSeconds(10).toString());
  }

  @Test
  void aLockFileLeftByAProcessThatEndedLocksNothing() throws Exception {
    Files.writeString(root.resolve(".lock"), "{\"pid\": 1, \"host\": \"gone\", \"since\": \"x\"}");
    StoreLock.acquire(root, T0).close();
    assertThat(Files.readString(root.resolve(".lock"))).contains("\"pid\":" + PID);
  }
}
