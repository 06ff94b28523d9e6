package dev.snailtrail.cli;

import dev.snailtrail.api.ApiServer;
import dev.snailtrail.aws.AwsProviders;
import dev.snailtrail.aws.AwsSettings;
import dev.snailtrail.controller.Controller;
import dev.snailtrail.controller.ControllerBuilder;
import dev.snailtrail.controller.SpecDirWatcher;
import dev.snailtrail.doctor.Preflight;
import dev.snailtrail.gate.GateEvaluator;
import dev.snailtrail.metrics.MicrometerMetrics;
import dev.snailtrail.provider.Providers;
import dev.snailtrail.sim.PersistentSimulator;
import dev.snailtrail.spec.Durations;
import dev.snailtrail.store.FileStore;
import dev.snailtrail.time.ScaledClock;
import dev.snailtrail.trail.ConsoleTrailSink;
import dev.snailtrail.trail.TrailSink;
import dev.snailtrail.trail.WebhookTrailSink;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;

/** {@code snailtrail controller}: the long-running controller over a store of rollouts. */
@Command(
    name = "controller",
    mixinStandardHelpOptions = true,
    description = {
      "Run the controller: reconcile every rollout in the store until stopped, applying the"
          + " rollout files of a watched directory as they appear and change.",
      "Stop it with SIGTERM or Ctrl-C: the passes in flight finish and write their status.",
    },
    footer = {
      "",
      "Examples:",
      "  snailtrail controller --provider sim --watch-dir rollouts --speed 60",
      "  snailtrail controller --provider aws --store-dir /var/lib/snailtrail \\",
      "      --watch-dir /etc/rollouts",
    })
final class ControllerCommand implements Callable<Integer> {

  @Option(
      names = "--store-dir",
      paramLabel = "DIR",
      defaultValue = ".snailtrail/store",
      description = "Where specs, status and trails live. Default: ${DEFAULT-VALUE}.")
  Path storeDir;

  @Option(
      names = "--watch-dir",
      paramLabel = "DIR",
      description = "Apply every *.yaml/*.yml file here, and again whenever one changes.")
  Path watchDir;

  @Option(
      names = "--provider",
      paramLabel = "sim|aws",
      defaultValue = "sim",
      description = "Where to act: sim (embedded simulator) or aws. Default: ${DEFAULT-VALUE}.")
  String provider;

  @Option(
      names = "--speed",
      paramLabel = "FACTOR",
      defaultValue = "1",
      description =
          "Simulated seconds per real second on the simulator. Default: ${DEFAULT-VALUE}.")
  double speed;

  @Option(
      names = "--workers",
      paramLabel = "N",
      defaultValue = "4",
      description = "Rollouts reconciled at once. Default: ${DEFAULT-VALUE}.")
  int workers;

  @Option(
      names = "--resync",
      paramLabel = "DURATION",
      defaultValue = "30s",
      converter = ControllerCommand.DurationOption.class,
      description = "How often every rollout is looked at again. Default: ${DEFAULT-VALUE}.")
  Duration resync;

  @Option(names = "--plain", description = "Print the trail without emoji.")
  boolean plain;

  @Option(
      names = "--listen",
      paramLabel = "HOST:PORT",
      defaultValue = "127.0.0.1:8080",
      description =
          "Where the HTTP API, /metrics, /healthz, /readyz and the status page listen; port 0 picks"
              + " a free one, 'none' turns the API off. Default: ${DEFAULT-VALUE}.")
  String listen;

  @Option(
      names = "--token-file",
      paramLabel = "PATH",
      description =
          "A file holding the bearer token API mutations need (else SNAILTRAIL_TOKEN; with neither,"
              + " mutations are refused).")
  Path tokenFile;

  @Option(
      names = "--open-reads",
      description =
          "Let API reads (get, list, trail, /metrics, the status page) in without a token.")
  boolean openReads;

  @Option(
      names = "--webhook",
      paramLabel = "URL",
      description = "Also POST every trail event as JSON (with a Slack-compatible 'text') to URL.")
  java.net.URI webhook;

