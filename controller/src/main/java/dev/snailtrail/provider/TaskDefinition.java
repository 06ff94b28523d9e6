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
}
