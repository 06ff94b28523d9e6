package dev.snailtrail.store;

import dev.snailtrail.trail.TrailEvent;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.LongFunction;

/**
 * Which of a pass's events a trail does not hold yet, for every store alike. A pass appends its
 * events before (or with) the status that counts them, so after a crash in between it runs again
 * and emits events under sequence numbers the trail already holds. An event that says the same as
 * one stored at or after the first of those numbers is the re-emitted one and is dropped; an event
 * that says something else (the pass decided differently, seeing the world after its first attempt)
 * is stored under the next free sequence number rather than lost.
 */
final class TrailDedup {
  private TrailDedup() {}

  /**
   * What to store.
   *
   * @param fresh the events to store, in order, with the ids to store them under
   * @param last the highest sequence number once they are stored
   */
  record Fresh(List<TrailEvent> fresh, long last) {}

  /**
   * The events of {@code events} to store.
   *
   * @param last the highest sequence number stored now
   * @param storedFrom the stored events from a sequence number on, oldest first; asked at most once
   */
  static Fresh of(List<TrailEvent> events, long last, LongFunction<List<TrailEvent>> storedFrom) {
    List<TrailEvent> fresh = new ArrayList<>();
    List<TrailEvent> unmatched = null; // stored events a re-emitted one may repeat; read on need
    for (TrailEvent e : events) {
      if (e.sequence() > last) {
        fresh.add(e);
        last = e.sequence();
        if (unmatched != null) {
          unmatched.add(e);
        }
        continue;
      }
      if (unmatched == null) {
        unmatched = new ArrayList<>(storedFrom.apply(firstSequence(events)));
        unmatched.addAll(fresh);
      }
      if (!removeSame(unmatched, e)) {
        TrailEvent moved = e.withSequence(++last);
        fresh.add(moved);
        unmatched.add(moved);
      }
    }
    return new Fresh(List.copyOf(fresh), last);
  }

  private static long firstSequence(List<TrailEvent> events) {
    return events.stream().mapToLong(TrailEvent::sequence).min().orElse(0);
  }

  /** Removes the first event that says the same as {@code e}; whether there was one. */
  private static boolean removeSame(List<TrailEvent> candidates, TrailEvent e) {
    for (Iterator<TrailEvent> it = candidates.iterator(); it.hasNext(); ) {
      if (it.next().sameAs(e)) {
        it.remove();
        return true;
      }
    }
    return false;
  }
}
