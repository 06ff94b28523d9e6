package dev.snailtrail.doctor;

/**
 * The verdict of one check for one phase.
 *
 * @param check which check
 * @param phase the phase it was made for
 * @param status PASS, FAIL, WARN, SKIPPED or UNCHECKED
 * @param title one line saying what was found, e.g. "container api listens on 8080 but target group
 *     shine-api forwards to 5000"
 * @param seen what was looked at, in more detail (may be empty)
 * @param fix a sentence a person can act on (empty unless FAIL, WARN or UNCHECKED)
 */
public record CheckResult(
    Check check, String phase, Status status, String title, String seen, String fix) {
  public CheckResult {
    seen = seen == null ? "" : seen;
    fix = fix == null ? "" : fix;
  }

  /** Whether the check found a blocker. */
  public boolean failed() {
    return status == Status.FAIL;
  }
}
