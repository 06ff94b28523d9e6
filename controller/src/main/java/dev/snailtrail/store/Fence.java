package dev.snailtrail.store;

/**
 * What a write of a rollout is conditional on: that {@code holder} still holds the rollout's lease
 * with this fencing token. A replica that lost the lease (another took it over, and the token grew)
 * has its writes refused with {@link LeaseLost}, however late they arrive.
 *
 * @param holder the replica that holds the lease
 * @param token the lease's fencing token when it was taken; it only grows
 */
public record Fence(String holder, long token) {

  /**
   * No condition: the writes of a store with one controller, and of a person's verb, which is
   * guarded by the rollout's resourceVersion alone.
   */
  public static final Fence NONE = new Fence(null, 0);

  /** Whether this fence conditions anything. */
  public boolean fences() {
    return holder != null;
  }

  @Override
  public String toString() {
    return fences() ? holder + "#" + token : "unfenced";
  }
}
