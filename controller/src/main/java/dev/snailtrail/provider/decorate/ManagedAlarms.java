package dev.snailtrail.provider.decorate;

import dev.snailtrail.spec.Gate;
import dev.snailtrail.spec.Phase;
import dev.snailtrail.spec.Rollout;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The CloudWatch alarms the controller's rollouts gate on, by rollout: which rollouts an alarm's
 * state change wakes, and which alarms of a region {@link AlarmBatchingCloudWatch} describes
 * together. The controller keeps it up to date as rollouts are applied, found and deleted.
 * Thread-safe.
 */
public final class ManagedAlarms {

  private record Watched(String region, Set<String> names) {}

  private final Map<String, Watched> byRollout = new ConcurrentHashMap<>();

  /** The rollout gates on these alarms of {@code region} (replacing what it watched before). */
  public void manage(String rollout, String region, Set<String> names) {
    if (names.isEmpty()) {
      byRollout.remove(rollout);
    } else {
      byRollout.put(rollout, new Watched(region, Set.copyOf(names)));
    }
  }

  /** Every alarm a gate of any phase of the rollout names: those whose changes concern it. */
  public static Set<String> namesIn(Rollout rollout) {
    Set<String> names = new TreeSet<>();
    for (Phase phase : rollout.spec().phases()) {
      for (Gate gate : phase.gates()) {
        if (gate instanceof Gate.CloudWatchAlarm a) {
          names.addAll(a.names());
        }
      }
    }
    return names;
  }

  /** The rollout is gone. */
  public void forget(String rollout) {
    byRollout.remove(rollout);
  }

  /**
   * The rollouts that gate on an alarm of this name, in any region: alarm names are unique only per
   * region, but a rollout woken by another region's alarm of the same name merely looks once more.
   */
  public Set<String> rolloutsOf(String alarm) {
    Set<String> rollouts = new TreeSet<>();
    byRollout.forEach(
        (rollout, w) -> {
          if (w.names().contains(alarm)) {
            rollouts.add(rollout);
          }
        });
    return rollouts;
  }

  /** The names of every managed alarm of a region, sorted (batches stay the same between looks). */
  public Set<String> in(String region) {
    Set<String> names = new TreeSet<>();
    byRollout.values().stream()
        .filter(w -> w.region().equals(region))
        .forEach(w -> names.addAll(w.names()));
    return names;
  }
}
