package dev.snailtrail.api;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.snailtrail.controller.ControlPlane;
import dev.snailtrail.rollout.VerbRefused;
import dev.snailtrail.spec.load.SpecException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The controller's HTTP API: rollouts as JSON under {@code /api/v1}, probes, Prometheus metrics and
 * a small status page. Serves a {@link ControlPlane}; holds no state of its own.
 *
 * <p>Mutations need {@code Authorization: Bearer TOKEN}; reads too unless {@link
 * Settings#openReads()}. The probes never do, so an orchestrator can check the process without a
 * secret. A client's mistake is always answered with a 4xx and a message saying what to change.
 */
public final class ApiServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ApiServer.class);
  private static final int THREADS = 8;
  private static final int QUEUE = 64;

  private final ControlPlane plane;
  private final Settings settings;
  private final byte[] token;
  private final RolloutRoutes rollouts;
  private HttpServer server;
  private ThreadPoolExecutor executor;

  /**
   * How the server listens and whom it lets in.
   *
   * @param bind address and port (port 0 picks a free one; see {@link #port()})
   * @param token the bearer token mutations need, or null: then every mutation is refused with 401
   *     saying no token is configured
   * @param openReads let reads (list, get, trail, metrics, the status page) through without a token
   * @param maxBodyBytes larger request bodies are refused with 413 ({@link
   *     #DEFAULT_MAX_BODY_BYTES})
   * @param metricsScrape the Prometheus text exposition, or null to answer {@code /metrics} with
   *     404
   */
  public record Settings(
      InetSocketAddress bind,
      String token,
      boolean openReads,
      int maxBodyBytes,
      Supplier<String> metricsScrape) {
    public static final int DEFAULT_MAX_BODY_BYTES = 1 << 20;

    public Settings {
      if (bind == null) {
        throw new IllegalArgumentException("an API server needs an address to bind");
      }
      if (token != null && token.isBlank()) {
        // An empty token would be matched by an empty "Bearer " header: anyone could write.
        throw new IllegalArgumentException("the API token is empty; give a token or none at all");
      }
      if (maxBodyBytes <= 0) {
        throw new IllegalArgumentException("maxBodyBytes must be positive, got " + maxBodyBytes);
      }
    }

    /** Reads closed, a 1 MiB body limit, no metrics. */
    public Settings(InetSocketAddress bind, String token) {
      this(bind, token, false, DEFAULT_MAX_BODY_BYTES, null);
    }

    public Settings withOpenReads(boolean open) {
      return new Settings(bind, token, open, maxBodyBytes, metricsScrape);
    }

    public Settings withMaxBodyBytes(int max) {
      return new Settings(bind, token, openReads, max, metricsScrape);
    }

    public Settings withMetrics(Supplier<String> scrape) {
      return new Settings(bind, token, openReads, maxBodyBytes, scrape);
    }

    /** Never shows the token: settings end up in logs. */
    @Override
    public String toString() {
      return "Settings[bind="
          + bind
          + ", token="
          + (token == null ? "none" : "(set)")
          + ", openReads="
          + openReads
          + ", maxBodyBytes="
          + maxBodyBytes
          + ", metrics="
          + (metricsScrape != null)
          + "]";
    }
  }

  public ApiServer(ControlPlane plane, Settings settings) {
    this.plane = plane;
    this.settings = settings;
    this.token =
        settings.token() == null ? null : settings.token().getBytes(StandardCharsets.UTF_8);
    this.rollouts = new RolloutRoutes(plane, settings.maxBodyBytes());
  }

  /** Binds and starts serving. */
  public synchronized ApiServer start() {
    if (server != null) {
      throw new IllegalStateException("the API server is already started");
    }
    try {
      server = HttpServer.create(settings.bind(), 0);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot listen on " + settings.bind() + ": " + e, e);
    }
    AtomicInteger n = new AtomicInteger();
    // Bounded: a flood of requests queues a little, then the accepting thread serves the next one
    // itself, which slows accepting instead of growing memory without limit.
    executor =
        new ThreadPoolExecutor(
            THREADS,
            THREADS,
            60,
            TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(QUEUE),
            r -> {
              Thread t = new Thread(r, "snailtrail-api-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            },
            new ThreadPoolExecutor.CallerRunsPolicy());
    executor.allowCoreThreadTimeOut(true);
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.start();
    return this;
  }

  /** The port it listens on (the chosen one when bound to port 0). */
  public synchronized int port() {
    if (server == null) {
      throw new IllegalStateException("the API server is not started");
    }
    return server.getAddress().getPort();
  }

  @Override
  public synchronized void close() {
    if (server == null) {
      return;
    }
    server.stop(1);
    executor.shutdown();
    try {
      executor.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    server = null;
  }

  private void handle(HttpExchange ex) {
    try (ex) {
      try {
        dispatch(ex);
      } catch (HttpError e) {
        if (e.status() == 401) {
          ex.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"snailtrail\"");
        }
        if (e.allow() != null) {
          ex.getResponseHeaders().set("Allow", e.allow());
        }
        Exchanges.json(ex, e.status(), new Resources.ErrorBody(e.getMessage()));
      } catch (ControlPlane.NotFound e) {
        Exchanges.json(ex, 404, new Resources.ErrorBody(e.getMessage()));
      } catch (VerbRefused | ControlPlane.Damaged e) {
        Exchanges.json(ex, 409, new Resources.ErrorBody(e.getMessage()));
      } catch (SpecException e) {
        Exchanges.json(ex, 400, new Resources.ErrorBody("invalid rollout spec", e.problems()));
      } catch (RuntimeException e) {
        LOG.error("{} {} failed", ex.getRequestMethod(), ex.getRequestURI().getRawPath(), e);
        Exchanges.json(
            ex, 500, new Resources.ErrorBody("internal error; the controller's log has details"));
      }
    } catch (IOException e) {
      // The client went away mid-answer; nothing is left to tell it.
      LOG.debug("answer not delivered: {}", e.toString());
    }
  }

  private void dispatch(HttpExchange ex) throws IOException, SpecException {
    String method = ex.getRequestMethod().toUpperCase(Locale.ROOT);
    List<String> path = segments(ex.getRequestURI().getRawPath());
    switch (path.size()) {
      case 0 -> {
        allow(method, "GET");
        authorize(ex, false);
        Exchanges.text(ex, 200, "text/html; charset=utf-8", StatusPage.render(plane));
      }
      case 1 -> probe(ex, method, path.get(0));
      default -> api(ex, method, path);
    }
  }

  private void probe(HttpExchange ex, String method, String name) throws IOException {
    switch (name) {
      case "healthz" -> {
        allow(method, "GET");
        Exchanges.text(ex, 200, Exchanges.TEXT, "ok\n");
      }
      case "readyz" -> {
        allow(method, "GET");
        ControlPlane.Health h;
        try {
          h = plane.health();
        } catch (RuntimeException e) {
          h = new ControlPlane.Health(false, false, "health check failed: " + e.getMessage());
        }
        String message = h.message() == null || h.message().isBlank() ? "" : ": " + h.message();
        Exchanges.text(
            ex,
            h.ready() ? 200 : 503,
            Exchanges.TEXT,
            (h.ready() ? "ready" : "not ready") + message + "\n");
      }
      case "metrics" -> {
        allow(method, "GET");
        if (settings.metricsScrape() == null) {
          throw new HttpError(404, "metrics are not enabled on this controller");
        }
        authorize(ex, false);
        Exchanges.text(
            ex, 200, "text/plain; version=0.0.4; charset=utf-8", settings.metricsScrape().get());
      }
      default -> throw notFound();
    }
  }

  private void api(HttpExchange ex, String method, List<String> path)
      throws IOException, SpecException {
    if (path.size() < 3 || !path.get(0).equals("api") || !path.get(1).equals("v1")) {
      throw notFound();
    }
    if (!path.get(2).equals("rollouts") || path.size() > 5) {
      throw notFound();
    }
    switch (path.size()) {
      case 3 -> {
        allow(method, "GET, POST");
        boolean apply = method.equals("POST");
        authorize(ex, apply);
        if (apply) {
          rollouts.apply(ex);
        } else {
          rollouts.list(ex);
        }
      }
      case 4 -> {
        allow(method, "GET, DELETE");
        boolean delete = method.equals("DELETE");
        authorize(ex, delete);
        if (delete) {
          rollouts.delete(ex, path.get(3));
        } else {
          rollouts.get(ex, path.get(3));
        }
      }
      default -> {
        String name = path.get(3);
        String last = path.get(4);
        if (last.equals("trail")) {
          allow(method, "GET");
          authorize(ex, false);
          rollouts.trail(ex, name);
        } else {
          allow(method, "POST");
          authorize(ex, true);
          rollouts.command(ex, name, last);
        }
      }
    }
  }

  /** Checks the bearer token in constant time; reads pass without one when reads are open. */
  private void authorize(HttpExchange ex, boolean mutation) {
    if (!mutation && settings.openReads()) {
      return;
    }
    if (token == null) {
      throw new HttpError(
          401,
          "no API token is configured on this controller, so "
              + (mutation ? "changes" : "reads")
              + " through the API are refused; start the controller with an API token");
    }
    String header = ex.getRequestHeaders().getFirst("Authorization");
    byte[] presented =
        header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)
            ? header.substring(7).strip().getBytes(StandardCharsets.UTF_8)
            : null;
    if (presented == null) {
      throw new HttpError(401, "this request needs an 'Authorization: Bearer TOKEN' header");
    }
    if (!MessageDigest.isEqual(presented, token)) {
      throw new HttpError(401, "the bearer token is not the controller's API token");
    }
  }

  private static void allow(String method, String allowed) {
    for (String m : allowed.split(", ")) {
      if (m.equals(method)) {
        return;
      }
    }
    throw new HttpError(405, "method " + method + " is not allowed here; use " + allowed, allowed);
  }

  private static HttpError notFound() {
    return new HttpError(404, "no such resource; the API lives under /api/v1/rollouts");
  }

  private static List<String> segments(String rawPath) {
    if (rawPath == null) {
      return List.of();
    }
    return java.util.Arrays.stream(rawPath.split("/")).filter(s -> !s.isEmpty()).toList();
  }
}
