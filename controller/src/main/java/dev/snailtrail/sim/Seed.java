package dev.snailtrail.sim;

/**
 * Options of {@link Simulator#seed}.
 *
 * @param existingServiceImageTag when not null, the service already exists, steady, running
 *     revision 1 of the template's family with the first phase's image at this tag (the baseline a
 *     rollback returns to); when null the service does not exist yet
 * @param desiredCount tasks of the existing service (0: the first phase's count, at least 1)
 */
public record Seed(String existingServiceImageTag, int desiredCount) {

  /** A world with everything the spec needs except the service. */
  public static Seed defaults() {
    return new Seed(null, 0);
  }

  /** A world whose service already runs the baseline image tag. */
  public static Seed existingService(String baselineImageTag) {
    return new Seed(baselineImageTag, 0);
  }

  public Seed withDesiredCount(int count) {
    return new Seed(existingServiceImageTag, count);
  }
}
