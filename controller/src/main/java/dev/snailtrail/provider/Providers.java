package dev.snailtrail.provider;

/**
 * Every port the controller uses, from one provider ({@code aws} or {@code sim}).
 *
 * @param name "aws" or "sim"
 * @param scaling Application Auto Scaling ({@link Scaling#NONE} where there is none)
 */
public record Providers(
    String name,
    Ecs ecs,
    LoadBalancing loadBalancing,
    CloudWatch cloudWatch,
    Logs logs,
    Images images,
    Network network,
    Endpoints endpoints,
    Scaling scaling) {

  /** These ports with another CloudWatch: a decorator (batching, counting) over this one. */
  public Providers withCloudWatch(CloudWatch other) {
    return new Providers(
        name, ecs, loadBalancing, other, logs, images, network, endpoints, scaling);
  }

  /** These ports with another ECS: a decorator (cache, batching, counting) over this one. */
  public Providers withEcs(Ecs other) {
    return new Providers(
        name, other, loadBalancing, cloudWatch, logs, images, network, endpoints, scaling);
  }
}
