package dev.snailtrail.sim;

import dev.snailtrail.provider.DeploymentStrategy.Stage;
import dev.snailtrail.rollout.TrafficStatus.EcsShift;
import dev.snailtrail.rollout.TrafficStatus.HookVerdict;
import dev.snailtrail.spec.Rollout;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * The lifecycle hook that lets ECS finish a deployment only while the controller watches it: the
 * simulator's stand-in for the Lambda function in {@code deploy/lambda/}, deciding by the same
 * rules (both are held to {@code hook-cases.json}). It reads the controller's verdict on the
 * rollout named in {@code hookDetails.rollout}; a verdict that is missing, about another deployment
 * or not confirmed within {@code hookDetails.silenceSeconds} (120 by default) makes ECS roll back,
 * so a controller that dies mid-deployment leaves the old revision serving.
 *
 * <p>In order, with {@code now} the invocation's time and {@code silence} the limit:
 *
 * <ol>
 *   <li>no verdict for the rollout, or one about another deployment than {@code resourceArn}: no
 *       word yet; FAILED once more than {@code silence} has passed since {@code
 *       hookDetails.firstSeen} (the first such invocation), else IN_PROGRESS carrying {@code
 *       firstSeen};
 *   <li>verdict FAILED: FAILED;
 *   <li>verdict not confirmed for more than {@code silence}: FAILED;
 *   <li>verdict SUCCEEDED: SUCCEEDED;
 *   <li>verdict ANALYSING: IN_PROGRESS at POST_PRODUCTION_TRAFFIC_SHIFT (the hold point: all
 *       production traffic on the new revision, the old one still up for an instant rollback),
 *       SUCCEEDED at any earlier stage.
 * </ol>
 *
 * IN_PROGRESS asks to be called again after {@code max(5, min(30, silence / 4))} whole seconds,
 * carrying {@code silenceSeconds}, {@code rollout} and, while no word has come, {@code firstSeen}.
 */
public final class DeadMansSwitch implements LifecycleHookTarget {
  /** How long the controller may stay silent, by default, before the hook fails the deployment. */
  public static final long DEFAULT_SILENCE_SECONDS = 120;

  private final Function<String, Optional<EcsShift>> verdicts;
  private final Clock clock;

  /**
   * A switch.
   *
   * @param verdicts the controller's verdict by rollout name ({@code status.traffic.ecs}), empty
   *     when it has none
   * @param clock the invocation's time; in the simulator {@link Simulator#worldClock()}
   */
  public DeadMansSwitch(Function<String, Optional<EcsShift>> verdicts, Clock clock) {
    this.verdicts = verdicts;
    this.clock = clock;
  }

  /**
   * Makes the rollout's lifecycle hook ({@code target.lifecycleHook}), if it has one, a switch on
   * {@code sim} answering from {@code verdicts}, as the Lambda function answers from the store.
   * Call it when a rollout is seeded, and again for a restored world's rollouts: hooks are not
   * saved.
   */
  public static void answer(
      Simulator sim, Rollout rollout, Function<String, Optional<EcsShift>> verdicts) {
    var hook = rollout.spec().target().lifecycleHook();
    if (hook != null) {
      sim.registerHook(hook.functionArn(), new DeadMansSwitch(verdicts, sim.worldClock()));
    }
  }

  @Override
  public HookAnswer invoke(HookInvocation invocation) {
    Map<String, String> details = invocation.hookDetails();
    long now = clock.instant().getEpochSecond();
    long silence = silenceSeconds(details);
    String rollout = details.get("rollout");
    Optional<EcsShift> verdict =
        rollout == null || rollout.isBlank() ? Optional.empty() : verdicts.apply(rollout);
    if (verdict.isEmpty()
        || !Objects.equals(verdict.get().deployment(), invocation.resourceArn())) {
      return noWordYet(details, now, silence);
    }
    EcsShift shift = verdict.get();
    if (shift.verdict() == HookVerdict.FAILED) {
      return HookAnswer.failed("the controller's verdict on this deployment is FAILED");
    }
    if (shift.verdictAt() == null) {
      return HookAnswer.failed("the controller has never confirmed its verdict");
    }
    long quiet = now - shift.verdictAt().getEpochSecond();
    if (quiet > silence) {
      return HookAnswer.failed("the controller has been silent for " + quiet + " s");
    }
    if (shift.verdict() == HookVerdict.SUCCEEDED) {
      return HookAnswer.succeeded();
    }
    return invocation.lifecycleStage() == Stage.POST_PRODUCTION_TRAFFIC_SHIFT
        ? waiting(rollout, silence, null)
        : HookAnswer.succeeded(); // ANALYSING before the hold point: alive and watching
  }

  private static HookAnswer noWordYet(Map<String, String> details, long now, long silence) {
    long firstSeen = seconds(details.get("firstSeen"), now);
    if (now - firstSeen > silence) {
      return HookAnswer.failed(
          "no verdict from the controller for this deployment within " + silence + " s");
    }
    return waiting(details.get("rollout"), silence, firstSeen);
  }

  /**
   * IN_PROGRESS, carrying to the next invocation the rollout, the silence in force and, while no
   * word has come, when the first invocation was: what the Lambda function carries, no more.
   */
  private static HookAnswer waiting(String rollout, long silence, Long firstSeen) {
    Map<String, String> carried = new LinkedHashMap<>();
    carried.put("silenceSeconds", Long.toString(silence));
    if (rollout != null) {
      carried.put("rollout", rollout);
    }
    if (firstSeen != null) {
      carried.put("firstSeen", Long.toString(firstSeen));
    }
    return HookAnswer.inProgress(callBackDelay(silence), carried);
  }

  /** {@code hookDetails.silenceSeconds}, or the default when absent, unreadable or not positive. */
  static long silenceSeconds(Map<String, String> details) {
    long s = seconds(details.get("silenceSeconds"), DEFAULT_SILENCE_SECONDS);
    return s > 0 ? s : DEFAULT_SILENCE_SECONDS;
  }

  /** Seconds before ECS asks again: a quarter of the silence, within 5 to 30 (whole seconds). */
  static int callBackDelay(long silenceSeconds) {
    return (int) Math.max(5, Math.min(30, silenceSeconds / 4));
  }

  private static long seconds(String text, long otherwise) {
    if (text == null) {
      return otherwise;
    }
    try {
      return Long.parseLong(text.strip());
    } catch (NumberFormatException e) {
      return otherwise;
    }
  }
}
