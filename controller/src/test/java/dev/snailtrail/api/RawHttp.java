package dev.snailtrail.api;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.1 spoken by hand over a socket, for what a well-behaved client never sends: malformed
 * request lines, headers that never end, bodies that trickle.
 */
final class RawHttp {
  private RawHttp() {}

  /** An answer as it came off the wire. */
  record Answer(int status, Map<String, String> headers, String body) {
    String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }
  }

  /** A connection, failing when the server does not take it within 5 s (its backlog is full). */
  static Socket connect(int port) throws IOException {
    Socket s = new Socket();
    s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5_000);
    s.setSoTimeout(10_000);
    return s;
  }

  /** Sends {@code request} as it is (ISO-8859-1) and reads the answer to the end of the stream. */
  static Answer exchange(int port, String request) throws IOException {
    try (Socket s = connect(port)) {
      OutputStream out = s.getOutputStream();
      try {
        out.write(request.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
      } catch (SocketException e) {
        // The server answered (a request line over the limit, say) and closed before all of a
        // long request was written: its answer is still there to read.
      }
      return parse(readAll(s.getInputStream()));
    }
  }

  static byte[] readAll(InputStream in) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    byte[] buf = new byte[8192];
    try {
      for (int n; (n = in.read(buf)) >= 0; ) {
        b.write(buf, 0, n);
      }
    } catch (SocketException e) {
      // A reset after the answer: what arrived is the answer.
    }
    return b.toByteArray();
  }

  static Answer parse(byte[] raw) {
    String text = new String(raw, StandardCharsets.UTF_8);
    int end = text.indexOf("\r\n\r\n");
    if (end < 0) {
      throw new AssertionError("no complete answer: '" + text + "'");
    }
    String[] lines = text.substring(0, end).split("\r\n");
    int status = Integer.parseInt(lines[0].split(" ")[1]);
    Map<String, String> headers = new LinkedHashMap<>();
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      headers.put(
          lines[i].substring(0, colon).strip().toLowerCase(Locale.ROOT),
          lines[i].substring(colon + 1).strip());
    }
    return new Answer(status, headers, text.substring(end + 4));
  }

  /**
   * Reads until the server closes the connection (or resets it), failing if it is still open after
   * the socket's read timeout.
   *
   * @return the bytes that arrived before the close
   */
  static byte[] untilClosed(Socket s) throws IOException {
    try {
      return readAll(s.getInputStream());
    } catch (SocketTimeoutException e) {
      throw new AssertionError(
          "the server kept the connection open for " + s.getSoTimeout() + " ms");
    }
  }
}
