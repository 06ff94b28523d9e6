package dev.snailtrail.provider;

/**
 * A registered task definition revision.
 *
 * @param arn the full ARN
 */
public record TaskDefinition(
    String arn, String family, int revision, TaskDefinitionStatus status, TaskDefinitionSpec spec) {

  /** {@code family:revision}, how people name revisions. */
  public String shortName() {
    return family + ":" + revision;
  }

  /** {@code family:revision} of a task definition ARN ("none" for null). */
  public static String shortName(String taskDefinitionArn) {
    if (taskDefinitionArn == null) {
      return "none";
    }
    int slash = taskDefinitionArn.lastIndexOf('/');
    return slash >= 0 ? taskDefinitionArn.substring(slash + 1) : taskDefinitionArn;
  }

  /** The family of a task definition ARN or {@code family:revision}. */
  public static String family(String taskDefinitionArn) {
    String name = shortName(taskDefinitionArn);
    int colon = name.lastIndexOf(':');
    return colon < 0 ? name : name.substring(0, colon);
  }
}
