package dev.snailtrail.doctor;

/** One preflight check. Provider errors propagate; {@link Preflight} turns them into results. */
interface PreflightCheck {

  Check id();

  /**
   * Whether the answer can differ between phases (their images, gates and rollback targets do; the
   * service, ports and network do not). {@link Preflight#checkAll} runs the others once.
   */
  boolean perPhase();

  CheckResult run(Inspection in);

  /** Whether the check concerns this rollout at all (left out of its list when not). */
  default boolean appliesTo(dev.snailtrail.spec.Rollout rollout) {
    return true;
  }
}
