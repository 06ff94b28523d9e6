package dev.snailtrail.trail;

/** Somewhere trail events go: the console, a JSONL file, memory in tests. */
public interface TrailSink {

  void accept(TrailEvent event);

  /** Drops events. */
  TrailSink NOOP = event -> {};
}
