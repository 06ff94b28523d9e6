package dev.snailtrail.cli;

import dev.snailtrail.rollout.TrafficStatus;
import dev.snailtrail.rollout.TrafficStatus.EcsShift;
import dev.snailtrail.store.Store;
import dev.snailtrail.store.StoreDamaged;
import java.util.Optional;
import java.util.function.Function;

/** The verdicts a simulated lifecycle hook reads, from the store as the Lambda function does. */
final class StoredVerdicts {
  private StoredVerdicts() {}

  /** A rollout's verdict ({@code status.traffic.ecs}) as last stored; empty when none. */
  static Function<String, Optional<EcsShift>> of(Store store) {
    return name -> {
      try {
        return store.get(name).map(r -> r.status().traffic()).map(TrafficStatus::ecs);
      } catch (StoreDamaged e) {
        return Optional.empty(); // an unreadable store is no verdict, as for the Lambda function
      }
    };
  }
}
