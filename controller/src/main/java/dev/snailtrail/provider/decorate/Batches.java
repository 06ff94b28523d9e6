package dev.snailtrail.provider.decorate;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/** What the batching decorators share: cluster names as events give them, and awaiting a fetch. */
final class Batches {
  private Batches() {}

  /** A cluster's name, from its name or its ARN (events name clusters by ARN). */
  static String shortName(String cluster) {
    return cluster.substring(cluster.lastIndexOf('/') + 1);
  }

  /** The fetch's result, or the very exception it failed with. */
  static <T> T await(CompletableFuture<T> fetch) {
    try {
      return fetch.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      if (e.getCause() instanceof Error err) {
        throw err;
      }
      throw e;
    }
  }
}
