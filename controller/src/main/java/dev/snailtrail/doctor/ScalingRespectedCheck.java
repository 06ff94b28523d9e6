package dev.snailtrail.doctor;

import dev.snailtrail.provider.Scaling;
import dev.snailtrail.spec.Phase;
import java.util.Optional;

/**
 * A service whose desired count is an Application Auto Scaling target: the controller keeps a
 * phase's count inside the target's min and max, and leaves the count to the scaling policy after.
 */
final class ScalingRespectedCheck implements PreflightCheck {

  @Override
  public Check id() {
    return Check.ScalingRespected;
  }

  @Override
  public boolean perPhase() {
    return true;
  }

  @Override
  public CheckResult run(Inspection in) {
    Optional<Scaling.Range> range = in.facts.scalableTarget();
    Phase phase = in.phase();
    if (range.isEmpty()) {
      return in.pass(id(), "no Application Auto Scaling target on the service", "");
    }
    Scaling.Range r = range.get();
    String bounds = "min " + r.min() + ", max " + r.max();
    if (!phase.setsDesiredCount()) {
      return in.pass(
          id(), "the phase keeps the service's count; auto scaling (" + bounds + ") owns it", "");
    }
    int wanted = phase.desiredCount();
    if (r.contains(wanted)) {
      return in.pass(
          id(),
          "desiredCount " + wanted + " is inside the auto scaling range (" + bounds + ")",
          "");
    }
    return in.warn(
        id(),
        "desiredCount "
            + wanted
            + " is outside the auto scaling range ("
            + bounds
            + "): the controller will ask for "
            + r.clamp(wanted),
        "the service's desired count is an Application Auto Scaling target",
        "Leave desiredCount out of the phase (the service keeps its count), or change the"
            + " scalable target's min and max if the phase really needs "
            + wanted
            + " tasks.");
  }
}
