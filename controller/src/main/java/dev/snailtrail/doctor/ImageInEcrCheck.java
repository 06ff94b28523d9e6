package dev.snailtrail.doctor;

import dev.snailtrail.provider.LaunchType;
import dev.snailtrail.provider.ProviderException;
import dev.snailtrail.provider.TaskDefinitionSpec;
import dev.snailtrail.provider.TaskDefinitionSpec.ContainerDefinition;
import dev.snailtrail.spec.ImageRef;
import java.util.ArrayList;
import java.util.List;

/** Check 2: every image of the phase is in ECR; private images have an execution role. */
final class ImageInEcrCheck implements PreflightCheck {

  @Override
  public Check id() {
    return Check.ImageInEcr;
  }

  @Override
  public boolean perPhase() {
    return true;
  }

  @Override
  public CheckResult run(Inspection in) {
    TaskDefinitionSpec td = in.taskDefinition();
    List<String> found = new ArrayList<>();
    List<String> notEcr = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    List<String> fixes = new ArrayList<>();
    for (ContainerDefinition c : td.containers()) {
      ImageRef image;
      try {
        image = ImageRef.parse(c.image());
      } catch (IllegalArgumentException e) {
        problems.add("container " + c.name() + ": " + e.getMessage());
        fixes.add("Fix the image reference of container " + c.name() + ".");
        continue;
      }
      if (!image.isEcr()) {
        notEcr.add(image.toString());
        continue;
      }
      String missing = missing(in.facts, image);
      if (missing == null) {
        found.add(image.toString());
      } else {
        problems.add(missing);
        fixes.add(fixFor(in.facts, image, missing));
      }
    }
    if (!found.isEmpty() && td.executionRoleArn() == null) {
      LaunchType launch = in.facts.launchType();
      String seen =
          "the task definition has no executionRoleArn, so "
              + launch
              + " tasks cannot pull from ECR or write awslogs";
      String fix =
          "Set template.executionRoleArn to a role with the AmazonECSTaskExecutionRolePolicy.";
      if (launch != LaunchType.EC2) {
        problems.add(seen);
        fixes.add(fix);
      } else if (problems.isEmpty()) {
        return in.warn(
            id(),
            "private images without an execution role (the instance role must pull them)",
            seen,
            fix);
      }
    }
    if (!problems.isEmpty()) {
      return in.fail(id(), problems.get(0), String.join("; ", problems), String.join(" ", fixes));
    }
    if (found.isEmpty()) {
      return in.skipped(
          id(),
          "not an ECR image: " + String.join(", ", notEcr),
          "only ECR images are looked up; make sure the registry serves these");
    }
    String note =
        notEcr.isEmpty() ? "" : " (not ECR, not looked up: " + String.join(", ", notEcr) + ")";
    return in.pass(id(), "in ECR: " + String.join(", ", found), "found by tag or digest" + note);
  }

  /** Null when the image exists, else what is missing. */
  static String missing(Facts facts, ImageRef image) {
    try {
      return facts.image(image).isPresent()
          ? null
          : "image " + image + " not found in ECR repository " + image.repository();
    } catch (ProviderException e) {
      if (e.kind() == ProviderException.Kind.NOT_FOUND) {
        return "ECR repository " + image.repository() + " does not exist (image " + image + ")";
      }
      throw e;
    }
  }

  private static String fixFor(Facts facts, ImageRef image, String missing) {
    String region = facts.ecrRegion(image);
    if (missing.startsWith("ECR repository")) {
      return "Create the repository (aws ecr create-repository --repository-name "
          + image.repository()
          + " --region "
          + region
          + ") and push "
          + image
          + ", or fix the image reference.";
    }
    return "Push it (docker push " + image + ") or fix the tag in the phase's image.";
  }
}
