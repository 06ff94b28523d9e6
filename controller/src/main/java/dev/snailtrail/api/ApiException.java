package dev.snailtrail.api;

import dev.snailtrail.spec.load.Problem;
import java.io.Serial;
import java.util.List;

/** The controller answered a request with an error: its status code, message and any problems. */
public final class ApiException extends RuntimeException {
  @Serial private static final long serialVersionUID = 1L;

  private final int status;
  private final transient List<Problem> problems;

  public ApiException(int status, String message, List<Problem> problems) {
    super(message);
    this.status = status;
    this.problems = List.copyOf(problems);
  }

  /** The HTTP status code, e.g. 404 or 409. */
  public int status() {
    return status;
  }

  /** Located problems of a refused spec; empty for other errors. */
  public List<Problem> problems() {
    return problems;
  }
}
