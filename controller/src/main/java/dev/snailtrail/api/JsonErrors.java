package dev.snailtrail.api;

import dev.snailtrail.json.Json;
import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * The answers Jetty gives by itself, before a request reaches the routes: a request line, URI or
 * header it cannot parse, headers over the size limit. They get the API's JSON error shape, like
 * every other error; never an HTML page.
 */
final class JsonErrors extends ErrorHandler {

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    int status = response.getStatus();
    if (request.getAttribute(ERROR_STATUS) instanceof Integer s) {
      status = s;
    }
    String reason = request.getAttribute(ERROR_MESSAGE) instanceof String m ? m : null;
    response.setStatus(status);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, Exchange.JSON);
    response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
    response.write(true, ByteBuffer.wrap(body(status, reason)), callback);
    return true;
  }

  private static byte[] body(int status, String reason) {
    return Json.mapper().writeValueAsBytes(new Resources.ErrorBody(sentence(status, reason)));
  }

  static String sentence(int status, String reason) {
    String why = reason == null || reason.isBlank() ? "" : " (" + Echo.of(reason) + ")";
    return switch (status) {
      case 400 ->
          "the request is not valid HTTP"
              + why
              + "; check the request line, the URI's percent-encoding and the headers";
      case 408 -> "the request did not arrive in time" + why;
      case 413 -> "the request is larger than the server accepts" + why;
      case 414 -> "the request URI is longer than the server accepts" + why;
      case 417 -> "the request expects something the server does not do" + why;
      case 431 -> "the request headers are larger than the server accepts" + why;
      case 505 -> "the HTTP version is not supported; use HTTP/1.1" + why;
      default ->
          status >= 500
              ? "internal error; the controller's log has details"
              : "the request was refused" + why;
    };
  }
}
