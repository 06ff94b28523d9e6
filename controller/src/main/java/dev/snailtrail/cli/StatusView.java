package dev.snailtrail.cli;

import dev.snailtrail.api.Resources;
import dev.snailtrail.rollout.GateStatus;
import dev.snailtrail.rollout.PhaseRef;
import dev.snailtrail.rollout.RolloutStatus;
import dev.snailtrail.rollout.StatusPhase;
import dev.snailtrail.trail.ConsoleTrailSink;
import dev.snailtrail.trail.TrailEvent;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * The block {@code snailtrail status} prints: the phases as a trail (✓ done, ▶ current, · pending,
 * ✗ failed), the current phase's gates, a progress bar and the last events.
 */
final class StatusView {
  private static final int BAR = 30;

  private StatusView() {}

  /**
   * @param wide every gate tally (inconclusive, errors in a row) and when it was last measured
   */
  static String render(Resources.Detail d, List<TrailEvent> lastEvents, boolean wide) {
    RolloutStatus s = d.status();
    StringBuilder b = new StringBuilder();
    b.append("rollout/")
        .append(d.name())
        .append("   ")
        .append(s.storeDamaged() ? "StoreDamaged" : s.phase())
        .append(" · ")
        .append(s.step())
        .append("   generation ")
        .append(d.generation());
    if (s.observedGeneration() != d.generation()) {
      b.append(" (controller has seen ").append(s.observedGeneration()).append(')');
    }
    b.append('\n');
    b.append("Progress [")
        .append(bar(s.progress()))
        .append("] ")
        .append(s.progress())
        .append("%\n");
    if (s.message() != null && !s.message().isEmpty()) {
      b.append("  ").append(s.message()).append('\n');
    }
    traffic(b, s);
    for (var c : s.warnings()) {
      b.append("  ⚠ ")
          .append(c.type())
          .append(" since ")
          .append(c.lastTransitionTime())
          .append(": ")
          .append(c.message())
          .append('\n');
    }
    b.append("\nPhases\n");
    int width = d.phases().stream().mapToInt(String::length).max().orElse(0);
    for (int i = 0; i < d.phases().size(); i++) {
      String mark = mark(s, i);
      b.append("  ").append(mark).append(' ').append(pad(d.phases().get(i), width));
      if (mark.equals("▶")) {
        b.append("   ").append(s.step());
      }
      if (i == s.stablePhase().index()) {
        b.append("   (stable)");
      }
      if (s.rollbackTarget() != null && i == s.rollbackTarget().index()) {
        b.append("   (rollback target)");
      }
      b.append('\n');
    }
    if (!s.gates().isEmpty()) {
      b.append("\nGates of ").append(s.currentPhase().name()).append('\n');
      List<String[]> rows = new ArrayList<>();
      for (GateStatus g : s.gates()) {
        String tally = g.passes() + " passed, " + g.failures() + " failed";
        if (wide) {
          tally += ", " + g.inconclusives() + " inconclusive, " + g.consecutiveErrors() + " errors";
        }
        String message = g.message() == null ? "" : g.message();
        rows.add(
            wide
                ? new String[] {"  " + g.name(), g.result().name(), tally, measuredAt(g), message}
                : new String[] {"  " + g.name(), g.result().name(), tally, message});
      }
      b.append(Tables.format(rows));
    }
    if (!lastEvents.isEmpty()) {
      b.append("\nLast events\n");
      for (TrailEvent e : lastEvents) {
        b.append("  ").append(ConsoleTrailSink.format(e, false)).append('\n');
      }
    }
    return b.toString();
  }

  private static String measuredAt(GateStatus g) {
    return g.lastMeasuredAt() == null
        ? "not measured"
        : "at " + g.lastMeasuredAt().truncatedTo(ChronoUnit.SECONDS);
  }

  /** ✓ done, ▶ current, · pending, ✗ the phase whose failure caused a rollback. */
  static String mark(RolloutStatus s, int index) {
    PhaseRef failed = s.failedPhase();
    if (failed != null && failed.index() == index) {
      return "✗";
    }
    int current = Math.max(0, s.currentPhase().index());
    if (s.phase() == StatusPhase.Healthy) {
      return index <= current ? "✓" : "·";
    }
    if (index < current || index <= s.stablePhase().index()) {
      return "✓";
    }
    if (index == current) {
      return s.phase() == StatusPhase.Failed ? "✗" : "▶";
    }
    return "·";
  }

  static String bar(int percent) {
    int p = Math.max(0, Math.min(100, percent));
    int full = p * BAR / 100;
    return "█".repeat(full) + "░".repeat(BAR - full);
  }

  private static String pad(String s, int width) {
    return s + " ".repeat(Math.max(0, width - s.length()));
  }

  /** The traffic line of a phase that shifts traffic: the share and, under ECS, the verdict. */
  private static void traffic(StringBuilder b, RolloutStatus s) {
    if (s.traffic() != null && s.traffic().ecs() != null) {
      var ecs = s.traffic().ecs();
      b.append("  Traffic: ECS ")
          .append(s.traffic().weight())
          .append("% on the new revision, ")
          .append(100 - s.traffic().weight())
          .append("% on the one before; verdict ")
          .append(ecs.verdict())
          .append(" (said ")
          .append(ecs.verdictAt())
          .append(")\n");
    } else if (s.traffic() != null) {
      b.append("  Traffic: ")
          .append(s.traffic().weight())
          .append("% to the canary, ")
          .append(100 - s.traffic().weight())
          .append("% stable\n");
    }
  }
}
