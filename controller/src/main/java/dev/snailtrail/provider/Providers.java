package dev.snailtrail.provider;

/**
 * Every port the controller uses, from one provider ({@code aws} or {@code sim}).
 *
 * @param name "aws" or "sim"
 */
public record Providers(
    String name,
    Ecs ecs,
    LoadBalancing loadBalancing,
    CloudWatch cloudWatch,
    Logs logs,
    Images images,
    Network network,
    Endpoints endpoints) {

  /** These ports with another ECS: a decorator (cache, batching, counting) over this one. */
  public Providers withEcs(Ecs other) {
    return new Providers(name, other, loadBalancing, cloudWatch, logs, images, network, endpoints);
  }
}
