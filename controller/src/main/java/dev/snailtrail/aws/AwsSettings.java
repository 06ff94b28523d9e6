package dev.snailtrail.aws;

import dev.snailtrail.provider.CallListener;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * How the AWS adapters reach AWS and protect it (and themselves) from too many calls.
 *
 * @param endpointOverride send every service's requests here (e.g. a moto server or LocalStack);
 *     null for real AWS, where the SDK still honours {@code AWS_ENDPOINT_URL} and its per-service
 *     variants on its own
 * @param profile a named profile from {@code ~/.aws/config}, or null for the default credential
 *     chain (environment, system properties, web identity, profile, container, instance)
 * @param apiCallTimeout the longest one SDK call may take, its single attempt included
 * @param apiCallAttemptTimeout the longest one HTTP attempt may take
 * @param rateLimits client-side request rates that keep the controller under the API limits
 * @param retries backoff for throttling, 5xx, timeouts and I/O errors (the only retry layer: the
 *     SDK's own retries are off)
 * @param breaker when a service is considered down and calls to it stop for a while
 * @param listener hears every request
 * @param clock the circuit breakers' and call timers' clock
 */
public record AwsSettings(
    URI endpointOverride,
    String profile,
    Duration apiCallTimeout,
    Duration apiCallAttemptTimeout,
    RateLimits rateLimits,
    Retries retries,
    Breaker breaker,
    CallListener listener,
    Clock clock) {

  /** The environment variable naming an endpoint for every AWS service. */
  public static final String ENDPOINT_ENV = "AWS_ENDPOINT_URL";

  public AwsSettings {
    Objects.requireNonNull(apiCallTimeout, "apiCallTimeout");
    Objects.requireNonNull(apiCallAttemptTimeout, "apiCallAttemptTimeout");
    Objects.requireNonNull(rateLimits, "rateLimits");
    Objects.requireNonNull(retries, "retries");
    Objects.requireNonNull(breaker, "breaker");
    listener = listener == null ? CallListener.NOOP : listener;
    Objects.requireNonNull(clock, "clock");
    if (profile != null && profile.isBlank()) {
      profile = null;
    }
  }

  /**
   * Real AWS, default credentials, the default limits.
   *
   * @param clock times calls and drives the circuit breakers (the composition root's clock)
   */
  public static AwsSettings defaults(Clock clock) {
    return new AwsSettings(
        null,
        null,
        Duration.ofSeconds(30),
        Duration.ofSeconds(10),
        RateLimits.defaults(),
        Retries.defaults(),
        Breaker.defaults(),
        CallListener.NOOP,
        clock);
  }

  /** The defaults, with the endpoint override taken from {@code AWS_ENDPOINT_URL} when set. */
  public static AwsSettings fromEnvironment(Clock clock) {
    return fromEnvironment(System.getenv(), clock);
  }

  /** As {@link #fromEnvironment(Clock)}, reading the given variables. */
  public static AwsSettings fromEnvironment(Map<String, String> env, Clock clock) {
    String endpoint = env.get(ENDPOINT_ENV);
    AwsSettings settings = defaults(clock);
    if (endpoint != null && !endpoint.isBlank()) {
      try {
        settings = settings.withEndpointOverride(URI.create(endpoint.strip()));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            ENDPOINT_ENV + " is not a URL (expected e.g. http://127.0.0.1:5000): " + endpoint, e);
      }
    }
    return settings;
  }

  public AwsSettings withEndpointOverride(URI endpoint) {
    return new AwsSettings(
        endpoint,
        profile,
        apiCallTimeout,
        apiCallAttemptTimeout,
        rateLimits,
        retries,
        breaker,
        listener,
        clock);
  }

  public AwsSettings withProfile(String newProfile) {
    return new AwsSettings(
        endpointOverride,
        newProfile,
        apiCallTimeout,
        apiCallAttemptTimeout,
        rateLimits,
        retries,
        breaker,
        listener,
        clock);
  }

  public AwsSettings withTimeouts(Duration callTimeout, Duration attemptTimeout) {
    return new AwsSettings(
        endpointOverride,
        profile,
        callTimeout,
        attemptTimeout,
        rateLimits,
        retries,
        breaker,
        listener,
        clock);
  }

  public AwsSettings withRateLimits(RateLimits limits) {
    return new AwsSettings(
        endpointOverride,
        profile,
        apiCallTimeout,
        apiCallAttemptTimeout,
        limits,
        retries,
        breaker,
        listener,
        clock);
  }

  public AwsSettings withRetries(Retries newRetries) {
    return new AwsSettings(
        endpointOverride,
        profile,
        apiCallTimeout,
        apiCallAttemptTimeout,
        rateLimits,
        newRetries,
        breaker,
        listener,
        clock);
  }

  public AwsSettings withBreaker(Breaker newBreaker) {
    return new AwsSettings(
        endpointOverride,
        profile,
        apiCallTimeout,
        apiCallAttemptTimeout,
        rateLimits,
        retries,
        newBreaker,
        listener,
        clock);
  }

  public AwsSettings withListener(CallListener newListener) {
    return new AwsSettings(
        endpointOverride,
        profile,
        apiCallTimeout,
        apiCallAttemptTimeout,
        rateLimits,
        retries,
        breaker,
        newListener,
        clock);
  }

  public AwsSettings withClock(Clock newClock) {
    return new AwsSettings(
        endpointOverride,
        profile,
        apiCallTimeout,
        apiCallAttemptTimeout,
        rateLimits,
        retries,
        breaker,
        listener,
        newClock);
  }

  /**
   * Client-side request rates, per second. ECS counts its API limits per action category; each
   * limited operation gets its own limiter, every other operation of a service shares that
   * service's default limiter.
   *
   * @param perOperation {@code service:Operation} (e.g. {@code ecs:UpdateService}) to requests per
   *     second
   * @param defaultPerSecond the rate of every operation not listed, per service
   * @param maxWait how long a call waits for a permit before failing as THROTTLED
   */
  public record RateLimits(
      Map<String, Integer> perOperation, int defaultPerSecond, Duration maxWait) {
    public RateLimits {
      perOperation = Map.copyOf(perOperation);
      perOperation.forEach(
          (op, rate) -> {
            if (rate <= 0) {
              throw new IllegalArgumentException("rate limit of " + op + " must be positive");
            }
          });
      if (defaultPerSecond <= 0) {
        throw new IllegalArgumentException("default rate limit must be positive");
      }
      Objects.requireNonNull(maxWait, "maxWait");
    }

    /** DescribeServices 20/s, UpdateService 5/s, RegisterTaskDefinition 1/s, others 20/s. */
    public static RateLimits defaults() {
      return new RateLimits(
          Map.of(
              "ecs:DescribeServices", 20,
              "ecs:UpdateService", 5,
              "ecs:RegisterTaskDefinition", 1),
          20,
          Duration.ofSeconds(30));
    }

    /** The rate for one operation. */
    public int perSecond(String service, String operation) {
      return perOperation.getOrDefault(service + ":" + operation, defaultPerSecond);
    }
  }

  /**
   * Exponential backoff with jitter.
   *
   * @param maxAttempts attempts in all, the first included
   * @param initialBackoff the wait before the second attempt
   * @param multiplier growth of the wait per attempt
   * @param jitter randomization factor: a wait {@code w} becomes uniform in {@code w·(1±jitter)}
   * @param maxBackoff the longest single wait
   */
  public record Retries(
      int maxAttempts,
      Duration initialBackoff,
      double multiplier,
      double jitter,
      Duration maxBackoff) {
    public Retries {
      if (maxAttempts < 1) {
        throw new IllegalArgumentException("maxAttempts must be at least 1");
      }
      if (multiplier < 1.0) {
        throw new IllegalArgumentException("multiplier must be at least 1");
      }
      if (jitter < 0 || jitter >= 1) {
        throw new IllegalArgumentException("jitter must be in [0, 1)");
      }
      Objects.requireNonNull(initialBackoff, "initialBackoff");
      Objects.requireNonNull(maxBackoff, "maxBackoff");
    }

    /** 5 attempts, 200 ms ×2 with jitter 0.5, at most 20 s apart. */
    public static Retries defaults() {
      return new Retries(5, Duration.ofMillis(200), 2.0, 0.5, Duration.ofSeconds(20));
    }
  }

  /**
   * A circuit breaker per AWS service, counting throttling, 5xx, timeouts and I/O errors (not "not
   * found" or "invalid", which are answers).
   *
   * @param failureRatePercent the share of failed calls in the window that opens the breaker
   * @param window the number of recent calls looked at
   * @param minimumCalls calls needed before the rate counts
   * @param openFor how long an open breaker refuses calls before letting a few through
   * @param halfOpenCalls trial calls while half-open
   */
  public record Breaker(
      float failureRatePercent, int window, int minimumCalls, Duration openFor, int halfOpenCalls) {
    public Breaker {
      if (failureRatePercent <= 0 || failureRatePercent > 100) {
        throw new IllegalArgumentException("failureRatePercent must be in (0, 100]");
      }
      if (window < 1 || minimumCalls < 1 || halfOpenCalls < 1) {
        throw new IllegalArgumentException("breaker window and call counts must be positive");
      }
      Objects.requireNonNull(openFor, "openFor");
    }

    /**
     * Opens at 50% failures over the last 20 calls (at least 10), for 2 s. Short, because while it
     * is open nothing can tell that AWS answers again: the controller resumes within seconds of the
     * end of an outage only if the breaker lets a trial call through that soon. Two seconds still
     * cuts what an outage sends to a few trial calls a second per AWS service.
     */
    public static Breaker defaults() {
      return new Breaker(50f, 20, 10, Duration.ofSeconds(2), 3);
    }
  }
}
