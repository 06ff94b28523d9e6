package dev.snailtrail.sim;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.snailtrail.provider.ServiceRef;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One real HTTP server per simulated service on a loopback port, answering as the service's tasks
 * would. Requests are answered on the server's own thread; {@link Handler} takes the simulator's
 * lock.
 */
final class Loopback {
  /** Answers a request to a service with the path the app sees. */
  interface Handler {
    ServiceApp.Answer handle(ServiceRef service, String path);
  }

  private record Server(HttpServer http, String prefix) {}

  private final Handler handler;
  private final Map<ServiceRef, Server> servers = new HashMap<>();

  Loopback(Handler handler) {
    this.handler = handler;
  }

  /** The server's port, started on first use; {@code prefix} is stripped from request paths. */
  synchronized int port(ServiceRef service, String prefix) {
    Server s = servers.get(service);
    if (s == null) {
      s = start(service, prefix);
      servers.put(service, s);
    }
    return s.http().getAddress().getPort();
  }

  private Server start(ServiceRef service, String prefix) {
    try {
      HttpServer http =
          HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
      http.createContext("/", exchange -> serve(service, prefix, exchange));
      http.start();
      return new Server(http, prefix);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot listen on a loopback port", e);
    }
  }

  private void serve(ServiceRef service, String prefix, HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getPath();
      if (!prefix.isEmpty() && path.startsWith(prefix)) {
        path = path.substring(prefix.length());
        path = path.isEmpty() ? "/" : path;
      }
      ServiceApp.Answer answer = handler.handle(service, path);
      byte[] body = answer.body().getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      if (answer.taskId() != null) {
        exchange.getResponseHeaders().set("X-Snailtrail-Task", answer.taskId());
      }
      boolean head = exchange.getRequestMethod().equalsIgnoreCase("HEAD");
      exchange.sendResponseHeaders(answer.status(), head ? -1 : body.length);
      if (!head) {
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(body);
        }
      }
    }
  }

  /** Stops every server. Must not be called holding the simulator's lock. */
  void close() {
    List<Server> all;
    synchronized (this) {
      all = new ArrayList<>(servers.values());
      servers.clear();
    }
    for (Server s : all) {
      s.http().stop(0);
    }
  }
}
