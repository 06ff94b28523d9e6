package dev.snailtrail.provider;

/** An ECS service by region, cluster and name. */
public record ServiceRef(String region, String cluster, String service) {
  @Override
  public String toString() {
    return region + "/" + cluster + "/" + service;
  }
}
