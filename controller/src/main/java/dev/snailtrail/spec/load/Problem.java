package dev.snailtrail.spec.load;

/**
 * One thing wrong with a spec file, located where a person would fix it.
 *
 * @param source the file name as given (or another name for text that came from elsewhere)
 * @param line 1-based line
 * @param column 1-based column
 * @param path the field path, e.g. {@code spec.phases[1].gates[0].http.expect.status}; empty for
 *     problems of the file as a whole
 * @param message what is wrong and, where it helps, what to write instead
 */
public record Problem(String source, int line, int column, String path, String message) {

  /** {@code file:line:col: field.path: message}, the form compilers and editors understand. */
  public String format() {
    String where = source + ":" + line + ":" + column + ": ";
    return path.isEmpty() ? where + message : where + path + ": " + message;
  }

  @Override
  public String toString() {
    return format();
  }
}
