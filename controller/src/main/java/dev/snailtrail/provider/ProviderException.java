package dev.snailtrail.provider;

/**
 * A provider call did not give an answer. {@link Kind#NOT_FOUND} and {@link Kind#INVALID} are
 * answers about the world; the other kinds say the provider could not be asked, and must never
 * count as a failed gate.
 */
public final class ProviderException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** What went wrong, in the controller's terms. */
  public enum Kind {
    NOT_FOUND,
    THROTTLED,
    ACCESS_DENIED,
    INVALID,
    TRANSIENT,
    UNAVAILABLE
  }

  private final Kind kind;
  private final String service;
  private final String operation;
  private final String requestId;

  public ProviderException(
      Kind kind,
      String service,
      String operation,
      String requestId,
      String message,
      Throwable cause) {
    super(message, cause);
    this.kind = kind;
    this.service = service;
    this.operation = operation;
    this.requestId = requestId;
  }

  public ProviderException(Kind kind, String service, String operation, String message) {
    this(kind, service, operation, null, message, null);
  }

  public Kind kind() {
    return kind;
  }

  public String service() {
    return service;
  }

  public String operation() {
    return operation;
  }

  /** The AWS request id, or null. */
  public String requestId() {
    return requestId;
  }

  /** Whether this error says the provider could not answer (as opposed to a real answer). */
  public boolean isOutage() {
    return switch (kind) {
      case THROTTLED, TRANSIENT, UNAVAILABLE, ACCESS_DENIED -> true;
      case NOT_FOUND, INVALID -> false;
    };
  }

  /** A one-line description for gate messages and trail events. */
  public String describe() {
    StringBuilder b = new StringBuilder();
    b.append(service)
        .append(' ')
        .append(operation)
        .append(": ")
        .append(kind)
        .append(" - ")
        .append(getMessage());
    if (requestId != null) {
      b.append(" (request ").append(requestId).append(')');
    }
    return b.toString();
  }
}
