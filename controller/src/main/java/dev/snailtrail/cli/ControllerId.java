package dev.snailtrail.cli;

import dev.snailtrail.files.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * Who a controller is, as the ECS services its rollouts move are tagged ({@code
 * snailtrail.dev/controller}): the {@code --controller-id} given, else the id kept in its store
 * directory, made up the first time. Kept with the store because the store is what a controller is:
 * the same store after a restart is the same controller, and must find its services its own.
 */
final class ControllerId {
  static final String FILE = "controller-id";

  /** What ECS takes in a tag value, and short enough to read in a message. */
  private static final Pattern VALID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:/=+@-]{0,63}");

  private ControllerId() {}

  /**
   * @param given the {@code --controller-id}, or null
   * @throws UsageError when the id given is not one ECS can tag with, or the store's cannot be read
   *     or written
   */
  static String of(Path storeDir, String given) throws UsageError {
    if (given != null) {
      if (!VALID.matcher(given).matches()) {
        throw new UsageError(
            "--controller-id '"
                + given
                + "' must be 1-64 letters, digits and . _ : / = + @ -, starting with a letter or"
                + " digit");
      }
      return given;
    }
    Path file = storeDir.resolve(FILE);
    try {
      if (Files.exists(file)) {
        String kept = Files.readString(file, StandardCharsets.UTF_8).strip();
        if (VALID.matcher(kept).matches()) {
          return kept;
        }
        throw new UsageError(
            file + " does not hold a controller id; give one with --controller-id, or delete it");
      }
      byte[] random = new byte[4];
      new SecureRandom().nextBytes(random);
      String made = "snailtrail-" + HexFormat.of().formatHex(random);
      AtomicFiles.write(file, (made + "\n").getBytes(StandardCharsets.UTF_8));
      return made;
    } catch (IOException | RuntimeException e) {
      throw new UsageError("cannot read or keep the controller id in " + file + ": " + e);
    }
  }
}