  @Option(
      names = "--trail-log-group",
      paramLabel = "NAME",
      description =
          "With --provider aws: also write the trail to this CloudWatch Logs group, a stream per"
              + " rollout.")
  String trailLogGroup;

  @Option(
      names = "--trail-region",
      paramLabel = "REGION",
      defaultValue = "us-east-1",
      description = "The region of --trail-log-group. Default: ${DEFAULT-VALUE}.")
  String trailRegion;

  @Override
  public Integer call() throws Exception {
    PrintStream out = System.out;
    PrintStream err = System.err;
    if (workers < 1) {
      err.println("snailtrail controller: --workers must be at least 1");
      return 2;
    }
    if (watchDir != null && !Files.isDirectory(watchDir)) {
      err.println("snailtrail controller: --watch-dir " + watchDir + " is not a directory");
      return 2;
    }
    java.net.InetSocketAddress bind;
    String token;
    try {
      bind = listenAddress(listen);
      token = token(tokenFile);
    } catch (IllegalArgumentException | java.io.IOException e) {
      err.println("snailtrail controller: " + e.getMessage());
      return 2;
    }
    if (trailLogGroup != null && !provider.equals("aws")) {
      err.println("snailtrail controller: --trail-log-group needs --provider aws");
      return 2;
    }
    FileStore store = new FileStore(storeDir, java.time.Clock.systemUTC());
    MicrometerMetrics metrics = new MicrometerMetrics();
    Clock clock;
    Providers providers;
    PersistentSimulator world = null;
    AwsProviders aws = null;
    switch (provider) {
      case "sim" -> {
        world =
            PersistentSimulator.open(
                store.root().resolve("sim-state.json"), speed, Clock.systemUTC());
        clock = world.clock();
        providers = world.simulator().providers();
      }
      case "aws" -> {
        aws =
            AwsProviders.open(
                AwsSettings.fromEnvironment(java.time.Clock.systemUTC())
                    .withListener(metrics.awsListener()));
        clock = Clock.systemUTC();
        providers = aws.providers();
      }
      default -> {
        err.println("snailtrail controller: unknown provider '" + provider + "'; use sim or aws");
        return 2;
      }
    }
    List<TrailSink> sinks = new ArrayList<>();
    sinks.add(new ConsoleTrailSink(out, plain));
    if (webhook != null) {
      sinks.add(new WebhookTrailSink(webhook, err));
    }
    if (trailLogGroup != null) {
      sinks.add(aws.trailSink(trailRegion, trailLogGroup, err));
    }
    ControllerBuilder b =
        Controller.builder(store, providers, GateEvaluator.withDefaults(), clock)
            .workers(workers)
            .resync(resync)
            .metrics(metrics)
            .preflightOver(ports -> new Preflight(ports).asHook())
            .trailSink(e -> sinks.forEach(sink -> sink.accept(e)))
            .log(err);
    if (world != null) {
      ScaledClock scaled = world.clock();
      b.hooks(hooks(world)).realTime(scaled::realTimeFor);
    }
    Controller controller = b.build();
    SpecDirWatcher watcher =
        watchDir == null ? null : SpecDirWatcher.of(watchDir, controller.controlPlane(), out);

    out.println(
        "snailtrail controller: provider "
            + describeProvider()
            + ", store "
            + store.root()
            + ", watch dir "
            + (watchDir == null ? "none" : watchDir.toAbsolutePath().normalize())
            + ", "
            + workers
            + " workers, resync "
            + Durations.format(resync));
    if (world != null) {
      // Simulated time starts with the first completed pass, so that JVM start-up and class
      // loading, many simulated minutes at high speeds, do not count against progress deadlines.
      resumeWithin(world, Duration.ofSeconds(5));
    }
    ApiServer api = null;
    if (bind != null) {
      if (token == null) {
        err.println(
            "snailtrail controller: no API token (--token-file or SNAILTRAIL_TOKEN): API"
                + " mutations will be refused");
      }
      try {
        api =
            new ApiServer(
                    controller.controlPlane(),
                    new ApiServer.Settings(bind, token)
                        .withOpenReads(openReads)
                        .withMetrics(metrics::scrape))
                .start();
      } catch (java.io.UncheckedIOException | IllegalStateException e) {
        err.println("snailtrail controller: cannot listen on " + listen + ": " + e.getMessage());
        return 2;
      }
      out.println(
          "snailtrail controller: API at http://"
              + bind.getHostString()
              + ":"
              + api.port()
              + " (/metrics, /healthz, /readyz, status page at /)");
    }
    controller.start();
    if (watcher != null) {
      watcher.start(SpecDirWatcher.DEFAULT_INTERVAL);
    }
    CountDownLatch stopped = new CountDownLatch(1);
    PersistentSimulator w = world;
    AwsProviders a = aws;
    ApiServer server = api;
    Runtime.getRuntime()
        .addShutdownHook(
            Thread.ofPlatform()
                .name("snailtrail-shutdown")
                .unstarted(
                    () -> {
                      if (watcher != null) {
                        watcher.close();
                      }
                      if (server != null) {
                        server.close();
                      }
                      int inFlight = controller.inFlight();
                      controller.close();
                      for (TrailSink sink : sinks) {
                        if (sink instanceof AutoCloseable c) {
                          try {
                            c.close();
                          } catch (Exception e) {
                            err.println("snailtrail controller: closing a trail sink: " + e);
                          }
                        }
                      }
                      metrics.close();
                      if (w != null) {
                        w.close();
                      }
                      if (a != null) {
                        a.close();
                      }
                      out.println(
                          "snailtrail controller: stopped after "
                              + controller.passes()
                              + " passes; "
                              + inFlight
                              + " in flight finished and wrote their status");
                      out.flush();
                      err.flush();
                      stopped.countDown();
                      // A signal would otherwise end the JVM with 128+signal: a clean stop is 0.
                      Runtime.getRuntime().halt(0);
                    }));
    out.println("snailtrail controller: started");
    out.flush();
    stopped.await();
    return 0;
  }

