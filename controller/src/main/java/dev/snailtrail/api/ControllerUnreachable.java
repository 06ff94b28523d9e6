package dev.snailtrail.api;

import java.io.Serial;
import java.net.URI;

/** Nothing answered at the controller's address: it is not running, or the address is wrong. */
public final class ControllerUnreachable extends RuntimeException {
  @Serial private static final long serialVersionUID = 1L;

  public ControllerUnreachable(URI server, Throwable cause) {
    super(
        "cannot reach the controller at "
            + server
            + ": is `snailtrail controller` running? ("
            + cause.getClass().getSimpleName()
            + (cause.getMessage() == null ? "" : ": " + cause.getMessage())
            + ")",
        cause);
  }

  /** The connection was made but broke before an answer came. */
  public ControllerUnreachable(String message, Throwable cause) {
    super(message, cause);
  }
}
