package dev.snailtrail.provider.decorate;

import dev.snailtrail.spec.Gate;
import dev.snailtrail.spec.Phase;
import dev.snailtrail.spec.Rollout;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;

/**
 * The CloudWatch alarms the controller's rollouts gate on, by rollout: which rollouts an alarm's
 * state change wakes, and which alarms of a region {@link AlarmBatchingCloudWatch} describes
 * together. The controller keeps it up to date as rollouts are applied, found and deleted (and
 * tells it again after every pass, which changes nothing when nothing changed). Thread-safe.
 *
 * <p>Every alarm read of every pass asks for the region's alarms, so they are kept as an index that
 * a change of one rollout updates by that rollout's names ({@link #in} is a lookup, not a pass over
 * every rollout: with thousands of rollouts that pass cost more than everything else a pass did).
 */
public final class ManagedAlarms {

  private record Watched(String region, Set<String> names) {}

  private final Map<String, Watched> byRollout = new HashMap<>();

  /** Per region, how many rollouts watch each alarm. */
  private final Map<String, Map<String, Integer>> watching = new HashMap<>();

  /** Per region, the watched alarms, sorted; readers iterate it while rollouts come and go. */
  private final Map<String, NavigableSet<String>> sorted = new ConcurrentHashMap<>();

  /** Per alarm name (any region), the rollouts that watch it. */
  private final Map<String, Set<String>> watchers = new HashMap<>();

  /** The rollout gates on these alarms of {@code region} (replacing what it watched before). */
  public synchronized void manage(String rollout, String region, Set<String> names) {
    Watched now = names.isEmpty() ? null : new Watched(region, Set.copyOf(names));
    Watched before = now == null ? byRollout.remove(rollout) : byRollout.put(rollout, now);
    if (Objects.equals(before, now)) {
      return;
    }
    if (before != null) {
      unwatch(rollout, before);
    }
    if (now != null) {
      watch(rollout, now);
    }
  }

  private void watch(String rollout, Watched w) {
    Map<String, Integer> counts = watching.computeIfAbsent(w.region(), r -> new HashMap<>());
    NavigableSet<String> names =
        sorted.computeIfAbsent(w.region(), r -> new ConcurrentSkipListSet<>());
    for (String name : w.names()) {
      if (counts.merge(name, 1, Integer::sum) == 1) {
        names.add(name);
      }
      watchers.computeIfAbsent(name, n -> new HashSet<>()).add(rollout);
    }
  }

  private void unwatch(String rollout, Watched w) {
    Map<String, Integer> counts = watching.getOrDefault(w.region(), Map.of());
    for (String name : w.names()) {
      if (counts.merge(name, -1, Integer::sum) == 0) {
        counts.remove(name);
        sorted.get(w.region()).remove(name);
      }
      Set<String> rollouts = watchers.get(name);
      if (rollouts != null && rollouts.remove(rollout) && rollouts.isEmpty()) {
        watchers.remove(name);
      }
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
  public synchronized void forget(String rollout) {
    Watched before = byRollout.remove(rollout);
    if (before != null) {
      unwatch(rollout, before);
    }
  }

  /**
   * The rollouts that gate on an alarm of this name, in any region: alarm names are unique only per
   * region, but a rollout woken by another region's alarm of the same name merely looks once more.
   */
  public synchronized Set<String> rolloutsOf(String alarm) {
    return new TreeSet<>(watchers.getOrDefault(alarm, Set.of()));
  }

  /**
   * The names of every managed alarm of a region, sorted (batches stay the same between looks): a
   * view that follows the rollouts as they come and go.
   */
  public Set<String> in(String region) {
    return Collections.unmodifiableNavigableSet(
        sorted.computeIfAbsent(region, r -> new ConcurrentSkipListSet<>()));
  }
}
