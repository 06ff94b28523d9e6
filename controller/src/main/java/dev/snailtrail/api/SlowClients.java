package dev.snailtrail.api;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.io.Connection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deadlines for clients that send slowly. A connection has the header timeout to deliver the whole
 * header of its next request, counted from when it opens or its previous answer is sent (so an idle
 * kept-alive connection is closed after it too), and a request has the body timeout to deliver its
 * body once the routes start reading it. A connection past its deadline is closed, whatever it is
 * still sending: a trickle of one byte a second keeps an idle timeout from firing, but not this.
 *
 * <p>No slow client holds a thread meanwhile: Jetty parses headers as bytes arrive, and a request
 * reading its body blocks a virtual thread. The deadlines bound how long a slow client holds one of
 * the server's connections.
 */
final class SlowClients implements Connection.Listener, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SlowClients.class);

  private final Duration headerTimeout;
  private final Duration bodyTimeout;
  private final Map<Connection, Watch> watches = new ConcurrentHashMap<>();
  private final ScheduledThreadPoolExecutor timer;

  SlowClients(Duration headerTimeout, Duration bodyTimeout) {
    this.headerTimeout = headerTimeout;
    this.bodyTimeout = bodyTimeout;
    this.timer =
        new ScheduledThreadPoolExecutor(
            1,
            r -> {
              Thread t = new Thread(r, "snailtrail-api-deadlines");
              t.setDaemon(true);
              return t;
            });
    timer.setRemoveOnCancelPolicy(true);
  }

  @Override
  public void onOpened(Connection connection) {
    Watch w = new Watch(connection);
    watches.put(connection, w);
    w.waiting();
  }

  @Override
  public void onClosed(Connection connection) {
    Watch w = watches.remove(connection);
    if (w != null) {
      w.cancel();
    }
  }

  /** The watch over a connection a request arrived on. */
  Watch watch(Connection connection) {
    Watch w = watches.get(connection);
    // A connection is opened before any request on it arrives; this covers one closed meanwhile.
    return w != null ? w : new Watch(connection);
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }

  /** What one connection is waiting for, and until when. */
  final class Watch {
    private final Connection connection;
    private ScheduledFuture<?> deadline;
    // Moves on every change, so a deadline that fires as it is cancelled closes nothing.
    private long generation;

    private Watch(Connection connection) {
      this.connection = connection;
    }

    /** Waiting for a request's header: from the open, or from the previous answer. */
    synchronized void waiting() {
      expireAfter(headerTimeout, "the header of a request");
    }

    /** A request's header arrived; it is being served. */
    synchronized void handling() {
      cancel();
    }

    /** The routes read a request's body. */
    synchronized void readingBody() {
      expireAfter(bodyTimeout, "the body of a request");
    }

    private void expireAfter(Duration limit, String what) {
      cancel();
      if (timer.isShutdown()) {
        return;
      }
      long current = generation;
      deadline =
          timer.schedule(() -> expire(current, limit, what), limit.toNanos(), TimeUnit.NANOSECONDS);
    }

    private void expire(long expected, Duration limit, String what) {
      synchronized (this) {
        if (expected != generation) {
          return;
        }
        deadline = null;
      }
      LOG.debug(
          "closing {}: {} took longer than {}",
          connection.getEndPoint().getRemoteSocketAddress(),
          what,
          limit);
      connection.getEndPoint().close();
    }

    synchronized void cancel() {
      generation++;
      if (deadline != null) {
        deadline.cancel(false);
        deadline = null;
      }
    }
  }
}
