package dev.snailtrail.controller;

import java.time.Duration;
import java.util.Objects;

/**
 * How a replica of a shared store holds its rollouts.
 *
 * @param replica this replica's name, unique among the live ones (its leases are in this name)
 * @param ttl how long a replica's beat may stand still before the others take its rollouts over
 * @param renewEvery how often it beats and looks at the leases; a third of {@code ttl} lets two
 *     beats fail before anyone takes over
 * @param address where its API listens, shown with its heartbeat, or null
 */
public record LeaseSettings(String replica, Duration ttl, Duration renewEvery, String address) {

  /** 15 s, renewed every 5 s. */
  public static final Duration DEFAULT_TTL = Duration.ofSeconds(15);

  public LeaseSettings {
    Objects.requireNonNull(replica, "replica");
    if (ttl.isNegative() || ttl.isZero() || renewEvery.compareTo(ttl.dividedBy(2)) > 0) {
      throw new IllegalArgumentException(
          "the lease time to live must be positive and at least twice the renew interval (ttl "
              + ttl
              + ", renew every "
              + renewEvery
              + ")");
    }
  }

  /** The defaults for a replica of this name: ttl 15 s, renewed every 5 s. */
  public static LeaseSettings of(String replica, String address) {
    return new LeaseSettings(replica, DEFAULT_TTL, DEFAULT_TTL.dividedBy(3), address);
  }

  /** The host and the process id: unique among live replicas, and readable in {@code get}. */
  public static String hostAndPid() {
    String host = System.getenv().getOrDefault("HOSTNAME", "");
    if (host.isBlank()) {
      try {
        host = java.net.InetAddress.getLocalHost().getHostName();
      } catch (java.io.IOException e) {
        host = "replica";
      }
    }
    return host + "-" + ProcessHandle.current().pid();
  }

  /** How long after a beat was sent the replica still acts: 80 % of the ttl. */
  Duration actFor() {
    return ttl.multipliedBy(4).dividedBy(5);
  }
}
