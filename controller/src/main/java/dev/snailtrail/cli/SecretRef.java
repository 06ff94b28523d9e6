package dev.snailtrail.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Function;

/**
 * A secret named on the command line by where it is, never written there (the process list shows
 * every argument): {@code env:NAME} reads an environment variable, {@code file:PATH} a file (its
 * trailing line break dropped). No message here repeats a secret's value.
 */
final class SecretRef {
  private SecretRef() {}

  /** Whether the text names a secret rather than being one. */
  static boolean isRef(String text) {
    return text.startsWith("env:") || text.startsWith("file:");
  }

  /**
   * The value the reference names.
   *
   * @param what how messages name the option, e.g. {@code --webhook-header Authorization}
   * @param env the environment ({@code System::getenv})
   * @throws UsageError when it is no reference, or names nothing readable or an empty value
   */
  static String resolve(String ref, String what, Function<String, String> env) throws UsageError {
    String value;
    if (ref.startsWith("env:")) {
      String name = ref.substring(4);
      value = env.apply(name);
      if (value == null || value.isBlank()) {
        throw new UsageError(what + ": the environment variable " + name + " is not set or empty");
      }
    } else if (ref.startsWith("file:")) {
      Path file = Path.of(ref.substring(5));
      try {
        value = Files.readString(file, StandardCharsets.UTF_8).stripTrailing();
      } catch (IOException | RuntimeException e) {
        throw new UsageError(
            what + ": cannot read " + file + " (" + e.getClass().getSimpleName() + ")");
      }
      if (value.isBlank()) {
        throw new UsageError(what + ": " + file + " is empty");
      }
    } else {
      throw new UsageError(
          what
              + ": give env:NAME or file:PATH, not the value itself: the process list shows every"
              + " argument");
    }
    return value;
  }
}
