package dev.snailtrail.doctor;

import dev.snailtrail.provider.CloudWatch.AlarmState;
import dev.snailtrail.provider.Ecs.ServiceState;
import dev.snailtrail.provider.TaskDefinition;
import dev.snailtrail.provider.TaskDefinitionSpec;
import dev.snailtrail.provider.TaskDefinitionSpec.ContainerDefinition;
import dev.snailtrail.provider.TaskDefinitionStatus;
import dev.snailtrail.spec.Gate;
import dev.snailtrail.spec.ImageRef;
import dev.snailtrail.spec.Phase;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Check 8: a failure of the phase can be undone, and its alarm gates can pass. The rollback
 * target's revision must be ACTIVE with its images still in ECR; an alarm already in ALARM would
 * fail its gate at once (and ECS ignores alarms that are already firing when a deployment starts).
 */
final class RollbackReadyCheck implements PreflightCheck {

  @Override
  public Check id() {
    return Check.RollbackReady;
  }

  @Override
  public boolean perPhase() {
    return true;
  }

  @Override
  public CheckResult run(Inspection in) {
    List<String> problems = new ArrayList<>();
    List<String> fixes = new ArrayList<>();
    String target = rollbackTarget(in, problems, fixes);
    List<String> alarmNotes = new ArrayList<>();
    alarms(in, problems, fixes, alarmNotes);
    if (!problems.isEmpty()) {
      return in.fail(id(), problems.get(0), String.join("; ", problems), String.join(" ", fixes));
    }
    if (!alarmNotes.isEmpty()) {
      return in.warn(
          id(),
          alarmNotes.get(0),
          target,
          "Create the alarm or fix the name in the cloudwatchAlarm gate; a missing alarm never"
              + " fires.");
    }
    return in.pass(id(), target, "");
  }

  /** Checks the rollback target and says what it is; adds problems it finds. */
  private static String rollbackTarget(Inspection in, List<String> problems, List<String> fixes) {
    Facts f = in.facts;
    if (in.index == 0) {
      Optional<ServiceState> service = f.service();
      if (service.isEmpty()) {
        return "no baseline: a rollback of the first phase stops its tasks";
      }
      String arn = service.get().taskDefinitionArn();
      return revision(in, "the baseline", arn, problems, fixes);
    }
    Phase phase = in.phase();
    int to =
        phase.rollbackTo() != null ? f.rollout.spec().indexOf(phase.rollbackTo()) : in.index - 1;
    Phase back = f.rollout.spec().phases().get(Math.max(0, to));
    String arn = f.revisions.get(back.name());
    if (arn != null) {
      return revision(in, "phase " + back.name(), arn, problems, fixes);
    }
    // Not registered yet (on-demand doctor): the rollback registers it from the spec.
    TaskDefinitionSpec spec = f.taskDefinition(f.rollout.spec().indexOf(back.name()));
    int before = problems.size();
    missingImages(f, spec, "phase " + back.name(), problems, fixes);
    return problems.size() == before
        ? "rolls back to phase " + back.name() + " (registered from the spec; images in ECR)"
        : "";
  }

  private static String revision(
      Inspection in, String what, String arn, List<String> problems, List<String> fixes) {
    Optional<TaskDefinition> td = in.facts.registered(arn);
    String name = shortName(arn);
    if (td.isEmpty()) {
      problems.add("rollback target " + what + " revision " + name + " no longer exists");
      fixes.add("Register " + what + " again, or set rollbackTo a phase whose revision exists.");
      return "";
    }
    if (td.get().status() != TaskDefinitionStatus.ACTIVE) {
      problems.add(
          "rollback target "
              + what
              + " revision "
              + td.get().shortName()
              + " is "
              + td.get().status()
              + ": ECS cannot start tasks from it");
      fixes.add(
          "Register "
              + td.get().shortName()
              + "'s content again (aws ecs register-task-definition) and point the rollback at"
              + " the new revision, or set rollbackTo a phase whose revision is ACTIVE.");
      return "";
    }
    int before = problems.size();
    missingImages(
        in.facts, td.get().spec(), what + " (" + td.get().shortName() + ")", problems, fixes);
    return problems.size() == before
        ? "rolls back to " + what + " (" + td.get().shortName() + ", ACTIVE, images in ECR)"
        : "";
  }

  private static void missingImages(
      Facts f, TaskDefinitionSpec spec, String what, List<String> problems, List<String> fixes) {
    if (spec == null) {
      return;
    }
    for (ContainerDefinition c : spec.containers()) {
      ImageRef image;
      try {
        image = ImageRef.parse(c.image());
      } catch (IllegalArgumentException e) {
        continue;
      }
      if (!image.isEcr()) {
        continue;
      }
      String missing = ImageInEcrCheck.missing(f, image);
      if (missing != null) {
        problems.add("rollback target " + what + ": " + missing);
        fixes.add(
            "Push "
                + image
                + " again (and keep it out of the repository's lifecycle policy) so a rollback"
                + " can start tasks.");
      }
    }
  }

  private static void alarms(
      Inspection in, List<String> problems, List<String> fixes, List<String> notes) {
    Set<String> names = new LinkedHashSet<>();
    for (Gate g : in.phase().gates()) {
      if (g instanceof Gate.CloudWatchAlarm a) {
        names.addAll(a.names());
      }
    }
    if (names.isEmpty()) {
      return;
    }
    Map<String, AlarmState> states = in.facts.alarms(List.copyOf(names));
    for (String name : names) {
      AlarmState s = states.get(name);
      if (s == null) {
        notes.add("alarm " + name + " of a cloudwatchAlarm gate does not exist");
      } else if ("ALARM".equals(s.state())) {
        problems.add(
            "alarm "
                + name
                + " is already in ALARM"
                + (s.reason() == null ? "" : " (" + s.reason() + ")")
                + ": its gate would fail at once");
        fixes.add(
            "Find out why "
                + name
                + " fires and deploy once it is back to OK; ECS ignores alarms already in ALARM"
                + " when a deployment starts.");
      }
    }
  }

  private static String shortName(String arn) {
    int slash = arn.lastIndexOf('/');
    return slash < 0 ? arn : arn.substring(slash + 1);
  }
}
