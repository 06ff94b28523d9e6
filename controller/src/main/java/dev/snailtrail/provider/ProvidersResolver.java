package dev.snailtrail.provider;

import dev.snailtrail.spec.Rollout;
import java.util.Objects;

/**
 * Which ports a rollout's calls go through. A rollout may name the identity it acts as (on AWS its
 * {@code target.roleArn}): every call a pass makes for it must go out as that identity, never as
 * another rollout's nor as the controller's own, or a rollout meant for one account acts on a
 * same-named service in another. The controller asks this once per pass and keeps the ports it
 * builds over the answer (batched reads, the reconciler) per distinct answer, so an implementation
 * returns the same {@link Providers} for rollouts that act alike. When no rollout acts through an
 * answer any more, the controller gives it back ({@link #released}).
 */
@FunctionalInterface
public interface ProvidersResolver {

  /** The ports the rollout's calls go through. */
  Providers forRollout(Rollout rollout);

  /**
   * The controller no longer uses {@code ports}, an answer of {@link #forRollout}: every rollout
   * that acted through them is deleted or now acts as another identity, and no pass, gate or check
   * is under way on them. A resolver that built them for those rollouts may close what they alone
   * hold (clients, connection pools, credentials it keeps refreshing), and must then answer a
   * rollout that acts alike later with ports built anew. Called once per answer the controller
   * stops using, never while it asks this resolver for ports. Default: nothing, for ports that live
   * as long as their provider (the simulator, a test's fakes).
   */
  default void released(Providers ports) {}

  /** The same ports for every rollout: one world (the simulator, a test's fakes). */
  static ProvidersResolver always(Providers providers) {
    Objects.requireNonNull(providers, "providers");
    return rollout -> providers;
  }
}
