package dev.snailtrail.cli;

import java.util.List;

/** Plain-text tables in the kubectl style: left-aligned columns three spaces apart. */
final class Tables {
  private Tables() {}

  static String format(List<String[]> rows) {
    return format(rows, new int[0]);
  }

  /** As {@link #format(List)}, each column at least as wide as {@code minimum} says. */
  static String format(List<String[]> rows, int[] minimum) {
    int columns = rows.get(0).length;
    int[] width = java.util.Arrays.copyOf(minimum, columns);
    for (String[] row : rows) {
      for (int c = 0; c < columns; c++) {
        width[c] = Math.max(width[c], row[c].codePointCount(0, row[c].length()));
      }
    }
    StringBuilder b = new StringBuilder();
    for (String[] row : rows) {
      StringBuilder line = new StringBuilder();
      for (int c = 0; c < columns; c++) {
        line.append(row[c]);
        if (c < columns - 1) {
          line.append(" ".repeat(width[c] - row[c].codePointCount(0, row[c].length()) + 3));
        }
      }
      b.append(line.toString().stripTrailing()).append('\n');
    }
    return b.toString();
  }
}
