package dev.snailtrail.spec.load;

import java.io.Serial;
import java.util.List;
import java.util.stream.Collectors;

/** A spec that cannot be used, with every problem found in it; nothing of it was applied. */
public final class SpecException extends Exception {
  @Serial private static final long serialVersionUID = 1L;

  private final transient List<Problem> problems;

  public SpecException(List<Problem> problems) {
    super(problems.stream().map(Problem::format).collect(Collectors.joining("\n")));
    if (problems.isEmpty()) {
      throw new IllegalArgumentException("a SpecException needs at least one problem");
    }
    this.problems = List.copyOf(problems);
  }

  /** The problems in the order they appear in the file. */
  public List<Problem> problems() {
    return problems;
  }
}
