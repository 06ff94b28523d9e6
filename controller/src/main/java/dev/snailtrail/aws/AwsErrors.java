package dev.snailtrail.aws;

import dev.snailtrail.provider.ProviderException;
import dev.snailtrail.provider.ProviderException.Kind;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.ratelimiter.RequestNotPermitted;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.Set;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.AbortedException;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;

/** Sorts SDK failures into the controller's {@link Kind}s and decides which are worth a retry. */
final class AwsErrors {

  // Error codes AWS services use for throttling beyond what the SDK recognises on its own.
  private static final Set<String> THROTTLING_CODES =
      Set.of(
          "Throttling",
          "ThrottlingException",
          "ThrottledException",
          "TooManyRequestsException",
          "RequestLimitExceeded",
          "RequestThrottled",
          "RequestThrottledException",
          "ProvisionedThroughputExceededException",
          "SlowDown",
          "PriorRequestNotComplete",
          "EC2ThrottledException",
          "BandwidthLimitExceeded");

  private static final Set<String> ACCESS_CODES =
      Set.of(
          "AccessDenied",
          "AccessDeniedException",
          "UnauthorizedOperation",
          "UnrecognizedClientException",
          "InvalidClientTokenId",
          "ExpiredToken",
          "ExpiredTokenException",
          "AuthFailure",
          "SignatureDoesNotMatch",
          "MissingAuthenticationToken",
          "IncompleteSignature",
          "OptInRequired");

  private static final Set<String> TRANSIENT_CODES =
      Set.of(
          "ServerException",
          "InternalFailure",
          "InternalError",
          "InternalServerError",
          "InternalServiceError",
          "ServiceUnavailable",
          "ServiceUnavailableException",
          "Unavailable",
          "RequestTimeout",
          "RequestTimeoutException");

  private AwsErrors() {}

  /** The kind of a failure of one call. */
  static Kind kindOf(Throwable t) {
    if (t instanceof CallNotPermittedException) {
      return Kind.UNAVAILABLE;
    }
    if (t instanceof RequestNotPermitted) {
      return Kind.THROTTLED;
    }
    if (t instanceof AwsServiceException e) {
      return kindOfService(e);
    }
    if (isIoOrTimeout(t)) {
      return Kind.TRANSIENT;
    }
    if (t instanceof SdkClientException e && mentionsCredentials(e)) {
      return Kind.ACCESS_DENIED;
    }
    return Kind.TRANSIENT;
  }

  private static Kind kindOfService(AwsServiceException e) {
    String code = code(e);
    int status = e.statusCode();
    if (e.isThrottlingException() || THROTTLING_CODES.contains(code) || status == 429) {
      return Kind.THROTTLED;
    }
    if (ACCESS_CODES.contains(code) || status == 401 || status == 403) {
      return Kind.ACCESS_DENIED;
    }
    if (TRANSIENT_CODES.contains(code) || status >= 500) {
      return Kind.TRANSIENT;
    }
    if (code.endsWith("NotFoundException")
        || code.endsWith("NotFound")
        || code.contains(".NotFound")
        || code.equals("ResourceNotFound")
        || status == 404) {
      return Kind.NOT_FOUND;
    }
    return Kind.INVALID;
  }

  /**
   * Whether another attempt may succeed: throttling, 5xx, timeouts and I/O errors. A refusal by the
   * client's own rate limiter or breaker is not retried: both already waited or decided.
   */
  static boolean isRetryable(Throwable t) {
    if (t instanceof CallNotPermittedException || t instanceof RequestNotPermitted) {
      return false;
    }
    if (t instanceof AwsServiceException e) {
      Kind kind = kindOfService(e);
      return kind == Kind.THROTTLED || kind == Kind.TRANSIENT;
    }
    return isIoOrTimeout(t);
  }

  /** The failure as the port's exception, naming the AWS error code and request id. */
  static ProviderException toProviderException(String service, String operation, Throwable t) {
    Kind kind = kindOf(t);
    String requestId = null;
    String message;
    if (t instanceof AwsServiceException e) {
      requestId = e.requestId();
      String detail =
          e.awsErrorDetails() != null && e.awsErrorDetails().errorMessage() != null
              ? e.awsErrorDetails().errorMessage()
              : "no message";
      // An answer the SDK could not read (e.g. XML where JSON belongs) leaves no error code.
      String code = code(e);
      message =
          (code.isEmpty() ? "HTTP " + e.statusCode() : code + " (HTTP " + e.statusCode() + ")")
              + ": "
              + detail
              + (requestId == null ? "" : "; request id " + requestId);
    } else if (t instanceof CallNotPermittedException) {
      message =
          "not sent: too many recent "
              + service
              + " calls failed (circuit breaker open); calls resume after a pause";
    } else if (t instanceof RequestNotPermitted) {
      message = "not sent: the client-side rate limit for " + operation + " stayed exhausted";
    } else if (t instanceof SdkException e) {
      message = e.getClass().getSimpleName() + ": " + e.getMessage();
    } else {
      message = t.toString();
    }
    return new ProviderException(kind, service, operation, requestId, message, t);
  }

  private static String code(AwsServiceException e) {
    if (e.awsErrorDetails() != null && e.awsErrorDetails().errorCode() != null) {
      return e.awsErrorDetails().errorCode();
    }
    return "";
  }

  private static boolean isIoOrTimeout(Throwable t) {
    if (t instanceof ApiCallAttemptTimeoutException || t instanceof ApiCallTimeoutException) {
      return true;
    }
    if (t instanceof AbortedException) {
      return false;
    }
    if (t instanceof SdkClientException) {
      for (Throwable c = t.getCause(); c != null; c = c.getCause()) {
        if (c instanceof IOException || c instanceof UncheckedIOException) {
          return true;
        }
      }
    }
    return false;
  }

  private static boolean mentionsCredentials(SdkClientException e) {
    String m = e.getMessage();
    return m != null && m.toLowerCase(Locale.ROOT).contains("credentials");
  }
}
