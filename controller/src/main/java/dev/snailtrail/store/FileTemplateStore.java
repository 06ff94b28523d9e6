package dev.snailtrail.store;

import dev.snailtrail.files.AtomicFiles;
import dev.snailtrail.files.OwnerOnly;
import dev.snailtrail.json.Json;
import dev.snailtrail.spec.AnalysisTemplate;
import dev.snailtrail.spec.load.Documents;
import dev.snailtrail.spec.load.Problem;
import dev.snailtrail.spec.load.SpecLoader;
import dev.snailtrail.spec.load.TemplateCatalog;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import tools.jackson.core.JacksonException;

/**
 * AnalysisTemplates in a directory beside a {@link FileStore}'s rollouts, one file a template:
 *
 * <pre>
 * ROOT/.templates/NAME.json   {"name", "generation", "createdAt", "updatedAt", "document"}
 * </pre>
 *
 * The directory's name starts with a dot, so the rollout store passes it by. Files are replaced
 * atomically and readable by their owner only, as the rollouts' are (a template may hold a gate's
 * header). Safe for many threads of one process.
 */
public final class FileTemplateStore implements TemplateStore {
  static final String DIR = ".templates";
  private static final Pattern NAME = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
  private static final TemplateCatalog NONE = TemplateCatalog.none("", "");

  private final Path dir;
  private final Clock clock;

  /** What a template's file holds. */
  record Stored(
      String name, long generation, Instant createdAt, Instant updatedAt, String document) {}

  /**
   * @param root the rollout store's directory
   * @param clock stamps createdAt and updatedAt
   */
  public FileTemplateStore(Path root, Clock clock) {
    this.dir = root.toAbsolutePath().normalize().resolve(DIR);
    this.clock = clock;
  }

  @Override
  public synchronized Applied apply(AnalysisTemplate template) {
    String name = template.name();
    Optional<StoredTemplate> old = get(name);
    if (old.isPresent() && old.get().template().equals(template)) {
      return new Applied(name, old.get().generation(), false);
    }
    Instant now = clock.instant();
    Stored next =
        old.map(o -> new Stored(name, o.generation() + 1, o.createdAt(), now, template.document()))
            .orElseGet(() -> new Stored(name, 1, now, now, template.document()));
    try {
      OwnerOnly.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + dir, e);
    }
    AtomicFiles.write(
        file(name), Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(next));
    return new Applied(name, next.generation(), true);
  }

  /**
   * {@inheritDoc}
   *
   * @throws UncheckedIOException when the template's file cannot be read, saying what to do
   */
  @Override
  public Optional<StoredTemplate> get(String name) {
    if (name == null || !NAME.matcher(name).matches()) {
      return Optional.empty();
    }
    return read(file(name));
  }

  @Override
  public List<StoredTemplate> list() {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    List<Path> files;
    try (Stream<Path> all = Files.list(dir)) {
      files =
          all.filter(p -> p.getFileName().toString().endsWith(".json"))
              .filter(p -> !AtomicFiles.isTemporary(p.getFileName().toString()))
              .sorted()
              .toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + dir, e);
    }
    List<StoredTemplate> out = new ArrayList<>();
    for (Path f : files) {
      read(f).ifPresent(out::add);
    }
    return out;
  }

  @Override
  public synchronized boolean delete(String name) {
    if (name == null || !NAME.matcher(name).matches()) {
      return false;
    }
    try {
      boolean deleted = Files.deleteIfExists(file(name));
      if (deleted) {
        AtomicFiles.forceDirectory(dir);
      }
      return deleted;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + file(name), e);
    }
  }

  private Path file(String name) {
    return dir.resolve(name + ".json");
  }

  private static Optional<StoredTemplate> read(Path file) {
    Stored s;
    try {
      s = Json.mapper().readValue(Files.readString(file), Stored.class);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException | JacksonException e) {
      throw damaged(file, e.getMessage());
    }
    if (s == null || s.document() == null || s.generation() < 1) {
      throw damaged(file, "it lacks the template's document or generation");
    }
    Documents d =
        new SpecLoader().parseAll(s.document(), "analysistemplate/" + s.name(), null, NONE);
    if (!d.problems().isEmpty() || d.templates().size() != 1 || !d.rollouts().isEmpty()) {
      String problems =
          d.problems().stream().limit(3).map(Problem::format).collect(Collectors.joining("; "));
      throw damaged(file, "its document is not one AnalysisTemplate: " + problems);
    }
    return Optional.of(
        new StoredTemplate(d.templates().get(0), s.generation(), s.createdAt(), s.updatedAt()));
  }

  private static UncheckedIOException damaged(Path file, String why) {
    return new UncheckedIOException(
        new IOException(
            file
                + " cannot be read: "
                + why
                + ". Restore it from a backup, or delete it and apply the template again (rollouts"
                + " that used it keep its gates)"));
  }
}
