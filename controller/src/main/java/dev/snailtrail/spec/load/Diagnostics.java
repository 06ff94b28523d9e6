package dev.snailtrail.spec.load;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.nodes.Node;

/**
 * Problems found while reading one file, and the budget that keeps a hostile file (alias bombs,
 * endless lists) from making the loader do unbounded work.
 */
final class Diagnostics {
  /** Nodes the binder may visit in one file, counting every alias expansion. */
  static final int MAX_NODES = 100_000;

  /** Past this many problems the rest are noise; the loader stops and says so. */
  static final int MAX_PROBLEMS = 200;

  private final String source;
  private final List<Problem> problems = new ArrayList<>();
  private final Diagnostics budget;
  private int nodesVisited;

  Diagnostics(String source) {
    this.source = source;
    this.budget = null;
  }

  /**
   * Problems of {@code source} found on behalf of another text, whose node budget they spend: the
   * gates of an AnalysisTemplate filled in for a rollout's use of it, problems located in the
   * template.
   */
  Diagnostics(String source, Diagnostics budget) {
    this.source = source;
    this.budget = budget;
  }

  String source() {
    return source;
  }

  /** Records a problem at the start of {@code node}. */
  void add(Node node, String path, String message) {
    add(node == null ? Optional.empty() : node.getStartMark(), path, message);
  }

  void add(Optional<Mark> mark, String path, String message) {
    int line = mark.map(m -> m.getLine() + 1).orElse(1);
    int column = mark.map(m -> m.getColumn() + 1).orElse(1);
    add(line, column, path, message);
  }

  void add(int line, int column, String path, String message) {
    add(new Problem(source, line, column, path, message));
  }

  /** Records a problem found elsewhere (in a use of a template) as one of this text's. */
  void add(Problem problem) {
    problems.add(problem);
    if (problems.size() >= MAX_PROBLEMS) {
      int line = problem.line();
      int column = problem.column();
      problems.add(
          new Problem(
              source,
              line,
              column,
              "",
              "too many problems; stopped after " + MAX_PROBLEMS + " (fix these and run again)"));
      throw new Abort();
    }
  }

  /** Counts one visited node; stops the whole file when the budget is spent. */
  void visit(Node node, String path) {
    if (budget != null) {
      budget.visit(node, path);
      return;
    }
    nodesVisited++;
    if (nodesVisited > MAX_NODES) {
      problems.add(
          locate(
              node,
              path,
              "the document expands to more than "
                  + MAX_NODES
                  + " values (are YAML aliases repeating a large block?); refusing to read further"));
      throw new Abort();
    }
  }

  private Problem locate(Node node, String path, String message) {
    Optional<Mark> mark = node == null ? Optional.empty() : node.getStartMark();
    return new Problem(
        source,
        mark.map(m -> m.getLine() + 1).orElse(1),
        mark.map(m -> m.getColumn() + 1).orElse(1),
        path,
        message);
  }

  boolean hasProblems() {
    return !problems.isEmpty();
  }

  int count() {
    return problems.size();
  }

  /** The problems in the order they were found. */
  List<Problem> problems() {
    return List.copyOf(problems);
  }

  /** The problems by position in the file (cross-field checks run late but read in order). */
  List<Problem> sorted() {
    List<Problem> sorted = new ArrayList<>(problems);
    sorted.sort(Comparator.comparingInt(Problem::line).thenComparingInt(Problem::column));
    return sorted;
  }

  /** Thrown when reading further would be pointless or unsafe; the problem is already recorded. */
  static final class Abort extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Abort() {
      super(null, null, false, false);
    }
  }
}
