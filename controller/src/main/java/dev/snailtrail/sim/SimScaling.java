package dev.snailtrail.sim;

import dev.snailtrail.provider.Scaling;
import dev.snailtrail.provider.ServiceRef;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** Application Auto Scaling targets of the simulated services. */
final class SimScaling {
  private final Map<ServiceRef, Scaling.Range> targets = new LinkedHashMap<>();

  void set(ServiceRef ref, Integer min, Integer max) {
    if (min == null || max == null) {
      targets.remove(ref);
    } else {
      targets.put(ref, new Scaling.Range(min, max));
    }
  }

  Optional<Scaling.Range> get(ServiceRef service) {
    return Optional.ofNullable(targets.get(service));
  }
}
