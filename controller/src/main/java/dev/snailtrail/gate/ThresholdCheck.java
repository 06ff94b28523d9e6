package dev.snailtrail.gate;

import dev.snailtrail.spec.Threshold;
import java.math.BigDecimal;
import java.math.MathContext;

/** Where a measured number meets its threshold, for every gate that has one. */
final class ThresholdCheck {

  private ThresholdCheck() {}

  /**
   * Pass or Fail for a value that is there; callers turn "no value" into Inconclusive first, so NaN
   * here (which never meets a threshold) would be a caller's mistake and fails loudly.
   *
   * @param what what was measured, e.g. "AWS/ApplicationELB TargetResponseTime p95"
   */
  static Measurement judge(String what, double value, Threshold threshold) {
    String seen = what + " = " + format(value);
    if (threshold.test(value)) {
      return new Measurement.Pass(seen + ", within threshold " + threshold);
    }
    return new Measurement.Fail(seen + ", breaks threshold " + threshold);
  }

  /** Four significant digits, no exponent for everyday magnitudes: 0.1532, 1234, 0.0012. */
  static String format(double value) {
    if (Double.isNaN(value) || Double.isInfinite(value)) {
      return Double.toString(value);
    }
    BigDecimal d = new BigDecimal(value).round(new MathContext(4)).stripTrailingZeros();
    return d.scale() < 0 && d.precision() - d.scale() <= 15 ? d.toPlainString() : d.toString();
  }
}
