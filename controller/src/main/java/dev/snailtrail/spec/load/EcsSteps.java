package dev.snailtrail.spec.load;

import dev.snailtrail.spec.Durations;
import dev.snailtrail.spec.Traffic.EcsStrategy;
import dev.snailtrail.spec.Traffic.Pause;
import dev.snailtrail.spec.Traffic.SetWeight;
import dev.snailtrail.spec.Traffic.Step;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The ECS deployment strategy a phase's steps under {@code traffic.mode: ecs} amount to. ECS runs
 * the steps itself, so only the shapes it has are accepted: no steps ({@code BLUE_GREEN}), one
 * share and a pause ({@code CANARY}), or equal shares with equal pauses up to the last below 100
 * ({@code LINEAR}); a last {@code setWeight: 100}, with a pause after it for ECS's bake time, may
 * close any of them. Pauses are whole minutes, at most a day, as ECS counts them.
 */
final class EcsSteps {
  /** ECS's longest bake of any kind: a day, in minutes. */
  static final long MAX_MINUTES = 1440;

  /** ECS's smallest LINEAR step, in percent. */
  static final int MIN_LINEAR_STEP = 3;

  private EcsSteps() {}

  /** The strategy, or null after reporting on {@code where} why ECS cannot run these steps. */
  static EcsStrategy derive(Value where, List<Step> steps) {
    List<Step> shift = new ArrayList<>(steps);
    Duration bake = null;
    int n = shift.size();
    if (n >= 1 && shift.get(n - 1) instanceof SetWeight w && w.weight() == 100) {
      shift.remove(n - 1);
    } else if (n >= 2
        && shift.get(n - 2) instanceof SetWeight w
        && w.weight() == 100
        && shift.get(n - 1) instanceof Pause p) {
      bake = p.duration();
      shift.subList(n - 2, n).clear();
    }
    for (Step s : steps) {
      if (s instanceof Pause p && !wholeMinutes(where, p.duration())) {
        return null;
      }
    }
    if (shift.isEmpty()) {
      return new EcsStrategy(EcsStrategy.Kind.BLUE_GREEN, 0, Duration.ZERO, bake);
    }
    if (shift.size() % 2 != 0 || !(shift.get(shift.size() - 1) instanceof Pause)) {
      where.problem(
          "under mode: ecs every share is held for a while: follow each setWeight below 100 with a"
              + " pause (ECS has no step without a bake time); or use mode: alb");
      return null;
    }
    int first = ((SetWeight) shift.get(0)).weight();
    Duration hold = ((Pause) shift.get(1)).duration();
    if (shift.size() == 2) {
      return new EcsStrategy(EcsStrategy.Kind.CANARY, first, hold, bake);
    }
    return linear(where, shift, first, hold, bake);
  }

  private static EcsStrategy linear(
      Value where, List<Step> shift, int step, Duration hold, Duration bake) {
    List<Integer> expected = new ArrayList<>();
    for (int w = step; w < 100; w += step) {
      expected.add(w);
    }
    List<Integer> weights = new ArrayList<>();
    boolean equalPauses = true;
    for (int i = 0; i < shift.size(); i += 2) {
      weights.add(((SetWeight) shift.get(i)).weight());
      equalPauses &= ((Pause) shift.get(i + 1)).duration().equals(hold);
    }
    if (!weights.equals(expected) || !equalPauses) {
      where.problem(
          "under mode: ecs more than one share is ECS's LINEAR deployment, which moves the same"
              + " share every same while until 100: give setWeight "
              + expected
              + " each followed by pause: "
              + Durations.format(hold)
              + " (found weights "
              + weights
              + (equalPauses ? "" : " with pauses of different lengths")
              + "); or one share for a canary; or use mode: alb for steps of any shape");
      return null;
    }
    if (step < MIN_LINEAR_STEP) {
      where.problem(
          "ECS's LINEAR deployment moves at least " + MIN_LINEAR_STEP + "% a step; found " + step);
      return null;
    }
    return new EcsStrategy(EcsStrategy.Kind.LINEAR, step, hold, bake);
  }

  private static boolean wholeMinutes(Value where, Duration d) {
    if (d.toSecondsPart() != 0 || d.toNanosPart() != 0 || d.isZero()) {
      where.problem(
          "under mode: ecs a pause is whole minutes, as ECS counts bake times; found "
              + Durations.format(d));
      return false;
    }
    if (d.toMinutes() > MAX_MINUTES) {
      where.problem(
          "ECS bakes for at most a day ("
              + MAX_MINUTES
              + " minutes); found "
              + Durations.format(d));
      return false;
    }
    return true;
  }
}
