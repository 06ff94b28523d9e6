package dev.snailtrail.provider;

import java.time.Duration;
import java.util.List;

/**
 * Where announced {@link Change}s arrive: an SQS queue an EventBridge rule feeds, or the
 * simulator's own events. What a feed hands out it has let go of: a change lost on the way is never
 * asked for again, since the controller's polling and resync do not depend on it.
 */
public interface ChangeFeed extends AutoCloseable {

  /**
   * The changes that arrived, waiting up to {@code wait} for the first; empty when none came.
   *
   * @throws ProviderException when the feed cannot be read (the caller backs off and asks again)
   * @throws InterruptedException when the waiting thread is interrupted
   */
  List<Change> next(Duration wait) throws InterruptedException;

  /** Stops a feed: a {@link #next} waiting returns soon after. */
  @Override
  default void close() {}
}
