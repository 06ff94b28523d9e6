package dev.snailtrail.controller;

import dev.snailtrail.time.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.PriorityQueue;

/** A scheduler on a manual clock: tasks run only when a test calls {@link #runDue}. */
final class ManualScheduler implements Scheduler {
  private final MutableClock clock;
  private final PriorityQueue<Task> tasks =
      new PriorityQueue<>(
          (a, b) -> a.at.equals(b.at) ? Long.compare(a.seq, b.seq) : a.at.compareTo(b.at));
  private long seq;

  /** Rounds of due tasks one {@link #runDue} runs before it calls it a loop. */
  private static final int MAX_ROUNDS = 10_000;

  private static final class Task {
    final Instant at;
    final long seq;
    final Runnable run;
    volatile boolean cancelled;

    Task(Instant at, long seq, Runnable run) {
      this.at = at;
      this.seq = seq;
      this.run = run;
    }
  }

  ManualScheduler(MutableClock clock) {
    this.clock = clock;
  }

  @Override
  public synchronized Runnable schedule(Duration delay, Runnable run) {
    Task t = new Task(clock.instant().plus(delay), seq++, run);
    tasks.add(t);
    return () -> t.cancelled = true;
  }

  /**
   * Runs every task due at the clock's time (and tasks those schedule that are due too).
   *
   * @throws IllegalStateException when tasks keep scheduling tasks due now, which would never end
   */
  int runDue() {
    int ran = 0;
    for (int round = 0; ; round++) {
      if (round == MAX_ROUNDS) {
        throw new IllegalStateException(
            "tasks due at "
                + clock.instant()
                + " kept scheduling tasks due then for "
                + MAX_ROUNDS
                + " rounds ("
                + ran
                + " run)");
      }
      List<Task> due = new ArrayList<>();
      synchronized (this) {
        while (!tasks.isEmpty() && !tasks.peek().at.isAfter(clock.instant())) {
          due.add(tasks.poll());
        }
      }
      if (due.isEmpty()) {
        return ran;
      }
      for (Task t : due) {
        if (!t.cancelled) {
          t.run.run();
          ran++;
        }
      }
    }
  }

  /** When the next task that is not cancelled is due. */
  synchronized Optional<Instant> nextDue() {
    tasks.removeIf(t -> t.cancelled);
    return tasks.isEmpty() ? Optional.empty() : Optional.of(tasks.peek().at);
  }

  synchronized int pending() {
    tasks.removeIf(t -> t.cancelled);
    return tasks.size();
  }
}
