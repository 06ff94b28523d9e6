package dev.snailtrail.provider;

/**
 * The network mode of a task definition; {@link #toString()} is the name ECS uses, e.g. {@code
 * awsvpc}.
 */
public enum NetworkMode {
  /** Each task has its own network interface and private IP; no host port bindings. */
  AWSVPC("awsvpc"),
  /** Docker's bridge: container ports are published on (often dynamic) host ports. */
  BRIDGE("bridge"),
  /** The host's network: a container port is the same host port. */
  HOST("host"),
  /** No external networking. */
  NONE("none"),
  /** A mode this version does not know. */
  UNRECOGNIZED("unrecognized");

  private final String wireName;

  NetworkMode(String wireName) {
    this.wireName = wireName;
  }

  /** The mode ECS names so; null for none, {@link #UNRECOGNIZED} for an unknown name. */
  public static NetworkMode of(String value) {
    return WireNames.find(values(), value, UNRECOGNIZED);
  }

  @Override
  public String toString() {
    return wireName;
  }
}
