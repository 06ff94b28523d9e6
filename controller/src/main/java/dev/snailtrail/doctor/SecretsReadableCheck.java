package dev.snailtrail.doctor;

import dev.snailtrail.provider.TaskDefinitionSpec;
import dev.snailtrail.provider.TaskDefinitionSpec.ContainerDefinition;
import java.util.ArrayList;
import java.util.List;

/**
 * Secrets are fetched by ECS with the task execution role before a container starts; without one
 * the task never starts ({@code ResourceInitializationError: unable to pull secrets}). Names the
 * secrets, never their references.
 */
final class SecretsReadableCheck implements PreflightCheck {

  @Override
  public Check id() {
    return Check.SecretsReadable;
  }

  @Override
  public boolean perPhase() {
    return true;
  }

  @Override
  public CheckResult run(Inspection in) {
    TaskDefinitionSpec td = in.taskDefinition();
    List<String> names = new ArrayList<>();
    boolean secretsManager = false;
    boolean parameterStore = false;
    for (ContainerDefinition c : td.containers()) {
      for (var e : c.secrets().entrySet()) {
        names.add(c.name() + "/" + e.getKey());
        secretsManager |= e.getValue().startsWith("arn:aws:secretsmanager:");
        parameterStore |= !e.getValue().startsWith("arn:aws:secretsmanager:");
      }
    }
    if (names.isEmpty()) {
      return in.pass(id(), "no container takes secrets", "");
    }
    if (td.executionRoleArn() == null) {
      return in.fail(
          id(),
          "secrets " + String.join(", ", names) + " cannot be fetched: no task execution role",
          "the task definition has no executionRoleArn; ECS fetches secrets with it",
          "Give the task an execution role (template.executionRoleArn, or the live task"
              + " definition's) that allows "
              + permissions(secretsManager, parameterStore)
              + " on them, plus kms:Decrypt if they are encrypted with a customer-managed key.");
    }
    return in.pass(
        id(),
        names.size()
            + (names.size() == 1 ? " secret" : " secrets")
            + " fetched with the execution role: "
            + String.join(", ", names),
        "");
  }

  private static String permissions(boolean secretsManager, boolean parameterStore) {
    List<String> out = new ArrayList<>();
    if (secretsManager) {
      out.add("secretsmanager:GetSecretValue");
    }
    if (parameterStore) {
      out.add("ssm:GetParameters");
    }
    return String.join(" and ", out);
  }
}
