package dev.snailtrail.doctor;

import java.util.ArrayList;
import java.util.List;

/**
 * Prints results as a checklist people read: one line per check, and for each ✗ (or !, or ?) what
 * was seen and the fix.
 */
public final class Checklist {
  private Checklist() {}

  /** The mark of a status: ✓ ✗ ! – ? (or [PASS] [FAIL] [WARN] [SKIP] [NOT CHECKED] when plain). */
  public static String mark(Status status, boolean plain) {
    return switch (status) {
      case PASS -> plain ? "[PASS]" : "✓";
      case FAIL -> plain ? "[FAIL]" : "✗";
      case WARN -> plain ? "[WARN]" : "!";
      case SKIPPED -> plain ? "[SKIP]" : "–";
      case UNCHECKED -> plain ? "[NOT CHECKED]" : "?";
    };
  }

  /** The one line of a result, e.g. {@code ✗ Ports match the target group: container api …}. */
  public static String line(CheckResult r, boolean plain) {
    return mark(r.status(), plain) + " " + r.check().label() + ": " + r.title();
  }

  /** Every line of the checklist, grouped by phase in the order given. */
  public static List<String> lines(List<CheckResult> results, boolean plain) {
    List<String> out = new ArrayList<>();
    String phase = null;
    for (CheckResult r : results) {
      if (!r.phase().equals(phase)) {
        phase = r.phase();
        out.add("Phase " + phase);
      }
      out.add("  " + line(r, plain));
      boolean explain =
          r.status() == Status.FAIL || r.status() == Status.WARN || r.status() == Status.UNCHECKED;
      if (explain && !r.seen().isEmpty()) {
        out.add("      seen: " + r.seen());
      }
      if (explain && !r.fix().isEmpty()) {
        out.add("      fix:  " + r.fix());
      }
    }
    return out;
  }

  /**
   * "8 checks: 6 passed, 1 failed, 0 warnings, 1 skipped", and ", 2 could not be checked" when some
   * could not.
   */
  public static String tally(List<CheckResult> results) {
    int[] n = new int[Status.values().length];
    results.forEach(r -> n[r.status().ordinal()]++);
    return results.size()
        + " checks: "
        + n[Status.PASS.ordinal()]
        + " passed, "
        + n[Status.FAIL.ordinal()]
        + " failed, "
        + n[Status.WARN.ordinal()]
        + (n[Status.WARN.ordinal()] == 1 ? " warning, " : " warnings, ")
        + n[Status.SKIPPED.ordinal()]
        + " skipped"
        + (n[Status.UNCHECKED.ordinal()] == 0
            ? ""
            : ", " + n[Status.UNCHECKED.ordinal()] + " could not be checked");
  }
}
