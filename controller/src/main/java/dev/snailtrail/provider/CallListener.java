package dev.snailtrail.provider;

import java.time.Duration;

/**
 * Hears about every request a provider's adapters send (each attempt, so retries count), and about
 * requests refused before they were sent. The AWS adapters report here; the controller counts the
 * requests per phase and exports them as {@code snailtrail_aws_requests_total}.
 */
@FunctionalInterface
public interface CallListener {

  /** Outcome of a request that the provider answered. */
  String SUCCESS = "success";

  /** The provider (or the client-side rate limiter) refused the request as too frequent. */
  String THROTTLED = "throttled";

  /** Any other error, including timeouts and I/O failures. */
  String ERROR = "error";

  /** Not sent: the service's circuit breaker is open. */
  String CIRCUIT_OPEN = "circuit_open";

  /**
   * One request.
   *
   * @param service e.g. {@code ecs}, {@code logs}
   * @param operation the API operation, e.g. {@code DescribeServices}
   * @param outcome one of {@link #SUCCESS}, {@link #THROTTLED}, {@link #ERROR}, {@link
   *     #CIRCUIT_OPEN}
   * @param took how long the attempt took (zero when it was not sent)
   */
  void onCall(String service, String operation, String outcome, Duration took);

  /** Hears nothing. */
  CallListener NOOP = (service, operation, outcome, took) -> {};
}
