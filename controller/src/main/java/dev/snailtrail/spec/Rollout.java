package dev.snailtrail.spec;

/**
 * The resource a user writes: one ECS service taken through ordered phases.
 *
 * @param apiVersion always {@link #API_VERSION}
 * @param kind always {@link #KIND}
 * @param metadata the rollout's name and labels
 * @param spec what the service should become, phase by phase
 */
public record Rollout(String apiVersion, String kind, Metadata metadata, RolloutSpec spec) {
  public static final String API_VERSION = "snailtrail.dev/v1";
  public static final String KIND = "Rollout";

  public String name() {
    return metadata.name();
  }
}
