package dev.snailtrail.api;

import java.io.Serial;

/** A request the server answers with a 4xx status and a message, before or instead of acting. */
final class HttpError extends RuntimeException {
  @Serial private static final long serialVersionUID = 1L;

  private final int status;
  private final transient String allow;

  HttpError(int status, String message) {
    this(status, message, null);
  }

  /**
   * @param allow the methods a 405 lists in its {@code Allow} header, or null
   */
  HttpError(int status, String message, String allow) {
    super(message, null, false, false);
    this.status = status;
    this.allow = allow;
  }

  int status() {
    return status;
  }

  String allow() {
    return allow;
  }
}
