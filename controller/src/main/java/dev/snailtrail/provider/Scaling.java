package dev.snailtrail.provider;

import java.util.Optional;

/**
 * Application Auto Scaling, as far as a rollout must respect it: when a service's desired count is
 * a scalable target, its min and max are the owner's word on how many tasks it may run.
 */
public interface Scaling {

  /** The service's scalable target, or empty when its count is not scaled automatically. */
  Optional<Range> scalableTarget(ServiceRef service);

  /** A service without automatic scaling anywhere. */
  Scaling NONE = service -> Optional.empty();

  /** The bounds a scalable target puts on the desired count. */
  record Range(int min, int max) {
    public Range {
      if (min < 0 || max < min) {
        throw new IllegalArgumentException("a scalable target needs 0 <= min <= max: " + this);
      }
    }

    /** {@code n} moved inside the bounds. */
    public int clamp(int n) {
      return Math.max(min, Math.min(max, n));
    }

    public boolean contains(int n) {
      return n >= min && n <= max;
    }
  }
}
