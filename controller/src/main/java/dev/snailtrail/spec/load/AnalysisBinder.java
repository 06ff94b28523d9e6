package dev.snailtrail.spec.load;

import dev.snailtrail.spec.Analysis;
import dev.snailtrail.spec.Durations;
import java.time.Duration;
import java.util.Set;

/** Reads {@code analysis:} blocks, merging what they give over the rules they inherit. */
final class AnalysisBinder {
  static final Set<String> KEYS =
      Set.of("interval", "count", "failureLimit", "inconclusiveLimit", "consecutiveErrorLimit");

  private AnalysisBinder() {}

  /**
   * The rules in {@code value} over {@code base}; {@code base} itself when the block is absent.
   * Values that are out of range are reported and the inherited value kept.
   */
  static Analysis bind(Value value, Analysis base) {
    if (value == null) {
      return base;
    }
    Fields f = value.fields(KEYS);
    if (f == null) {
      return base;
    }
    Analysis a = base;
    Value interval = f.get("interval");
    Duration d = interval == null ? null : interval.duration();
    if (d != null) {
      if (d.isZero() || d.isNegative()) {
        interval.problem("interval must be longer than 0");
      } else {
        a = a.withInterval(d);
      }
    }
    Integer count = f.integer("count");
    if (count != null) {
      if (count < 1) {
        f.problem("count", "count must be at least 1: a gate has to pass at least once");
      } else {
        a = a.withCount(count);
      }
    }
    Integer failures = nonNegative(f, "failureLimit");
    if (failures != null) {
      a = a.withFailureLimit(failures);
    }
    Integer inconclusive = nonNegative(f, "inconclusiveLimit");
    if (inconclusive != null) {
      a = a.withInconclusiveLimit(inconclusive);
    }
    Integer errors = nonNegative(f, "consecutiveErrorLimit");
    if (errors != null) {
      a = a.withConsecutiveErrorLimit(errors);
    }
    return a;
  }

  private static Integer nonNegative(Fields f, String key) {
    Integer n = f.integer(key);
    if (n != null && n < 0) {
      f.problem(key, key + " cannot be negative (0 tolerates none)");
      return null;
    }
    return n;
  }

  /**
   * Reports rules that can never pass within the progress deadline, at {@code where} (the analysis
   * block that set them).
   */
  static void checkDeadline(Analysis a, Duration deadline, Value where) {
    if (deadline != null && a.minimumTimeToPass().compareTo(deadline) > 0) {
      where.problem(
          "count "
              + a.count()
              + " at interval "
              + Durations.format(a.interval())
              + " needs at least "
              + Durations.format(a.minimumTimeToPass())
              + " to pass, longer than progressDeadline "
              + Durations.format(deadline)
              + "; lower count or interval, or raise progressDeadline");
    }
  }
}
