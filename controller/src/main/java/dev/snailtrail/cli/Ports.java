package dev.snailtrail.cli;

import dev.snailtrail.aws.AwsProviders;
import dev.snailtrail.aws.AwsSettings;
import dev.snailtrail.controller.Controller;
import dev.snailtrail.provider.CallListener;
import dev.snailtrail.provider.ChangeFeed;
import dev.snailtrail.provider.Providers;
import dev.snailtrail.provider.ProvidersResolver;
import dev.snailtrail.rollout.TrafficStatus.EcsShift;
import dev.snailtrail.sim.DeadMansSwitch;
import dev.snailtrail.sim.PersistentSimulator;
import dev.snailtrail.sim.Seed;
import dev.snailtrail.sim.SimChangeFeed;
import dev.snailtrail.sim.Simulator;
import dev.snailtrail.spec.Rollout;
import dev.snailtrail.time.ScaledClock;
import dev.snailtrail.trail.TrailSink;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * The ports a command acts through, opened from {@link ProviderOptions}: the one place the CLI
 * builds a provider. On {@code sim} it holds a simulator (seeded for one rollout, or the
 * controller's world saved across restarts) and its sped-up clock; on {@code aws} the SDK adapters
 * and the system clock. Closing it closes what it opened.
 */
final class Ports implements AutoCloseable {

  /** The providers to choose from. */
  enum Kind {
    sim,
    aws
  }

  private final Kind kind;
  private final Providers providers;
  private final Clock clock;
  private final UnaryOperator<Duration> realTime;
  private final Runnable closer;
  private final PersistentSimulator world;
  private final AwsProviders aws;
  private final URI endpoint;
  private Simulator simulator;

  /** Where the simulator's dead-man's switch reads verdicts: set by whoever keeps the status. */
  private final AtomicReference<Function<String, Optional<EcsShift>>> verdicts =
      new AtomicReference<>(name -> Optional.empty());

  private Ports(
      Kind kind,
      Providers providers,
      Clock clock,
      UnaryOperator<Duration> realTime,
      Runnable closer,
      PersistentSimulator world,
      AwsProviders aws,
      URI endpoint) {
    this.kind = kind;
    this.providers = providers;
    this.clock = clock;
    this.realTime = realTime;
    this.closer = closer;
    this.world = world;
    this.aws = aws;
    this.endpoint = endpoint;
  }

  /**
   * The world of one rollout: on sim a simulator seeded for it at {@code speed}, then broken by
   * {@code scenario} if given; on aws the adapters, acting as the rollout's {@code roleArn}.
   *
   * @param listener hears every AWS request (aws only)
   * @throws UsageError for options of the other provider, bad AWS settings, or a bad scenario
   */
  static Ports forRollout(
      ProviderOptions options,
      Rollout rollout,
      double speed,
      Seed seed,
      Path scenario,
      CallListener listener)
      throws UsageError {
    Kind kind = options.kind();
    refuseOptionsOfTheOther(kind, options, scenario);
    return switch (kind) {
      case sim -> seededSimulator(rollout, speed, seed, scenario);
      case aws -> {
        AwsSettings settings = awsSettings(options, listener);
        AwsProviders adapters = AwsProviders.open(settings);
        yield aws(settings, adapters, adapters.forRollouts().forRollout(rollout));
      }
    };
  }

  /**
   * The controller's world: on sim the simulator saved in {@code stateFile} (restored when it
   * exists), at {@code speed}; on aws the adapters with the configured credentials, and each
   * rollout's through {@link #forRollouts()}.
   *
   * @throws UsageError for options of the other provider or bad AWS settings
   */
  static Ports forController(
      ProviderOptions options, Path stateFile, double speed, CallListener listener)
      throws UsageError {
    Kind kind = options.kind();
    refuseOptionsOfTheOther(kind, options, null);
    return switch (kind) {
      case sim -> {
        PersistentSimulator w = PersistentSimulator.open(stateFile, speed, Clock.systemUTC());
        ScaledClock c = w.clock();
        Ports p =
            new Ports(kind, w.simulator().providers(), c, c::realTimeFor, w::close, w, null, null);
        p.simulator = w.simulator();
        yield p;
      }
      case aws -> {
        AwsSettings settings = awsSettings(options, listener);
        AwsProviders adapters = AwsProviders.open(settings);
        yield aws(settings, adapters, adapters.providers());
      }
    };
  }

  /**
   * The world as it is, to look at and not to act on: on sim the simulated world a controller saved
   * in {@code stateFile}, frozen at the instant it was saved (nothing runs or is saved back); on
   * aws the adapters, acting as the rollout's {@code roleArn}.
   *
   * @throws UsageError for options of the other provider, bad AWS settings, or no saved world
   */
  static Ports forInspection(ProviderOptions options, Rollout rollout, Path stateFile)
      throws UsageError {
    Kind kind = options.kind();
    refuseOptionsOfTheOther(kind, options, null);
    return switch (kind) {
      case sim -> savedSimulator(stateFile);
      case aws -> {
        AwsSettings settings = awsSettings(options, CallListener.NOOP);
        AwsProviders adapters = AwsProviders.open(settings);
        yield aws(settings, adapters, adapters.forRollouts().forRollout(rollout));
      }
    };
  }

  private static Ports savedSimulator(Path stateFile) throws UsageError {
    if (!Files.exists(stateFile)) {
      throw new UsageError(
          "no simulated world at "
              + stateFile
              + ": `snailtrail controller --provider sim` saves it in its --store-dir; point"
              + " --store-dir there, or use --provider aws");
    }
    Simulator sim;
    Clock frozen;
    try {
      frozen = Clock.fixed(PersistentSimulator.savedAt(stateFile), java.time.ZoneOffset.UTC);
      sim = PersistentSimulator.restoreForInspection(stateFile, frozen);
    } catch (IOException | RuntimeException e) {
      throw new UsageError("cannot read the simulated world " + stateFile + ": " + e.getMessage());
    }
    return new Ports(Kind.sim, sim.providers(), frozen, d -> d, sim::close, null, null, null);
  }

  private static void refuseOptionsOfTheOther(Kind kind, ProviderOptions options, Path scenario)
      throws UsageError {
    if (kind == Kind.sim && options.endpoint != null) {
      throw new UsageError("--endpoint needs --provider aws");
    }
    if (kind == Kind.aws && scenario != null) {
      throw new UsageError("--scenario needs --provider sim");
    }
  }

  private static Ports seededSimulator(Rollout rollout, double speed, Seed seed, Path scenario)
      throws UsageError {
    ScaledClock c = new ScaledClock(Clock.systemUTC(), speed);
    Simulator sim = new Simulator(c);
    try {
      sim.seed(rollout, seed);
      if (scenario != null) {
        sim.applyScenario(scenario);
      }
    } catch (IOException | IllegalArgumentException e) {
      sim.close();
      throw new UsageError("scenario " + scenario + ": " + e.getMessage());
    }
    Ports p = new Ports(Kind.sim, sim.providers(), c, c::realTimeFor, sim::close, null, null, null);
    p.simulator = sim;
    DeadMansSwitch.answer(sim, rollout, name -> p.verdicts.get().apply(name));
    return p;
  }

  /**
   * The AWS settings of the environment and the options ({@code --endpoint}, {@code --profile}).
   */
  static AwsSettings awsSettings(ProviderOptions options, CallListener listener) throws UsageError {
    try {
      AwsSettings settings =
          AwsSettings.fromEnvironment(Clock.systemUTC())
              .withListener(listener)
              .withProfile(options.profile);
      return options.endpoint == null ? settings : settings.withEndpointOverride(options.endpoint);
    } catch (IllegalArgumentException e) {
      throw new UsageError(e.getMessage());
    }
  }

  private static Ports aws(AwsSettings settings, AwsProviders adapters, Providers providers) {
    return new Ports(
        Kind.aws,
        providers,
        Clock.systemUTC(),
        d -> d,
        adapters::close,
        null,
        adapters,
        settings.endpointOverride());
  }

  Kind kind() {
    return kind;
  }

  Providers providers() {
    return providers;
  }

  /**
   * The ports each rollout acts through: on aws as its {@code target.roleArn} (else with the
   * configured credentials), on sim the one world of {@link #providers()}.
   */
  ProvidersResolver forRollouts() {
    return aws != null ? aws.forRollouts() : ProvidersResolver.always(providers);
  }

  /** Simulated time on sim, the system clock on aws. */
  Clock clock() {
    return clock;
  }

  /** How long a wait of {@link #clock()} takes in real time. */
  Duration realTimeFor(Duration d) {
    return realTime.apply(d);
  }

  /**
   * Where AWS requests go when not to AWS itself (aws only: the flag, else {@code
   * AWS_ENDPOINT_URL}), else empty.
   */
  Optional<URI> endpoint() {
    return Optional.ofNullable(endpoint);
  }

  /**
   * Where a simulated lifecycle hook reads the controller's verdict on a rollout ({@code
   * status.traffic.ecs}); without it every verdict is missing, as with no controller. On the
   * simulator it is asked under the simulator's lock, so it must not call the simulator.
   */
  void answerHooksFrom(Function<String, Optional<EcsShift>> source) {
    verdicts.set(source);
  }

  /**
   * What the controller tells the provider: on the saved simulator, seed a world per rollout and
   * save it after every pass and at the end; nothing on aws.
   */
  Controller.Hooks hooks() {
    if (world == null) {
      return Controller.Hooks.NONE;
    }
    return new Controller.Hooks() {
      @Override
      public void prepare(Rollout rollout) {
        world.prepare(rollout);
        DeadMansSwitch.answer(world.simulator(), rollout, name -> verdicts.get().apply(name));
      }

      @Override
      public void afterPass(String rollout) {
        world.afterPass(rollout);
      }

      @Override
      public void flush() {
        world.save();
      }
    };
  }

  /**
   * Lets the saved simulator's time run after {@code realDelay} at the latest, even if no pass
   * completes (no rollouts yet, or passes that keep failing). Simulated time otherwise starts with
   * the first completed pass, so that JVM start-up, many simulated minutes at high speeds, does not
   * count against progress deadlines.
   */
  void resumeSimulatedTimeWithin(Duration realDelay) {
    if (world == null) {
      return;
    }
    Thread.ofVirtual()
        .name("snailtrail-sim-resume")
        .start(
            () -> {
              try {
                Thread.sleep(realDelay);
              } catch (InterruptedException e) {
                return;
              }
              world.resume();
            });
  }

  /**
   * Where changes are heard of with {@code --events}: on aws the SQS queue at {@code where}, on sim
   * the simulator's own events ({@code where} is {@code sim}).
   *
   * @throws UsageError when {@code where} does not fit the provider
   */
  ChangeFeed changeFeed(String where) throws UsageError {
    return switch (kind) {
      case sim -> {
        if (!"sim".equals(where) || simulator == null) {
          throw new UsageError(
              "--events on the simulator takes 'sim' (its own events), not " + where);
        }
        // Simulated time moves only when the world is asked: look at it every 20 ms, really.
        yield new SimChangeFeed(simulator, Ports::sleepReally, Duration.ofMillis(20));
      }
      case aws -> {
        try {
          URI queue = URI.create(where);
          if (queue.getScheme() == null || queue.getHost() == null) {
            throw new IllegalArgumentException("not a URL");
          }
          yield aws.changeFeed(queue);
        } catch (IllegalArgumentException e) {
          throw new UsageError(
              "--events " + where + ": give the SQS queue's URL; " + e.getMessage());
        }
      }
    };
  }

  /**
   * A trail sink writing to CloudWatch Logs, a stream per rollout.
   *
   * @throws IllegalStateException on sim
   */
  TrailSink cloudWatchTrail(String region, String logGroup, PrintStream warnings) {
    // The sink's delivery thread waits out its back-off in real time.
    if (aws == null) {
      throw new IllegalStateException("CloudWatch Logs needs --provider aws");
    }
    return aws.trailSink(region, logGroup, Ports::sleepReally, warnings);
  }

  /** Real time passing, for the controller's own threads (the composition root owns real time). */
  static void sleepReally(java.time.Duration d) throws InterruptedException {
    Thread.sleep(d.toMillis());
  }

  @Override
  public void close() {
    closer.run();
  }
}
