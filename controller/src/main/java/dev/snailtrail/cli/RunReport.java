package dev.snailtrail.cli;

import dev.snailtrail.provider.CallListener;
import dev.snailtrail.rollout.RolloutStatus;
import dev.snailtrail.run.AwsCallTally;
import dev.snailtrail.spec.Durations;
import dev.snailtrail.spec.Rollout;
import dev.snailtrail.trail.TrailEvent;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/** What {@code snailtrail run} prints once the rollout has settled or stopped. */
final class RunReport {
  private RunReport() {}

  /** The phase the rollout ended in, its message, stable phase and revisions. */
  static void summarize(
      PrintStream out, Rollout rollout, RolloutStatus s, List<TrailEvent> events) {
    out.println();
    out.println("Rollout " + rollout.name() + ": " + s.phase() + " (" + s.progress() + "%)");
    out.println("  " + s.message());
    out.println(
        "  stable phase: "
            + s.stablePhase().name()
            + ", phases: "
            + rollout.spec().phases().size()
            + ", trail events: "
            + events.size());
    for (var phase : rollout.spec().phases()) {
      String arn = s.revisions().get(phase.name());
      if (arn != null) {
        out.println("  revision " + phase.name() + ": " + arn);
      }
    }
  }

  /**
   * The run stopped at a phase nobody approved: say so, where the service stays, and how to go on.
   * A run keeps no state once it exits, so a new one starts from the first phase again.
   *
   * @param why why the phase was not approved, e.g. "alice answered no"
   */
  static void howToGoOn(PrintStream out, Rollout rollout, RolloutStatus s, String why) {
    String stays =
        s.stablePhase().isBaseline()
            ? "the service is as it was before the rollout"
            : "the service stays on phase " + s.stablePhase().name();
    out.println(
        "  phase " + s.currentPhase().name() + " awaits approval (" + why + "); " + stays + ".");
    out.println(
        "  To go on: run again on a terminal and answer y, or with --auto-approve to approve"
            + " without asking (a new run starts from the first phase again).");
    out.println(
        "  A rollout that waits for people is better run by `snailtrail controller`, where"
            + " `snailtrail approve "
            + rollout.name()
            + "` lets it go on.");
  }

  /** On the simulator: how much simulated time passed, in how much real time. */
  static void simulatedTime(PrintStream out, Instant simStart, Instant simEnd, long realStart) {
    out.println(
        "  simulated time "
            + Durations.format(Duration.ofSeconds(Duration.between(simStart, simEnd).toSeconds()))
            + " in "
            + seconds(realStart)
            + " s of real time");
  }

  /** On AWS: passes and requests, and with {@code table} the requests per phase. */
  static void awsRequests(PrintStream out, AwsCallTally tally, long realStart, boolean table) {
    out.println(
        "  "
            + seconds(realStart)
            + " s, "
            + tally.passes()
            + " passes, "
            + tally.total(CallListener.SUCCESS)
            + " AWS requests answered, "
            + tally.total(CallListener.THROTTLED)
            + " throttled, "
            + tally.total(CallListener.ERROR)
            + " failed");
    if (table) {
      out.println();
      out.println("AWS requests per phase (each attempt; retries included):");
      out.print(tally.table());
    }
  }

  private static String seconds(long realStartNanos) {
    return String.format(Locale.ROOT, "%.1f", (System.nanoTime() - realStartNanos) / 1e9);
  }
}
