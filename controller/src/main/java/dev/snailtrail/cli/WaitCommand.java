package dev.snailtrail.cli;

import dev.snailtrail.api.ApiClient;
import dev.snailtrail.api.Resources;
import dev.snailtrail.rollout.RolloutStatus;
import dev.snailtrail.rollout.StatusPhase;
import dev.snailtrail.rollout.Step;
import dev.snailtrail.spec.Durations;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code snailtrail wait NAME --for STATE}: until a rollout is in a state, or cannot get there. */
@Command(
    name = "wait",
    mixinStandardHelpOptions = true,
    description = {
      "Wait until a rollout reaches a state: a phase of the rollout (Progressing, Paused, Healthy,"
          + " RollingBack, Degraded, Failed) or a step of one in progress (AwaitingApproval,"
          + " Deploying, Waiting, Analyzing, Baking, Shifting).",
      "Only a status the controller computed from the rollout's current spec counts, so a wait"
          + " right after `apply` is not answered by the state before it. It ends early when the"
          + " rollout settles elsewhere (Healthy, Degraded or Failed, or its store files cannot be"
          + " read), where it stays until a person acts; a pause or a phase awaiting approval is"
          + " waited through.",
    },
    footer = {
      "",
      "Examples:",
      "  snailtrail apply -f rollout.yaml && snailtrail wait shine-api-gateway --for Healthy"
          + " --timeout 30m",
      "  snailtrail wait shine-api-gateway --for AwaitingApproval && notify-oncall",
      "",
      "Exit codes: 0 reached, 1 the controller said no (no such rollout, wrong token), 2 usage,"
          + " 3 cannot reach the controller, "
          + WaitCommand.TIMED_OUT
          + " timed out, "
          + WaitCommand.SETTLED_ELSEWHERE
          + " settled elsewhere.",
    })
final class WaitCommand extends ApiCommand {
  static final int TIMED_OUT = 5;
  static final int SETTLED_ELSEWHERE = 6;

  @Parameters(index = "0", paramLabel = "NAME", description = "The rollout.")
  String name;

  @Option(
      names = "--for",
      required = true,
      paramLabel = "STATE",
      completionCandidates = States.class,
      description = "The state to wait for: ${COMPLETION-CANDIDATES}.")
  String state;

  @Option(
      names = "--timeout",
      paramLabel = "DURATION",
      defaultValue = "10m",
      converter = PositiveDuration.class,
      description = "Give up after this long. Default: ${DEFAULT-VALUE}.")
  Duration timeout;

  @Option(
      names = "--interval",
      paramLabel = "DURATION",
      defaultValue = "2s",
      converter = PositiveDuration.class,
      description = "How often to look. Default: ${DEFAULT-VALUE}.")
  Duration interval;

  /** Every state {@code --for} takes: the status phases, then the steps of a moving rollout. */
  static final class States implements Iterable<String> {
    static final List<String> ALL = all();

    private static List<String> all() {
      Set<String> names = new LinkedHashSet<>();
      for (StatusPhase p : StatusPhase.values()) {
        names.add(p.name());
      }
      for (Step s : Step.values()) {
        if (s != Step.Done) {
          names.add(s.name());
        }
      }
      return List.copyOf(names);
    }

    @Override
    public Iterator<String> iterator() {
      return ALL.iterator();
    }
  }

  @Override
  int run(ApiClient client) throws InterruptedException {
    String target = canonical(state);
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      Resources.Detail d = client.get(name);
      RolloutStatus s = d.status();
      boolean current = s.observedGeneration() == d.generation();
      if (current && reached(s, target)) {
        out.println("rollout/" + name + " is " + target);
        return OK;
      }
      if ((current && outcome(s.phase())) || s.storeDamaged()) {
        err.println(
            "rollout/" + name + " settled " + where(s) + ", not " + target + ": " + s.message());
        return SETTLED_ELSEWHERE;
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        err.println(
            "timed out after "
                + Durations.format(timeout)
                + " waiting for rollout/"
                + name
                + " to be "
                + target
                + ": it is "
                + where(s)
                + (current
                    ? ""
                    : " (the controller has not looked at generation " + d.generation() + " yet)")
                + ": "
                + s.message());
        return TIMED_OUT;
      }
      Thread.sleep(Math.min(interval.toMillis(), Math.max(1, left / 1_000_000)));
    }
  }

  /**
   * Where a rollout ends up: it stays there until a new spec or a verb moves it. A pause is not
   * one: it holds the rollout where it is for a person to resume, as a phase awaiting approval
   * does, so a wait goes on through it (as {@code status --exit-on-terminal} does).
   */
  private static boolean outcome(StatusPhase phase) {
    return switch (phase) {
      case Healthy, Degraded, Failed -> true;
      case Progressing, Paused, RollingBack -> false;
    };
  }

  /** A status phase is reached whatever the step; a step only while the rollout progresses. */
  private static boolean reached(RolloutStatus s, String target) {
    if (s.storeDamaged()) {
      return false;
    }
    if (s.phase().name().equals(target)) {
      return true;
    }
    return s.phase() == StatusPhase.Progressing && s.step().name().equals(target);
  }

  private static String where(RolloutStatus s) {
    String phase = s.storeDamaged() ? "StoreDamaged" : s.phase().name();
    String at = s.currentPhase().name().isEmpty() ? "" : " at phase " + s.currentPhase().name();
    return phase + " (" + s.step() + ")" + at;
  }

  /** The state as written in the vocabulary, whatever its case; a usage error otherwise. */
  private String canonical(String asked) {
    for (String s : States.ALL) {
      if (s.toLowerCase(Locale.ROOT).equals(asked.strip().toLowerCase(Locale.ROOT))) {
        return s;
      }
    }
    throw new CommandLine.ParameterException(
        spec.commandLine(),
        "--for '" + asked + "' is not a state; use one of " + String.join(", ", States.ALL));
  }
}
