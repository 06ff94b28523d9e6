package dev.snailtrail.store;

import dev.snailtrail.json.Json;
import dev.snailtrail.rollout.RolloutStatus;
import dev.snailtrail.spec.Rollout;
import dev.snailtrail.spec.load.SpecException;
import dev.snailtrail.spec.load.SpecLoader;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import tools.jackson.core.JacksonException;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.core.exc.UnexpectedEndOfInputException;
import tools.jackson.databind.exc.ValueInstantiationException;

/**
 * Reads the files of one rollout directory of {@link FileStore}, saying of a file it cannot read
 * what is wrong with it in a few words (no stack trace, no parser internals).
 */
final class RolloutFiles {
  private RolloutFiles() {}

  /** When a file was last changed, its size and identity; null and -1 when it cannot be read. */
  record Stamp(FileTime modified, long size, Object key) {}

  static Stamp stamp(Path file) {
    try {
      BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
      return new Stamp(a.lastModifiedTime(), a.size(), a.fileKey());
    } catch (IOException e) {
      return new Stamp(null, -1, null);
    }
  }

  static FileStore.Meta meta(Path dir) throws Unreadable {
    Path file = dir.resolve(FileStore.META);
    FileStore.Meta meta = json(file, FileStore.Meta.class, "meta.json");
    if (meta == null) {
      throw new Unreadable(file, "it holds null, not the rollout's name and versions");
    }
    String name = dir.getFileName().toString();
    if (!name.equals(meta.name())) {
      throw new Unreadable(file, "it names rollout '" + meta.name() + "', not " + name);
    }
    if (meta.generation() < 1 || meta.resourceVersion() < 1) {
      throw new Unreadable(file, "its generation and resourceVersion must be 1 or more");
    }
    if (meta.createdAt() == null || meta.updatedAt() == null) {
      throw new Unreadable(file, "it lacks createdAt or updatedAt");
    }
    return meta;
  }

  /** The status; rebuilt when the file is missing (never when it is there and damaged). */
  static RolloutStatus status(Path dir, Supplier<RolloutStatus> whenMissing) throws Unreadable {
    Path file = dir.resolve(FileStore.STATUS);
    if (!Files.exists(file, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      return whenMissing.get();
    }
    RolloutStatus status = json(file, RolloutStatus.class, "status");
    if (status == null) {
      throw new Unreadable(file, "it holds null, not a status");
    }
    if (status.phase() == null
        || status.step() == null
        || status.currentPhase() == null
        || status.stablePhase() == null) {
      throw new Unreadable(file, "it lacks phase, step, currentPhase or stablePhase");
    }
    return status;
  }

  /** The spec's text as stored. */
  static String specText(Path dir) throws Unreadable {
    return text(dir.resolve(FileStore.SPEC));
  }

  /** The stored spec, as the loader reads it. */
  static Rollout spec(Path dir, String yaml) throws Unreadable {
    Path file = dir.resolve(FileStore.SPEC);
    if (yaml.isBlank()) {
      throw new Unreadable(file, "it is empty");
    }
    try {
      // The writer inlines every task definition; only a spec stored by an earlier version can
      // still name one by its (absolute) fromFile path, which is read here as it was then.
      return new SpecLoader().parse(yaml, file.toString(), dir).get(0);
    } catch (SpecException e) {
      String problems =
          e.problems().stream().limit(3).map(p -> p.format()).collect(Collectors.joining("; "));
      throw new Unreadable(file, "it does not load as a rollout spec: " + problems);
    } catch (IndexOutOfBoundsException e) {
      throw new Unreadable(file, "it holds no rollout");
    }
  }

  private static <T> T json(Path file, Class<T> type, String what) throws Unreadable {
    String text = text(file);
    if (text.isBlank()) {
      throw new Unreadable(file, "it is empty");
    }
    try {
      return Json.mapper().readValue(text, type);
    } catch (JacksonException e) {
      throw new Unreadable(file, problem(e, what));
    }
  }

  private static String text(Path file) throws Unreadable {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .decode(java.nio.ByteBuffer.wrap(Files.readAllBytes(file)))
          .toString();
    } catch (NoSuchFileException e) {
      throw new Unreadable(file, "it is missing");
    } catch (AccessDeniedException e) {
      throw new Unreadable(file, "permission denied", true);
    } catch (CharacterCodingException e) {
      throw new Unreadable(file, "it is not text (not UTF-8)");
    } catch (IOException e) {
      throw new Unreadable(file, e.getClass().getSimpleName() + " " + e.getMessage());
    }
  }

  /** What a parse failure says about the file. */
  private static String problem(JacksonException e, String what) {
    String at = at(e.getLocation());
    if (e instanceof UnexpectedEndOfInputException) {
      return "it ends mid-way" + at + ", as a file written only in part does";
    }
    if (e instanceof StreamReadException) {
      return "it is not JSON" + at + ": " + firstLine(e.getOriginalMessage());
    }
    if (e instanceof ValueInstantiationException) {
      return "it is JSON but not a whole " + what + ": a field it needs is missing or null";
    }
    String path =
        e.getPath().stream()
            .map(r -> r.getPropertyName() != null ? r.getPropertyName() : "[" + r.getIndex() + "]")
            .collect(Collectors.joining("."));
    return "it is JSON but not a "
        + what
        + (path.isEmpty() ? "" : " (at " + path + ")")
        + ": "
        + firstLine(e.getOriginalMessage());
  }

  private static String at(TokenStreamLocation where) {
    return where == null || where.getLineNr() < 1
        ? ""
        : " (line " + where.getLineNr() + ", column " + where.getColumnNr() + ")";
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "";
    }
    int nl = message.indexOf('\n');
    return nl < 0 ? message : message.substring(0, nl);
  }
}
