package dev.snailtrail.provider;

import dev.snailtrail.spec.Rollout;
import java.util.Objects;

/**
 * Which ports a rollout's calls go through. A rollout may name the identity it acts as (on AWS its
 * {@code target.roleArn}): every call a pass makes for it must go out as that identity, never as
 * another rollout's nor as the controller's own, or a rollout meant for one account acts on a
 * same-named service in another. The controller asks this once per pass and keeps the ports it
 * builds over the answer (batched reads, the reconciler) per distinct answer, so an implementation
 * returns the same {@link Providers} for rollouts that act alike.
 */
@FunctionalInterface
public interface ProvidersResolver {

  /** The ports the rollout's calls go through. */
  Providers forRollout(Rollout rollout);

  /** The same ports for every rollout: one world (the simulator, a test's fakes). */
  static ProvidersResolver always(Providers providers) {
    Objects.requireNonNull(providers, "providers");
    return rollout -> providers;
  }
}
