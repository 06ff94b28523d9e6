package dev.snailtrail.aws;

import dev.snailtrail.provider.CallListener;
import dev.snailtrail.provider.ProviderException.Kind;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.github.resilience4j.ratelimiter.RequestNotPermitted;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Supplier;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * Every AWS request of the adapters goes through here, and this is the only place where requests
 * are retried, rate-limited or refused: retry (outermost, exponential backoff with jitter) around a
 * rate limiter per ECS API category (or per service) around a circuit breaker per AWS service
 * around one SDK call. Failures leave as {@link dev.snailtrail.provider.ProviderException}.
 */
final class AwsCalls {

  private final AwsSettings settings;
  private final RetryConfig retryConfig;
  private final CircuitBreakerConfig breakerConfig;
  private final ConcurrentMap<String, Retry> retries = new ConcurrentHashMap<>();
  private final ConcurrentMap<String, CircuitBreaker> breakers = new ConcurrentHashMap<>();
  private final ConcurrentMap<String, RateLimiter> limiters = new ConcurrentHashMap<>();

  AwsCalls(AwsSettings settings) {
    this.settings = settings;
    AwsSettings.Retries r = settings.retries();
    this.retryConfig =
        RetryConfig.custom()
            .maxAttempts(r.maxAttempts())
            .intervalFunction(
                IntervalFunction.ofExponentialRandomBackoff(
                    r.initialBackoff(), r.multiplier(), r.jitter(), r.maxBackoff()))
            .retryOnException(AwsErrors::isRetryable)
            .build();
    AwsSettings.Breaker b = settings.breaker();
    // Only signs of a struggling service count against it; "not found" or "invalid" are answers,
    // so they count as successful calls.
    this.breakerConfig =
        CircuitBreakerConfig.custom()
            .failureRateThreshold(b.failureRatePercent())
            .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
            .slidingWindowSize(b.window())
            .minimumNumberOfCalls(b.minimumCalls())
            .waitDurationInOpenState(b.openFor())
            .permittedNumberOfCallsInHalfOpenState(b.halfOpenCalls())
            .recordException(AwsErrors::isRetryable)
            .clock(settings.clock())
            .build();
  }

  /**
   * Runs one SDK request with retries, rate limit and breaker.
   *
   * @param service the SDK's short service name (ecs, elbv2, cloudwatch, logs, ecr, ec2)
   * @param operation the API operation
   * @param request the SDK call; an exception it turns into an answer itself (e.g. "image not
   *     found" as empty) is neither retried nor counted against the service
   * @throws dev.snailtrail.provider.ProviderException when no answer came
   */
  <T> T call(String service, String operation, Supplier<T> request) {
    Supplier<T> attempt =
        RateLimiter.decorateSupplier(
            limiter(service, operation),
            CircuitBreaker.decorateSupplier(breaker(service), timed(service, operation, request)));
    try {
      return retry(service).executeSupplier(() -> reportRefusals(service, operation, attempt));
    } catch (SdkException | CallNotPermittedException | RequestNotPermitted e) {
      throw AwsErrors.toProviderException(service, operation, e);
    }
  }

  /** The breaker of a service, for tests and health reporting. */
  CircuitBreaker.State breakerState(String service) {
    return breaker(service).getState();
  }

  private <T> Supplier<T> timed(String service, String operation, Supplier<T> request) {
    return () -> {
      long start = settings.clock().millis();
      try {
        T result = request.get();
        report(service, operation, CallListener.SUCCESS, start);
        return result;
      } catch (RuntimeException e) {
        String outcome =
            AwsErrors.kindOf(e) == Kind.THROTTLED ? CallListener.THROTTLED : CallListener.ERROR;
        report(service, operation, outcome, start);
        throw e;
      }
    };
  }

  private <T> T reportRefusals(String service, String operation, Supplier<T> attempt) {
    try {
      return attempt.get();
    } catch (CallNotPermittedException e) {
      settings.listener().onCall(service, operation, CallListener.CIRCUIT_OPEN, Duration.ZERO);
      throw e;
    } catch (RequestNotPermitted e) {
      settings.listener().onCall(service, operation, CallListener.THROTTLED, Duration.ZERO);
      throw e;
    }
  }

  private void report(String service, String operation, String outcome, long startMillis) {
    Duration took = Duration.ofMillis(Math.max(0, settings.clock().millis() - startMillis));
    settings.listener().onCall(service, operation, outcome, took);
  }

  private Retry retry(String service) {
    return retries.computeIfAbsent(service, s -> Retry.of("aws-" + s, retryConfig));
  }

  private CircuitBreaker breaker(String service) {
    return breakers.computeIfAbsent(service, s -> CircuitBreaker.of("aws-" + s, breakerConfig));
  }

  private RateLimiter limiter(String service, String operation) {
    AwsSettings.RateLimits limits = settings.rateLimits();
    String key = service + ":" + operation;
    String name = limits.perOperation().containsKey(key) ? key : service + ":*";
    return limiters.computeIfAbsent(
        name,
        n ->
            RateLimiter.of(
                "aws-" + n,
                RateLimiterConfig.custom()
                    .limitForPeriod(limits.perSecond(service, operation))
                    .limitRefreshPeriod(Duration.ofSeconds(1))
                    .timeoutDuration(limits.maxWait())
                    .build()));
  }
}
