package dev.snailtrail.spec;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A comparison a measured value must meet, written {@code "< 0.2"} or {@code ">= 99.5"}.
 *
 * @param op the comparison
 * @param value the number compared against
 */
public record Threshold(Op op, double value) {

  private static final Pattern FORM =
      Pattern.compile(
          "\\s*(<=|>=|==|!=|<|>)\\s*([-+]?(?:\\d+\\.?\\d*|\\.\\d+)(?:[eE][-+]?\\d+)?)\\s*");

  /** Comparison operators. */
  public enum Op {
    LT("<"),
    LE("<="),
    GT(">"),
    GE(">="),
    EQ("=="),
    NE("!=");

    private final String symbol;

    Op(String symbol) {
      this.symbol = symbol;
    }

    public String symbol() {
      return symbol;
    }
  }

  /**
   * Parses {@code "< 0.2"}.
   *
   * @throws IllegalArgumentException saying what form is expected
   */
  public static Threshold parse(String text) {
    Matcher m = FORM.matcher(text);
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "'"
              + text
              + "' is not a threshold; write an operator and a number, e.g. \"< 0.2\" or \">= 99.5\"");
    }
    Op op =
        switch (m.group(1)) {
          case "<" -> Op.LT;
          case "<=" -> Op.LE;
          case ">" -> Op.GT;
          case ">=" -> Op.GE;
          case "==" -> Op.EQ;
          default -> Op.NE;
        };
    return new Threshold(op, Double.parseDouble(m.group(2)));
  }

  /** Whether {@code measured} meets this threshold; NaN never does. */
  public boolean test(double measured) {
    if (Double.isNaN(measured)) {
      return false;
    }
    return switch (op) {
      case LT -> measured < value;
      case LE -> measured <= value;
      case GT -> measured > value;
      case GE -> measured >= value;
      case EQ -> measured == value;
      case NE -> measured != value;
    };
  }

  @Override
  public String toString() {
    String number =
        value == Math.rint(value) && Math.abs(value) < 1e15
            ? String.format(Locale.ROOT, "%d", (long) value)
            : Double.toString(value);
    return op.symbol() + " " + number;
  }
}
