package dev.snailtrail.provider;

import java.net.URI;

/**
 * Where a service's declared {@code target.url} is actually reached. On AWS it is the URL as
 * written; the simulator answers with the loopback port it serves the service on.
 */
public interface Endpoints {

  /** The URL to request for a service whose spec declares {@code declared} (may be null). */
  URI resolve(ServiceRef service, URI declared);

  /** The URL as written. */
  Endpoints AS_DECLARED = (service, declared) -> declared;
}
