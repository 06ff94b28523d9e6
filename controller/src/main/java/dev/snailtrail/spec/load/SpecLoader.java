package dev.snailtrail.spec.load;

import dev.snailtrail.spec.Rollout;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.Tag;
import org.snakeyaml.engine.v2.schema.CoreSchema;

/**
 * Loads {@link Rollout} specs from YAML: one or more documents per file, separated by {@code ---}.
 * Every problem in a file is reported at once, each with file, line, column and field path, and a
 * file with any problem yields no rollout at all. Omitted fields come back filled with their
 * defaults, so the result is the effective spec.
 */
public final class SpecLoader {
  /** Larger files are refused before parsing. */
  public static final int MAX_BYTES = 1 << 20;

  /**
   * Reads and parses a file; a {@code template.fromFile} path resolves against the file's directory
   * and is read now: the rollouts carry its content.
   *
   * @throws SpecException with every problem found, located in the file
   */
  public List<Rollout> load(Path file) throws SpecException {
    String source = file.toString();
    String text;
    try {
      if (Files.isDirectory(file)) {
        throw fileProblem(source, "is a directory, not a spec file");
      }
      long size = Files.size(file);
      if (size > MAX_BYTES) {
        throw fileProblem(source, tooLarge(size));
      }
      text =
          StandardCharsets.UTF_8
              .newDecoder()
              .decode(ByteBuffer.wrap(Files.readAllBytes(file)))
              .toString();
    } catch (NoSuchFileException e) {
      throw fileProblem(source, "no such file");
    } catch (CharacterCodingException e) {
      throw fileProblem(source, "not UTF-8 text");
    } catch (IOException e) {
      throw fileProblem(source, "cannot read: " + e.getMessage());
    }
    Path dir = file.toAbsolutePath().getParent();
    return parse(text, source, dir);
  }

  /**
   * Parses spec text; a {@code template.fromFile} is read now, and the rollouts carry its content.
   *
   * @param sourceName how problems name the text, usually its file name
   * @param baseDir where a relative {@code template.fromFile} is looked for
   * @throws SpecException with every problem found
   */
  public List<Rollout> parse(String text, String sourceName, Path baseDir) throws SpecException {
    return parseIn(text, sourceName, Objects.requireNonNull(baseDir, "baseDir"));
  }

  /**
   * Parses spec text that must carry everything it needs, as a spec sent to the controller must: a
   * {@code template.fromFile} is refused (with how to inline it), since the file is on the sender's
   * machine. No file is read.
   *
   * @param sourceName how problems name the text
   * @throws SpecException with every problem found
   */
  public List<Rollout> parseSelfContained(String text, String sourceName) throws SpecException {
    return parseIn(text, sourceName, null);
  }

  private List<Rollout> parseIn(String text, String sourceName, Path baseDir) throws SpecException {
    Diagnostics d = new Diagnostics(sourceName);
    List<Rollout> rollouts = new ArrayList<>();
    int bytes = text.getBytes(StandardCharsets.UTF_8).length;
    if (bytes > MAX_BYTES) {
      throw fileProblem(sourceName, tooLarge(bytes));
    }
    LoadSettings settings = settings(sourceName);
    try {
      if (YamlGuard.check(text, settings, d)) {
        Map<String, Node> names = new HashMap<>();
        for (Node document : new Compose(settings).composeAllFromString(text)) {
          if (document instanceof ScalarNode s && s.getTag().equals(Tag.NULL)) {
            continue; // an empty document, e.g. after a trailing ---
          }
          Rollout r = bindDocument(document, baseDir, d);
          if (r != null) {
            Node earlier = names.putIfAbsent(r.name(), document);
            if (earlier != null) {
              d.add(
                  document,
                  "metadata.name",
                  "rollout '" + r.name() + "' appears twice in this file");
            }
            rollouts.add(r);
          }
        }
      }
    } catch (Diagnostics.Abort e) {
      // The reason is recorded; reading on would only repeat it.
    } catch (MarkedYamlEngineException e) {
      d.add(e.getProblemMark().or(e::getContextMark), "", syntaxMessage(e));
    } catch (YamlEngineException e) {
      d.add(1, 1, "", "YAML: " + e.getMessage());
    }
    if (!d.hasProblems() && rollouts.isEmpty()) {
      d.add(1, 1, "", "holds no Rollout (an empty file or only comments)");
    }
    if (d.hasProblems()) {
      throw new SpecException(d.sorted());
    }
    return rollouts;
  }

  private static Rollout bindDocument(Node document, Path baseDir, Diagnostics d) {
    try {
      return new RolloutBinder(d, baseDir).bind(document);
    } catch (Diagnostics.Abort e) {
      throw e;
    } catch (RuntimeException e) {
      // A defect in the binder must still come out as a located answer, not a stack trace.
      d.add(document, "", "internal error while reading this document: " + e);
      return null;
    }
  }

  /** The parser's words, with where the construct it was reading began. */
  private static String syntaxMessage(MarkedYamlEngineException e) {
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

  private static LoadSettings settings(String sourceName) {
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

  private static String tooLarge(long bytes) {
    return "is " + bytes + " bytes; a spec file may be at most 1 MiB";
  }

  private static SpecException fileProblem(String source, String message) {
    return new SpecException(List.of(new Problem(source, 1, 1, "", message)));
  }
}
