package dev.snailtrail.api;

import dev.snailtrail.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Blocker;

/**
 * One request and its answer, as the routes see them: Jetty stays behind this class and {@link
 * ApiServer}. Answers are written whole, blocking the (virtual) thread that serves the request.
 */
final class Exchange {
  static final String JSON = "application/json; charset=utf-8";
  static final String TEXT = "text/plain; charset=utf-8";

  private final Request request;
  private final Response response;
  private final SlowClients.Watch watch;
  private boolean bodyConsumed;

  Exchange(Request request, Response response, SlowClients.Watch watch) {
    this.request = request;
    this.response = response;
    this.watch = watch;
  }

  /** The method, upper case. */
  String method() {
    return request.getMethod().toUpperCase(Locale.ROOT);
  }

  /** The path as sent, still percent-encoded. */
  String rawPath() {
    String path = request.getHttpURI().getPath();
    return path == null ? "/" : path;
  }

  /** A request header's first value, or null. */
  String header(String name) {
    return request.getHeaders().get(name);
  }

  /** Sets a header of the answer. */
  void answerHeader(String name, String value) {
    response.getHeaders().put(name, value);
  }

  /**
   * The request body as UTF-8 text, read no further than {@code max} bytes: a larger body is
   * refused with 413 before it is buffered, whatever its Content-Length claims. The body must
   * arrive within the body timeout, or the connection is closed.
   */
  String body(int max) throws IOException {
    String declared = header("Content-Length");
    if (declared != null) {
      long length;
      try {
        length = Long.parseLong(declared.strip());
      } catch (NumberFormatException e) {
        throw new HttpError(400, "Content-Length is not a number");
      }
      if (length > max) {
        throw tooLarge(max);
      }
    }
    byte[] bytes;
    watch.readingBody();
    try {
      InputStream in = Request.asInputStream(request);
      bytes = in.readNBytes(max + 1);
    } finally {
      watch.handling();
    }
    if (bytes.length > max) {
      throw tooLarge(max);
    }
    bodyConsumed = true;
    try {
      return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      throw new HttpError(400, "the request body is not UTF-8 text");
    }
  }

  /** Whether the request says it carries a body. */
  boolean hasBody() {
    String length = header("Content-Length");
    return header("Transfer-Encoding") != null || (length != null && !length.strip().equals("0"));
  }

  private static HttpError tooLarge(int max) {
    return new HttpError(413, "the request body is larger than the limit of " + max + " bytes");
  }

  /** The query parameters; a repeated name keeps its last value. */
  Map<String, String> query() {
    Map<String, String> params = new HashMap<>();
    String raw = request.getHttpURI().getQuery();
    if (raw == null || raw.isEmpty()) {
      return params;
    }
    for (String pair : raw.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String name = eq < 0 ? pair : pair.substring(0, eq);
      String value = eq < 0 ? "" : pair.substring(eq + 1);
      try {
        params.put(
            URLDecoder.decode(name, StandardCharsets.UTF_8),
            URLDecoder.decode(value, StandardCharsets.UTF_8));
      } catch (IllegalArgumentException e) {
        throw new HttpError(400, "the query string is not valid percent-encoding");
      }
    }
    return params;
  }

  void json(int status, Object body) throws IOException {
    send(status, JSON, Json.mapper().writeValueAsBytes(body));
  }

  void text(int status, String contentType, String body) throws IOException {
    send(status, contentType, body.getBytes(StandardCharsets.UTF_8));
  }

  void send(int status, String contentType, byte[] body) throws IOException {
    response.setStatus(status);
    response.getHeaders().put("Content-Type", contentType);
    response.getHeaders().put("Cache-Control", "no-store");
    response.getHeaders().put("X-Content-Type-Options", "nosniff");
    if (!bodyConsumed && hasBody()) {
      // Answered without reading all that was sent (a refusal, a body over the limit): the
      // connection cannot carry another request, so say so rather than let the client send one
      // into a closing socket.
      response.getHeaders().put("Connection", "close");
    }
    try (Blocker.Callback written = Blocker.callback()) {
      response.write(true, ByteBuffer.wrap(body), written);
      written.block();
    }
  }
}
