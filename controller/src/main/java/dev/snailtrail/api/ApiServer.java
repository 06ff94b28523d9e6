package dev.snailtrail.api;

import dev.snailtrail.controller.ControlPlane;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The controller's HTTP API: rollouts as JSON under {@code /api/v1}, probes, Prometheus metrics and
 * a small status page. Serves a {@link ControlPlane}; holds no state of its own.
 *
 * <p>Mutations need {@code Authorization: Bearer TOKEN}; reads too unless {@link
 * Settings#openReads()}, and then a reader without the token sees secrets masked ({@link
 * Redaction}). The probes never need it, so an orchestrator can check the process without a secret.
 * A client's mistake is always answered with a 4xx and a message saying what to change.
 *
 * <p>Served by Jetty, set so that slow or many clients cannot freeze it ({@link Limits}): headers
 * are parsed as their bytes arrive without holding a thread, each request is served on a virtual
 * thread, a connection that takes too long over a request's header or body is closed ({@link
 * SlowClients}), and the server holds at most {@link Limits#maxConnections()} connections.
 */
public final class ApiServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ApiServer.class);
  private static final int HEADER_BYTES = 8 * 1024;

  private final Settings settings;
  private final Routes routes;
  private Server server;
  private ServerConnector connector;
  private SlowClients slowClients;
  private ExecutorService requests;

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
   * @param limits how long and how many clients may hold the server
   * @param metricsToken a bearer token that lets a scraper read {@code /metrics} and nothing else,
   *     or null (then {@code /metrics} takes the API token, or none with open reads)
   */
  public record Settings(
      InetSocketAddress bind,
      String token,
      boolean openReads,
      int maxBodyBytes,
      Supplier<String> metricsScrape,
      Limits limits,
      String metricsToken) {
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
      if (metricsToken != null && metricsToken.isBlank()) {
        throw new IllegalArgumentException("the metrics token is empty; give a token or none");
      }
      if (limits == null) {
        throw new IllegalArgumentException("an API server needs limits; Limits.DEFAULT will do");
      }
    }

    /** Without a metrics token of its own. */
    public Settings(
        InetSocketAddress bind,
        String token,
        boolean openReads,
        int maxBodyBytes,
        Supplier<String> metricsScrape,
        Limits limits) {
      this(bind, token, openReads, maxBodyBytes, metricsScrape, limits, null);
    }

    /** Reads closed, a 1 MiB body limit, no metrics, the default limits. */
    public Settings(InetSocketAddress bind, String token) {
      this(bind, token, false, DEFAULT_MAX_BODY_BYTES, null, Limits.DEFAULT);
    }

    public Settings withOpenReads(boolean open) {
      return new Settings(bind, token, open, maxBodyBytes, metricsScrape, limits, metricsToken);
    }

    public Settings withMaxBodyBytes(int max) {
      return new Settings(bind, token, openReads, max, metricsScrape, limits, metricsToken);
    }

    public Settings withMetrics(Supplier<String> scrape) {
      return new Settings(bind, token, openReads, maxBodyBytes, scrape, limits, metricsToken);
    }

    /** A token that lets a scraper read {@code /metrics} alone; null: none. */
    public Settings withMetricsToken(String t) {
      return new Settings(bind, token, openReads, maxBodyBytes, metricsScrape, limits, t);
    }

    public Settings withLimits(Limits l) {
      return new Settings(bind, token, openReads, maxBodyBytes, metricsScrape, l, metricsToken);
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
          + ", "
          + limits
          + "]";
    }
  }

  /**
   * How long and how many clients may hold the server.
   *
   * @param headerTimeout a connection must deliver the whole header of its next request within
   *     this, counted from when it opens or its previous answer is sent; else it is closed
   * @param bodyTimeout a request must deliver its body within this once the server reads it; else
   *     its connection is closed
   * @param maxConnections connections held at once; past this the server accepts no more until one
   *     closes (they wait in the listen backlog)
   */
  public record Limits(Duration headerTimeout, Duration bodyTimeout, int maxConnections) {
    public static final Limits DEFAULT =
        new Limits(Duration.ofSeconds(10), Duration.ofSeconds(30), 512);

    public Limits {
      if (headerTimeout == null || headerTimeout.isNegative() || headerTimeout.isZero()) {
        throw new IllegalArgumentException("the header timeout must be positive");
      }
      if (bodyTimeout == null || bodyTimeout.isNegative() || bodyTimeout.isZero()) {
        throw new IllegalArgumentException("the body timeout must be positive");
      }
      if (maxConnections < 1) {
        throw new IllegalArgumentException(
            "the connection limit must be at least 1, got " + maxConnections);
      }
    }
  }

  public ApiServer(ControlPlane plane, Settings settings) {
    this.settings = settings;
    this.routes = new Routes(plane, settings);
  }

  /** Binds and starts serving. */
  public synchronized ApiServer start() {
    if (server != null) {
      throw new IllegalStateException("the API server is already started");
    }
    Limits limits = settings.limits();
    slowClients = new SlowClients(limits.headerTimeout(), limits.bodyTimeout());
    requests =
        Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("snailtrail-api-", 1).factory());
    // Platform threads only for accepting and selecting; requests run on virtual threads.
    QueuedThreadPool threads = new QueuedThreadPool(8, 2);
    threads.setName("snailtrail-api");
    threads.setDaemon(true);
    threads.setVirtualThreadsExecutor(requests);
    server = new Server(threads);
    HttpConfiguration http = new HttpConfiguration();
    http.setSendServerVersion(false);
    http.setSendXPoweredBy(false);
    http.setRequestHeaderSize(HEADER_BYTES);
    connector = new ServerConnector(server, 1, 1, new HttpConnectionFactory(http));
    connector.setHost(settings.bind().getHostString());
    connector.setPort(settings.bind().getPort());
    // A backstop for a client that stops reading its answer; slow senders meet SlowClients first.
    connector.setIdleTimeout(limits.bodyTimeout().toMillis());
    connector.addEventListener(slowClients);
    server.addConnector(connector);
    server.addBean(new NetworkConnectionLimit(limits.maxConnections(), connector));
    server.setErrorHandler(new JsonErrors());
    server.setHandler(new Serve());
    // Stop at once: a graceful stop would wait for idle kept-alive connections to go away.
    server.setStopTimeout(0);
    try {
      server.start();
    } catch (Exception e) {
      stopQuietly();
      IOException io = e instanceof IOException i ? i : new IOException(e.toString(), e);
      throw new UncheckedIOException("cannot listen on " + settings.bind() + ": " + e, io);
    }
    return this;
  }

  /** The port it listens on (the chosen one when bound to port 0). */
  public synchronized int port() {
    if (server == null) {
      throw new IllegalStateException("the API server is not started");
    }
    return connector.getLocalPort();
  }

  @Override
  public synchronized void close() {
    if (server == null) {
      return;
    }
    stopQuietly();
  }

  private void stopQuietly() {
    try {
      server.stop();
    } catch (Exception e) {
      LOG.debug("stopping the API server: {}", e.toString());
    }
    slowClients.close();
    // Requests in flight finish (a store write is never interrupted), briefly.
    requests.shutdown();
    try {
      requests.awaitTermination(1, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    server = null;
  }

  /** Every request, once Jetty has its header. */
  private final class Serve extends Handler.Abstract {
    @Override
    public boolean handle(Request request, Response response, Callback callback) {
      Connection connection = request.getConnectionMetaData().getConnection();
      SlowClients.Watch watch = slowClients.watch(connection);
      watch.handling();
      try {
        routes.handle(new Exchange(request, response, watch));
        watch.waiting();
        callback.succeeded();
      } catch (IOException | RuntimeException e) {
        // The client went away mid-answer, or took too long; nothing is left to tell it.
        LOG.debug("answer not delivered: {}", e.toString());
        callback.failed(e);
      }
      return true;
    }
  }
}
