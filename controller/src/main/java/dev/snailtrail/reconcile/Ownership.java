package dev.snailtrail.reconcile;

import static dev.snailtrail.reconcile.Pass.data;

import dev.snailtrail.provider.Ecs.ServiceState;
import dev.snailtrail.provider.Providers;
import dev.snailtrail.rollout.Reason;
import dev.snailtrail.trail.EventType;
import dev.snailtrail.trail.Severity;
import java.util.Map;
import java.util.Optional;

/**
 * One owner per service. The rollout tags the ECS service it moves with its name and the id of the
 * controller that runs it, and looks at those tags before it changes the service: a service tagged
 * by another rollout or another controller is not touched (the rollout pauses and says whose it
 * is), unless the spec says {@code target.adopt: true}, which takes it over. Looked at when the
 * rollout begins and before each write, not on every pass: writes are few, and what matters is that
 * none of them lands on a service someone else moves. The tags come with the service's describe
 * when it carries them (the pass's own read, which also showed whatever made it write: another
 * owner tags a service before it changes it, so a change seen comes with its owner's tags), else
 * from {@code ListTagsForResource}.
 */
final class Ownership {
  /** The tag naming the rollout that moves a service. */
  static final String ROLLOUT_TAG = "snailtrail.dev/rollout";

  /** The tag naming the controller that runs that rollout. */
  static final String CONTROLLER_TAG = "snailtrail.dev/controller";

  /** The controller id of a reconciler that is given none. */
  static final String DEFAULT_CONTROLLER = "snailtrail";

  private final Providers providers;
  private final String controllerId;

  Ownership(Providers providers, String controllerId) {
    this.providers = providers;
    this.controllerId = controllerId;
  }

  /**
   * Before the rollout acts on {@code s}: empty when it may (the service is its own; or no one's,
   * and now tagged as its own; or adopted), else the pass's result, paused, for the caller to
   * return.
   */
  Optional<ReconcileResult> claim(Pass p, ServiceState s) {
    String region = p.service.region();
    Map<String, String> tags =
        s.tags() != null ? s.tags() : providers.ecs().serviceTags(region, s.arn());
    String rollout = tags.get(ROLLOUT_TAG);
    String controller = tags.get(CONTROLLER_TAG);
    if (p.rollout.name().equals(rollout) && controllerId.equals(controller)) {
      return Optional.empty();
    }
    Map<String, String> ours = Map.of(ROLLOUT_TAG, p.rollout.name(), CONTROLLER_TAG, controllerId);
    if (rollout == null && controller == null) {
      providers.ecs().tagService(region, s.arn(), ours);
      return Optional.empty();
    }
    String owner = owner(rollout, controller);
    if (p.rollout.spec().target().adopt()) {
      providers.ecs().tagService(region, s.arn(), ours);
      p.emit(
          EventType.ServiceAdopted,
          Severity.Warning,
          Reason.Adopted,
          "Took service "
              + s.ref().service()
              + " over from "
              + owner
              + " (target.adopt: true); that rollout will not act on it again",
          data("rollout", rollout, "controller", controller));
      return Optional.empty();
    }
    String msg =
        "service "
            + s.ref().service()
            + " in cluster "
            + s.ref().cluster()
            + " belongs to "
            + owner
            + " (its tags "
            + ROLLOUT_TAG
            + " and "
            + CONTROLLER_TAG
            + "); this rollout changes nothing on it. One rollout per service: delete that"
            + " rollout, or set spec.target.adopt: true to take the service over, then `snailtrail"
            + " resume "
            + p.rollout.name()
            + "`";
    p.emit(
        EventType.Paused,
        Severity.Error,
        Reason.OwnedElsewhere,
        "Paused: " + msg,
        data("rollout", rollout, "controller", controller));
    Transitions.pause(p, msg);
    return Optional.of(p.result(null));
  }

  /** "rollout web of controller ops-1", or as much of it as the tags say. */
  private String owner(String rollout, String controller) {
    String who = rollout == null ? "a rollout" : "rollout " + rollout;
    if (controller == null) {
      return who + " of an unnamed controller";
    }
    return controller.equals(controllerId)
        ? who + " of this controller"
        : who + " of controller " + controller;
  }
}