  /** Seeds the simulated world for each rollout and saves it after every pass and at the end. */
  private static Controller.Hooks hooks(PersistentSimulator world) {
    return new Controller.Hooks() {
      @Override
      public void prepare(dev.snailtrail.spec.Rollout rollout) {
        world.prepare(rollout);
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

  /** Lets simulated time run after {@code realDelay} at the latest, even if no pass completes. */
  private static void resumeWithin(PersistentSimulator world, Duration realDelay) {
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

  /** {@code host:port}, or null for {@code none}. */
  static java.net.InetSocketAddress listenAddress(String value) {
    if (value.equals("none")) {
      return null;
    }
    int colon = value.lastIndexOf(':');
    if (colon <= 0) {
      throw new IllegalArgumentException(
          "--listen " + value + ": write HOST:PORT, e.g. 127.0.0.1:8080, or none");
    }
    try {
      int port = Integer.parseInt(value.substring(colon + 1));
      if (port < 0 || port > 65535) {
        throw new NumberFormatException();
      }
      return new java.net.InetSocketAddress(value.substring(0, colon), port);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "--listen " + value + ": the port must be a number from 0 to 65535");
    }
  }

  /** The API token from the file, else the environment, else null. Never printed. */
  private static String token(Path file) throws java.io.IOException {
    if (file != null) {
      if (!Files.isReadable(file)) {
        throw new IllegalArgumentException("--token-file " + file + " cannot be read");
      }
      String t = Files.readString(file).strip();
      if (t.isEmpty()) {
        throw new IllegalArgumentException("--token-file " + file + " is empty");
      }
      return t;
    }
    String env = System.getenv("SNAILTRAIL_TOKEN");
    return env == null || env.isBlank() ? null : env.strip();
  }

  /** Reads {@code 30s}, {@code 5m} and the like. */
  static final class DurationOption implements ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
      return Durations.parse(value);
    }
  }

  private String describeProvider() {
    return switch (provider) {
      case "sim" -> "sim (embedded ECS simulator, nothing touches AWS, speed " + fmt(speed) + "x)";
      default -> provider + " (AWS SDK, settings from the environment)";
    };
  }

  private static String fmt(double d) {
    return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
  }
}
