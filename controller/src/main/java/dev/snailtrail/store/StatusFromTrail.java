package dev.snailtrail.store;

import dev.snailtrail.rollout.RolloutStatus;
import dev.snailtrail.trail.EventType;
import dev.snailtrail.trail.TrailEvent;
import java.util.List;
import java.util.Map;

/**
 * The status of a rollout whose {@code status.json} is missing, from what its trail recorded: the
 * initial status, so the rollout starts again from its first phase, but with the baseline recorded
 * when it first began (the service has run its phases since, so what it runs now is no baseline)
 * and an event sequence past every stored event.
 */
final class StatusFromTrail {
  private StatusFromTrail() {}

  static RolloutStatus rebuild(List<TrailEvent> trail) {
    long last = trail.stream().mapToLong(TrailEvent::sequence).max().orElse(0);
    RolloutStatus.Builder b =
        RolloutStatus.initial().toBuilder()
            .eventSeq(last)
            .message("status.json was missing: rebuilt from the trail");
    trail.stream()
        .filter(e -> e.type() == EventType.RolloutStarted)
        .findFirst()
        .ifPresent(started -> baseline(b, started.data()));
    return b.build();
  }

  /**
   * The baseline a RolloutStarted event recorded: none when the rollout created the service. A
   * trail written before the count was recorded gives the task definition alone, and leaves the
   * count to the first pass.
   */
  private static void baseline(RolloutStatus.Builder b, Map<String, String> data) {
    String arn = data.get("baseline");
    Integer count = count(data.get("baselineDesiredCount"));
    b.baseline(arn);
    if (arn == null || count != null) {
      b.baselineDesiredCount(count == null ? 0 : count).baselineRecorded(true);
    }
  }

  private static Integer count(String recorded) {
    try {
      return recorded == null ? null : Integer.valueOf(recorded);
    } catch (NumberFormatException e) {
      return null; // not a count this controller wrote: the first pass takes the service's
    }
  }
}
