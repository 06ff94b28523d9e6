package dev.snailtrail.doctor;

import dev.snailtrail.provider.TaskDefinitionSpec;
import dev.snailtrail.spec.Phase;

/** One phase under inspection, with the facts of the run it belongs to. */
final class Inspection {
  final Facts facts;
  final int index;

  Inspection(Facts facts, int index) {
    this.facts = facts;
    this.index = index;
  }

  Phase phase() {
    return facts.rollout.spec().phases().get(index);
  }

  /** The task definition this phase would register. */
  TaskDefinitionSpec taskDefinition() {
    return facts.taskDefinition(index);
  }

  CheckResult pass(Check check, String title, String seen) {
    return new CheckResult(check, phase().name(), Status.PASS, title, seen, "");
  }

  CheckResult skipped(Check check, String title, String seen) {
    return new CheckResult(check, phase().name(), Status.SKIPPED, title, seen, "");
  }

  CheckResult warn(Check check, String title, String seen, String fix) {
    return new CheckResult(check, phase().name(), Status.WARN, title, seen, fix);
  }

  CheckResult unchecked(Check check, String title, String seen, String fix) {
    return new CheckResult(check, phase().name(), Status.UNCHECKED, title, seen, fix);
  }

  CheckResult fail(Check check, String title, String seen, String fix) {
    return new CheckResult(check, phase().name(), Status.FAIL, title, seen, fix);
  }
}
