package dev.snailtrail.spec.load;

import dev.snailtrail.spec.Rollout;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.schema.CoreSchema;

/**
 * Loads {@link Rollout} specs from YAML: one or more documents per file, separated by {@code ---},
 * with the {@link dev.snailtrail.spec.AnalysisTemplate}s their phases use (in the same text, in
 * another text loaded with it, or in a {@link TemplateCatalog}). Every problem is reported at once,
 * each with file, line, column and field path, and a file with any problem yields nothing at all.
 * Omitted fields come back filled with their defaults and every template use filled in, so the
 * result is the effective spec.
 */
public final class SpecLoader {
  /** Larger files are refused before parsing. */
  public static final int MAX_BYTES = 1 << 20;

  /** For the texts read alone: a template a rollout uses must be in the same text. */
  private static final TemplateCatalog SAME_TEXT =
      TemplateCatalog.none(
          "in this file",
          "define it in this file, or check and apply the file with the one that defines it"
              + " (snailtrail validate ROLLOUT.yaml TEMPLATES.yaml, snailtrail apply -f ROLLOUT.yaml"
              + " -f TEMPLATES.yaml)");

  /**
   * Reads and parses a file holding at least one rollout; a {@code template.fromFile} path resolves
   * against the file's directory and is read now: the rollouts carry its content.
   *
   * @throws SpecException with every problem found, located in the file
   */
  public List<Rollout> load(Path file) throws SpecException {
    LoadRun run = new LoadRun(SAME_TEXT);
    read(file, run);
    return rolloutsOf(file.toString(), run.finish());
  }

  /**
   * Reads files together: a rollout in one may use an AnalysisTemplate in another, or in {@code
   * known}. Never throws for a problem in the files: the answer holds every problem, and the
   * documents of each file that has none.
   */
  public Documents loadAll(List<Path> files, TemplateCatalog known) {
    LoadRun run = new LoadRun(known);
    for (Path file : files) {
      read(file, run);
    }
    return run.finish();
  }

  /**
   * Parses spec text holding at least one rollout; a {@code template.fromFile} is read now, and the
   * rollouts carry its content.
   *
   * @param sourceName how problems name the text, usually its file name
   * @param baseDir where a relative {@code template.fromFile} is looked for
   * @throws SpecException with every problem found
   */
  public List<Rollout> parse(String text, String sourceName, Path baseDir) throws SpecException {
    LoadRun run = new LoadRun(SAME_TEXT);
    run.add(sourceName, text, Objects.requireNonNull(baseDir, "baseDir"));
    return rolloutsOf(sourceName, run.finish());
  }

  /**
   * Parses spec text holding at least one rollout that must carry everything it needs, as a spec
   * sent to the controller must: a {@code template.fromFile} is refused (with how to inline it),
   * since the file is on the sender's machine. No file is read.
   *
   * @param sourceName how problems name the text
   * @throws SpecException with every problem found
   */
  public List<Rollout> parseSelfContained(String text, String sourceName) throws SpecException {
    LoadRun run = new LoadRun(SAME_TEXT);
    run.add(sourceName, text, null);
    return rolloutsOf(sourceName, run.finish());
  }

  /**
   * Parses a text of rollouts and AnalysisTemplates (a request's body); its rollouts may use its
   * templates and those of {@code known}. Never throws for a problem in the text: the answer holds
   * them.
   *
   * @param baseDir where a relative {@code template.fromFile} is looked for; null when the text
   *     must carry everything it needs (a spec sent to the controller): a {@code fromFile} is
   *     refused
   */
  public Documents parseAll(String text, String sourceName, Path baseDir, TemplateCatalog known) {
    LoadRun run = new LoadRun(known);
    run.add(sourceName, text, baseDir);
    return run.finish();
  }

  /** The rollouts of a load that must have some. */
  private static List<Rollout> rolloutsOf(String source, Documents documents) throws SpecException {
    documents.orThrow();
    if (documents.rollouts().isEmpty()) {
      List<String> names =
          documents.templates().stream().map(dev.snailtrail.spec.AnalysisTemplate::name).toList();
      throw fileProblem(
          source,
          "holds no Rollout, only AnalysisTemplates ("
              + String.join(", ", names)
              + "); check and apply it with the rollouts that use them (snailtrail validate"
              + " ROLLOUT.yaml THIS.yaml)");
    }
    return documents.rollouts();
  }

  /** Reads a file's text into the run, or records why it cannot be read. */
  private static void read(Path file, LoadRun run) {
    String source = file.toString();
    try {
      if (Files.isDirectory(file)) {
        run.unreadable(source, "is a directory, not a spec file");
        return;
      }
      long size = Files.size(file);
      if (size > MAX_BYTES) {
        run.unreadable(source, tooLarge(size));
        return;
      }
      String text =
          StandardCharsets.UTF_8
              .newDecoder()
              .decode(ByteBuffer.wrap(Files.readAllBytes(file)))
              .toString();
      run.add(source, text, file.toAbsolutePath().getParent());
    } catch (NoSuchFileException e) {
      run.unreadable(source, "no such file");
    } catch (CharacterCodingException e) {
      run.unreadable(source, "not UTF-8 text");
    } catch (IOException e) {
      run.unreadable(source, "cannot read: " + e.getMessage());
    }
  }

  /** The parser's words, with where the construct it was reading began. */
  static String syntaxMessage(MarkedYamlEngineException e) {
    String problem = e.getProblem() != null ? e.getProblem() : e.getContext();
    StringBuilder b =
        new StringBuilder("YAML syntax: ").append(problem == null ? "" : problem.strip());
    if (e.getProblem() != null && e.getContext() != null) {
      b.append(" (").append(e.getContext().strip());
      e.getContextMark()
          .ifPresent(
              m ->
                  b.append(" that starts at ")
                      .append(m.getLine() + 1)
                      .append(':')
                      .append(m.getColumn() + 1));
      b.append(')');
    }
    return b.toString();
  }

  static LoadSettings settings(String sourceName) {
    return LoadSettings.builder()
        .setLabel(sourceName)
        .setSchema(new CoreSchema())
        .setUseMarks(true)
        .setAllowDuplicateKeys(true) // the binder reports duplicates itself, each located
        .setAllowRecursiveKeys(false)
        .setMaxAliasesForCollections(YamlGuard.MAX_COLLECTION_ALIASES)
        .setCodePointLimit(MAX_BYTES + 1)
        .build();
  }

  static String tooLarge(long bytes) {
    return "is " + bytes + " bytes; a spec file may be at most 1 MiB";
  }

  private static SpecException fileProblem(String source, String message) {
    return new SpecException(List.of(new Problem(source, 1, 1, "", message)));
  }
}
