package dev.snailtrail.metrics;

import dev.snailtrail.provider.CallListener;
import dev.snailtrail.rollout.Condition;
import dev.snailtrail.rollout.GateStatus;
import dev.snailtrail.rollout.RolloutStatus;
import dev.snailtrail.spec.Rollout;
import dev.snailtrail.trail.EventType;
import dev.snailtrail.trail.PassOutcome;
import dev.snailtrail.trail.TrailEvent;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The {@link Metrics} port on Micrometer with a Prometheus registry: the one place Micrometer is
 * used. Serve {@link #scrape()} at {@code /metrics}. Label values stay bounded: rollout and phase
 * names, gate kinds, {@link dev.snailtrail.rollout.Reason} names, AWS service and operation names;
 * never ARNs, task ids or messages. Meter names and their meaning are listed in docs/metrics.md.
 */
public final class MicrometerMetrics implements Metrics, AutoCloseable {
  private static final String PREFIX = "snailtrail.";

  private final PrometheusMeterRegistry registry;
  private final JvmGcMetrics gc = new JvmGcMetrics();
  private final RolloutInfo info = new RolloutInfo();
  private final Map<String, RolloutGauges> rollouts = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> damaged = new ConcurrentHashMap<>();
  private final Map<String, Integer> workQueue = new ConcurrentHashMap<>();

  private final ApiBudget budget;

  public MicrometerMetrics() {
    this(System::nanoTime);
  }

  /**
   * @param nanoTime the monotonic time the API budget counts requests by
   */
  MicrometerMetrics(java.util.function.LongSupplier nanoTime) {
    budget = new ApiBudget(nanoTime);
    registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new JvmMemoryMetrics().bindTo(registry);
    gc.bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    registry.getPrometheusRegistry().register(info);
    workQueue.put("depth", 0);
    Gauge.builder(PREFIX + "workqueue.depth", workQueue, q -> q.getOrDefault("depth", 0))
        .description("Rollout keys waiting in the controller's work queue")
        .register(registry);
    // Registered up front so the series exist (at zero) before the first observation.
    latencyTimer();
    for (String action : ApiBudget.QUOTAS.keySet()) {
      Gauge.builder(PREFIX + "aws.budget.headroom.ratio", budget, b -> b.headroom(action))
          .description(
              "Share of ECS's request quota for the action left over the last 10 s (1 idle, 0 at"
                  + " the quota)")
          .tags("operation", action)
          .register(registry);
    }
  }

  /** The registry, for binders the composition root adds (e.g. resilience4j). */
  public PrometheusMeterRegistry registry() {
    return registry;
  }

  /** Every meter in the Prometheus text exposition format, for {@code GET /metrics}. */
  public String scrape() {
    return registry.scrape();
  }

  /** Counts the AWS adapters' requests into {@code snailtrail_aws_requests_total}. */
  public CallListener awsListener() {
    return this::awsCall;
  }

  @Override
  public void passCompleted(
      Rollout rollout, RolloutStatus before, PassOutcome outcome, Duration took) {
    String name = rollout.name();
    RolloutStatus after = outcome.status();
    timer("reconcile.duration", "How long reconcile passes take", true, "outcome", "success")
        .record(took);
    info.set(name, after.currentPhase().name(), after.phase().name());
    RolloutGauges g = rollouts.computeIfAbsent(name, this::gaugesFor);
    g.phaseIndex = after.currentPhase().index();
    g.progress = Math.max(0, Math.min(100, after.progress())) / 100.0;
    g.canaryWeight = after.traffic() == null ? 0 : after.traffic().weight();
    g.conditions(after);
    countGateMeasurements(name, before, after);
    for (TrailEvent e : outcome.events()) {
      counter("trail.events", "Trail events emitted", "type", e.type().name()).increment();
      if (e.type() == EventType.RollbackStarted) {
        counter(
                "rollbacks",
                "Rollbacks started",
                "rollout",
                name,
                "from",
                e.data().getOrDefault("from", "unknown"),
                "to",
                e.data().getOrDefault("to", "unknown"),
                "reason",
                e.data().getOrDefault("reason", e.reason().name()))
            .increment();
      } else if (e.type() == EventType.PhaseCompleted) {
        recordPhaseDuration(name, before, e);
      }
    }
  }

  @Override
  public void statusMarked(String rollout, RolloutStatus status) {
    rollouts.computeIfAbsent(rollout, this::gaugesFor).conditions(status);
  }

  @Override
  public void passFailed(String rollout, Throwable error, Duration took) {
    timer("reconcile.duration", "How long reconcile passes take", true, "outcome", "error")
        .record(took);
    counter("reconcile.errors", "Reconcile passes that threw", "rollout", rollout).increment();
  }

  @Override
  public void workQueueDepth(int depth) {
    workQueue.put("depth", depth);
  }

  @Override
  public void workQueueLatency(Duration waited) {
    latencyTimer().record(waited);
  }

  @Override
  public void applyHeld(Duration held) {
    timer("apply.held", "How long applies waited for busy workers to catch up", true).record(held);
  }

  @Override
  public void changeReceived(String kind, boolean matched) {
    counter(
            "events.received",
            "Changes heard on the event feed, by kind and whether they woke a rollout",
            "kind",
            kind,
            "woke",
            Boolean.toString(matched))
        .increment();
  }

  @Override
  public void awsCall(String service, String operation, String outcome, Duration took) {
    counter(
            "aws.requests",
            "AWS API requests by outcome (each attempt)",
            "service",
            service,
            "operation",
            operation,
            "outcome",
            outcome)
        .increment();
    if (!CallListener.CIRCUIT_OPEN.equals(outcome)) {
      budget.sent(service + ":" + operation);
    }
    // Registered on a service's first call, so rate() over it starts from zero.
    Counter throttles =
        counter("aws.throttles", "AWS API requests refused as too frequent", "service", service);
    if (CallListener.THROTTLED.equals(outcome)) {
      throttles.increment();
    }
  }

  @Override
  public void storeDamaged(String rollout, boolean isDamaged) {
    damagedGauge(rollout).set(isDamaged ? 1 : 0);
  }

  @Override
  public void forget(String rollout) {
    info.remove(rollout);
    rollouts.remove(rollout);
    damaged.remove(rollout);
    for (Meter m : List.copyOf(registry.getMeters())) {
      if (rollout.equals(m.getId().getTag("rollout"))) {
        registry.remove(m);
      }
    }
  }

  @Override
  public void close() {
    gc.close();
    registry.close();
  }

  /**
   * One increment per new measurement of each gate, labelled by what the measurement added to the
   * tally: a pass, a failure, an inconclusive answer or a provider error (Inconclusive), or none of
   * these (Pending).
   */
  private void countGateMeasurements(String rollout, RolloutStatus before, RolloutStatus after) {
    Map<String, GateStatus> prior = new HashMap<>();
    if (before.currentPhase().index() == after.currentPhase().index()) {
      before.gates().forEach(g -> prior.put(g.name(), g));
    }
    for (GateStatus now : after.gates()) {
      GateStatus was = prior.get(now.name());
      if (was == null
          || now.passes() < was.passes()
          || now.failures() < was.failures()
          || now.inconclusives() < was.inconclusives()) {
        was = GateStatus.initial(now.name()); // a new phase or a reset tally
      }
      String kind = kind(now.name());
      inc(rollout, kind, "Passed", now.passes() - was.passes());
      inc(rollout, kind, "Failed", now.failures() - was.failures());
      int errors = now.consecutiveErrors() > was.consecutiveErrors() ? 1 : 0;
      inc(rollout, kind, "Inconclusive", now.inconclusives() - was.inconclusives() + errors);
      boolean measured =
          now.lastMeasuredAt() != null && !now.lastMeasuredAt().equals(was.lastMeasuredAt());
      boolean tallied =
          now.passes() != was.passes()
              || now.failures() != was.failures()
              || now.inconclusives() != was.inconclusives()
              || errors > 0;
      if (measured && !tallied) {
        inc(rollout, kind, "Pending", 1);
      }
    }
  }

  private void inc(String rollout, String kind, String result, int by) {
    if (by > 0) {
      counter(
              "gate.evaluations",
              "Gate measurements by what they found",
              "rollout",
              rollout,
              "gate",
              kind,
              "result",
              result)
          .increment(by);
    }
  }

  private void recordPhaseDuration(String rollout, RolloutStatus before, TrailEvent e) {
    Instant started = before.phaseStartedAt();
    if (started == null || e.phase() == null || e.time().isBefore(started)) {
      return;
    }
    timer(
            "phase.duration",
            "From a phase's deployment to its completion",
            false,
            "rollout",
            rollout,
            "phase",
            e.phase())
        .record(Duration.between(started, e.time()));
  }

  /** {@code ecsTasks/0} is gate kind {@code ecsTasks}: bounded by the gate types. */
  static String kind(String gateName) {
    int slash = gateName.indexOf('/');
    return slash < 0 ? gateName : gateName.substring(0, slash);
  }

  private Counter counter(String name, String help, String... tags) {
    return Counter.builder(PREFIX + name).description(help).tags(tags).register(registry);
  }

  private Timer timer(String name, String help, boolean histogram, String... tags) {
    Timer.Builder b = Timer.builder(PREFIX + name).description(help).tags(tags);
    if (histogram) {
      b =
          b.serviceLevelObjectives(
              Duration.ofMillis(5),
              Duration.ofMillis(10),
              Duration.ofMillis(25),
              Duration.ofMillis(50),
              Duration.ofMillis(100),
              Duration.ofMillis(250),
              Duration.ofMillis(500),
              Duration.ofSeconds(1),
              Duration.ofSeconds(2),
              Duration.ofSeconds(5),
              Duration.ofSeconds(10));
    }
    return b.register(registry);
  }

  /**
   * Real seconds a due key waited, with buckets up to 5 minutes: a controller minutes behind must
   * show as such, not as one overflowing bucket.
   */
  private Timer latencyTimer() {
    return Timer.builder(PREFIX + "workqueue.latency")
        .description("How long a due key waited for a worker, in real time")
        .serviceLevelObjectives(
            Duration.ofMillis(10),
            Duration.ofMillis(50),
            Duration.ofMillis(100),
            Duration.ofMillis(250),
            Duration.ofMillis(500),
            Duration.ofSeconds(1),
            Duration.ofSeconds(2),
            Duration.ofSeconds(5),
            Duration.ofSeconds(10),
            Duration.ofSeconds(30),
            Duration.ofMinutes(1),
            Duration.ofMinutes(2),
            Duration.ofMinutes(5))
        .register(registry);
  }

  private RolloutGauges gaugesFor(String rollout) {
    RolloutGauges g = new RolloutGauges();
    counter("reconcile.errors", "Reconcile passes that threw", "rollout", rollout);
    List<Tag> tags = List.of(Tag.of("rollout", rollout));
    Gauge.builder(PREFIX + "rollout.phase.index", g, x -> x.phaseIndex)
        .description("Index of the current phase (0-based; -1 the baseline)")
        .tags(tags)
        .register(registry);
    Gauge.builder(PREFIX + "rollout.progress.ratio", g, x -> x.progress)
        .description("Progress of the rollout, 0..1")
        .tags(tags)
        .register(registry);
    Gauge.builder(PREFIX + "rollout.canary.weight", g, x -> x.canaryWeight)
        .description(
            "Percent of requests the current phase's canary takes (0 without traffic steps)")
        .tags(tags)
        .register(registry);
    Gauge.builder(PREFIX + "rollout.drifted", g, x -> x.drifted)
        .description("1 while a settled rollout's service differs from what it left it running")
        .tags(tags)
        .register(registry);
    Gauge.builder(PREFIX + "rollout.provider.unavailable", g, x -> x.providerUnavailable)
        .description("1 while the provider (AWS) cannot be asked for the rollout's passes")
        .tags(tags)
        .register(registry);
    damagedGauge(rollout);
    return g;
  }

  /** 1 while the rollout's files in the store cannot be read; registered (at 0) with the rest. */
  private AtomicInteger damagedGauge(String rollout) {
    return damaged.computeIfAbsent(
        rollout,
        r -> {
          AtomicInteger v = new AtomicInteger();
          Gauge.builder(PREFIX + "rollout.store.damaged", v, AtomicInteger::get)
              .description("1 while a file of the rollout in the store cannot be read")
              .tags(List.of(Tag.of("rollout", r)))
              .register(registry);
          return v;
        });
  }

  /** The per-rollout gauge values, read at scrape time. */
  private static final class RolloutGauges {
    volatile double phaseIndex;
    volatile double progress;
    volatile double canaryWeight;
    volatile double drifted;
    volatile double providerUnavailable;

    void conditions(RolloutStatus s) {
      drifted = holds(s, Condition.Type.Drifted);
      providerUnavailable = holds(s, Condition.Type.ProviderUnavailable);
    }

    private static double holds(RolloutStatus s, Condition.Type type) {
      return s.conditions().stream().anyMatch(c -> c.holds(type)) ? 1 : 0;
    }
  }
}
