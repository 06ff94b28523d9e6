package dev.snailtrail.trail;

import static org.assertj.core.api.Assertions.assertThat;

import dev.snailtrail.rollout.Reason;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The sections of the progress log on trails written by hand: how each kind of challenge is
 * resolved, what the rollback log says of a rollback a new spec moved past, and what an empty
 * section tells people to do.
 */
class ProgressLogTest {
  private static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");

  /** A trail built one event a minute. */
  private static final class Trail {
    final List<TrailEvent> events = new ArrayList<>();

    Trail add(String phase, EventType type, Reason reason, String message, String... data) {
      Map<String, String> d = new java.util.HashMap<>();
      for (int i = 0; i + 1 < data.length; i += 2) {
        d.put(data[i], data[i + 1]);
      }
      int seq = events.size() + 1;
      long gen = type == EventType.SpecChanged || !events.isEmpty() && gen() == 2 ? 2 : 1;
      events.add(
          new TrailEvent(
              "web/" + gen + "/" + seq,
              T0.plusSeconds(60L * seq),
              "web",
              gen,
              phase,
              type,
              Severity.Normal,
              reason,
              message,
              d));
      return this;
    }

    private long gen() {
      return events.get(events.size() - 1).generation();
    }

    String render() {
      return ProgressLog.render(null, null, events, true);
    }
  }

  @Test
  void aFailedPreflightIsResolvedByTheResumeAndThePhaseCompletingAfterIt() {
    String md =
        new Trail()
            .add("one", EventType.PhaseStarted, Reason.PhaseReady, "Phase 1/1 one started")
            .add("one", EventType.PreflightFailed, Reason.PreflightFailed, "port 8080 is not 5000")
            .add("one", EventType.Paused, Reason.PreflightFailed, "Paused before one")
            .add("one", EventType.Resumed, Reason.ManualResume, "Resumed by alice")
            .add("one", EventType.PhaseCompleted, Reason.BakeComplete, "One done!")
            .render();

    assertThat(md)
        .contains("1. **one** ([NOV 23] - [10:02]): port 8080 is not 5000  \n")
        .contains(
            "**Resolution:** resumed by alice at [NOV 23] - [10:04]; one completed at [NOV 23] -"
                + " [10:05]")
        .contains(
            "**Status:** [x] complete · **Started:** [NOV 23] - [10:01] · **Completed:** [NOV 23]"
                + " - [10:05] · **Duration:** 4m  \n")
        .contains("## Rollback log\n\nNo rollbacks.");
  }

  @Test
  void anAbortIsAChallengeOfItsOwnAndANewSpecIsItsRetry() {
    String md =
        new Trail()
            .add("one", EventType.PhaseStarted, Reason.PhaseReady, "Phase 1/1 one started")
            .add("one", EventType.Aborted, Reason.ManualAbort, "Aborted by bob")
            .add(
                "one",
                EventType.RollbackStarted,
                Reason.ManualAbort,
                "Rolling back from one to baseline: aborted by bob",
                "from",
                "one",
                "to",
                "baseline",
                "reason",
                "ManualAbort")
            .add("one", EventType.ServiceUpdated, Reason.ServiceUpdated, "Service rolled back")
            .add(
                "one",
                EventType.RollbackCompleted,
                Reason.RollbackComplete,
                "Rolled back",
                "to",
                "baseline",
                "revision",
                "web:7")
            .add(null, EventType.SpecChanged, Reason.SpecChanged, "Spec generation 2 changes one")
            .add("one", EventType.PhaseStarted, Reason.PhaseReady, "Phase 1/1 one started")
            .add("one", EventType.PhaseCompleted, Reason.BakeComplete, "One done!")
            .render();

    assertThat(md)
        .contains(
            "1. **one** ([NOV 23] - [10:03]): Rolling back from one to baseline: aborted by bob")
        .contains(
            "**Resolution:** rolled back from one to baseline ([NOV 23] - [10:03]); back on"
                + " baseline at [NOV 23] - [10:05]; spec generation 2 applied at [NOV 23] -"
                + " [10:06]; one completed at [NOV 23] - [10:08]")
        .contains("### 1. one → baseline\n")
        .contains("- **Reason:** aborted by bob\n")
        .contains("- **Action:** Service rolled back\n")
        .contains(
            "- **Resolution:** back on baseline (web:7) at [NOV 23] - [10:05]; Degraded until a"
                + " retry or a new spec\n")
        .contains(
            "- **Retry date:** [NOV 23] - [10:06], spec generation 2 applied: one completed at"
                + " [NOV 23] - [10:08]\n")
        .contains("· **Attempts:** 2");
  }

  @Test
  void aChallengeNobodyAnsweredSaysSoAndEmptySectionsSayHowToFillThem() {
    String md =
        new Trail()
            .add("one", EventType.PhaseStarted, Reason.PhaseReady, "Phase 1/1 one started")
            .add(
                "one",
                EventType.Note,
                Reason.ManualNote,
                "Challenge by carol: the dashboard lags",
                "kind",
                "challenge",
                "by",
                "carol",
                "text",
                "the dashboard lags")
            .render();

    assertThat(md)
        .contains("1. **one** ([NOV 23] - [10:02]): the dashboard lags — noted by carol  \n")
        .contains("**Resolution:** none yet")
        .contains("**Status:** [~] in progress · **Started:** [NOV 23] - [10:01]  \n")
        .contains("## Lessons learned\n\nNone noted: `snailtrail note web \"...\" --kind lesson`")
        .contains(
            "## Key decisions log\n\nNone noted: `snailtrail note web \"...\" --kind decision`")
        .contains("[NOTE] Challenge by carol: the dashboard lags");
  }
}
