package dev.snailtrail.rollout;

/**
 * A phase by position and name. Index -1 is the baseline: what the service ran before the rollout.
 */
public record PhaseRef(int index, String name) {
  public static final PhaseRef BASELINE = new PhaseRef(-1, "baseline");

  public boolean isBaseline() {
    return index < 0;
  }
}
