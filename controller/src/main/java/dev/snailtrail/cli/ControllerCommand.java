package dev.snailtrail.cli;

import dev.snailtrail.api.ApiServer;
import dev.snailtrail.controller.Controller;
import dev.snailtrail.controller.SpecDirWatcher;
import dev.snailtrail.doctor.Preflight;
import dev.snailtrail.gate.GateEvaluator;
import dev.snailtrail.metrics.MicrometerMetrics;
import dev.snailtrail.provider.CallListener;
import dev.snailtrail.provider.ChangeFeed;
import dev.snailtrail.spec.Durations;
import dev.snailtrail.store.StoreLock;
import dev.snailtrail.trail.ConsoleTrailSink;
import dev.snailtrail.trail.TrailSink;
import dev.snailtrail.trail.WebhookTrailSink;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
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
      "  snailtrail controller --provider aws --store dynamodb:snailtrail --listen 0.0.0.0:8080",
      "  snailtrail controller --webhook env:SLACK_WEBHOOK_URL \\",
      "      --webhook-events RollbackStarted,PhaseCompleted,Note --webhook-min-severity Warning",
    })
final class ControllerCommand implements Callable<Integer> {

  @Mixin StoreOptions stores;

  @Option(
      names = "--watch-dir",
      paramLabel = "DIR",
      description = "Apply every *.yaml/*.yml file here, and again whenever one changes.")
  Path watchDir;

  @Mixin ProviderOptions where;

  @Mixin EventOptions events;

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

  @Option(
      names = "--controller-id",
      paramLabel = "ID",
      description =
          "Who this controller is, as the ECS services its rollouts move are tagged"
              + " (snailtrail.dev/controller). Default: the id kept in the store directory (made"
              + " up on first start).")
  String controllerId;

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
      names = "--metrics-token-file",
      paramLabel = "PATH",
      description =
          "A file holding a bearer token that opens /metrics and nothing else, for Prometheus"
              + " (else SNAILTRAIL_METRICS_TOKEN).")
  Path metricsTokenFile;

  @Mixin ApiLimitOptions apiLimits;

  @Option(
      names = "--open-reads",
      description =
          "Let API reads (get, list, trail, /metrics) in without a token, so the status page"
              + " shows rollouts before one is entered; they see secrets in specs masked.")
  boolean openReads;

  @ArgGroup(exclusive = false, multiplicity = "0..*", heading = "Webhooks:%n")
  List<WebhookOptions> webhooks = new ArrayList<>();

  /** The webhooks' settings, their secrets read once the options are checked. */
  private final List<WebhookTrailSink.Settings> webhookSettings = new ArrayList<>();

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
      description = "The region of --trail-log-group. Default: the resolved AWS region.")
  String trailRegion;

  @Override
  public Integer call() throws Exception {
    ApiAddress address;
    try {
      checkOptions();
      address = ApiAddress.of(listen, tokenFile, metricsTokenFile);
    } catch (UsageError | IllegalArgumentException | IOException e) {
      return refuse(e.getMessage());
    }
    StoreOptions.Opened store;
    try {
      // Before anything reads the store: a second controller must not even restore its world.
      store = stores.open(where, where.kind() == Ports.Kind.sim);
    } catch (UsageError | StoreLock.Held | UncheckedIOException e) {
      return refuse(e.getMessage());
    }
    MicrometerMetrics metrics = new MicrometerMetrics();
    Ports ports;
    List<TrailSink> sinks;
    String id;
    try {
      // Replicas of one table are one controller to ECS: a takeover finds the services its own.
      id =
          ControllerId.of(
              stores.storeDir,
              controllerId == null && stores.shared() ? stores.store : controllerId);
      ports =
          Ports.forController(
              where, stores.storeDir.resolve("sim-state.json"), speed, metrics.awsListener());
      sinks = trailSinks(ports);
      ports.answerHooksFrom(StoredVerdicts.of(store.store()));
    } catch (UsageError e) {
      metrics.close();
      store.close();
      return refuse(e.getMessage());
    }
    ChangeFeed feed;
    try {
      feed = events.events == null ? null : ports.changeFeed(events.events);
    } catch (UsageError e) {
      metrics.close();
      ports.close();
      store.close();
      return refuse(e.getMessage());
    }
    Controller controller = controller(store, ports, metrics, sinks, address, feed, id);
    SpecDirWatcher watcher =
        watchDir == null ? null : SpecDirWatcher.of(watchDir, controller.controlPlane(), out());
    printStart(store, ports, id);
    ports.resumeSimulatedTimeWithin(Duration.ofSeconds(5));
    ApiServer api;
    try {
      api = serve(controller, metrics, address);
    } catch (UsageError e) {
      new RunningController(null, null, controller, sinks, metrics, ports, store).stop(System.err);
      return refuse(e.getMessage());
    }
    // Before start, which reads every stored rollout while the API already answers: a SIGTERM
    // then still stops cleanly (the stop waits for the start to finish).
    CountDownLatch stopped =
        stopOnShutdown(
            new RunningController(watcher, api, controller, sinks, metrics, ports, store));
    controller.start();
    if (watcher != null) {
      watcher.start(SpecDirWatcher.DEFAULT_INTERVAL);
    }
    out().println("snailtrail controller: started");
    out().flush();
    stopped.await();
    return 0;
  }

  private static PrintStream out() {
    return System.out;
  }

  private static int refuse(String why) {
    System.err.println("snailtrail controller: " + why);
    return 2;
  }

  /** Options that are wrong whatever else happens. */
  private void checkOptions() throws UsageError {
    apiLimits.limits();
    if (workers < 1) {
      throw new UsageError("--workers must be at least 1");
    }
    if (watchDir != null && !Files.isDirectory(watchDir)) {
      throw new UsageError("--watch-dir " + watchDir + " is not a directory");
    }
    Ports.Kind provider = where.kind();
    if (trailLogGroup != null && provider != Ports.Kind.aws) {
      throw new UsageError("--trail-log-group needs --provider aws");
    }
    for (WebhookOptions w : webhooks) {
      webhookSettings.add(w.settings(System::getenv));
    }
  }

  /** The console, and the webhook and CloudWatch Logs when asked for. */
  private List<TrailSink> trailSinks(Ports ports) throws UsageError {
    List<TrailSink> sinks = new ArrayList<>();
    sinks.add(new ConsoleTrailSink(out(), plain));
    for (WebhookTrailSink.Settings w : webhookSettings) {
      sinks.add(new WebhookTrailSink(w, Ports::sleepReally, System.err));
      out().println("snailtrail controller: trail " + w);
    }
    if (trailLogGroup != null) {
      String region = StoreOptions.region(trailRegion, Ports.awsSettings(where, CallListener.NOOP));
      sinks.add(ports.cloudWatchTrail(region, trailLogGroup, System.err));
    }
    return sinks;
  }

  private Controller controller(
      StoreOptions.Opened store,
      Ports ports,
      MicrometerMetrics metrics,
      List<TrailSink> sinks,
      ApiAddress address,
      ChangeFeed feed,
      String id) {
    String at =
        address.bind() == null
            ? null
            : address.bind().getHostString() + ":" + address.bind().getPort();
    return Controller.builder(
            store.store(), ports.forRollouts(), GateEvaluator.withDefaults(), ports.clock())
        .leases(stores.leases(at))
        .changes(feed)
        .controllerId(id)
        .workers(workers)
        .resync(resync)
        .metrics(metrics)
        .preflightOver(p -> new Preflight(p).asHook())
        .trailSink(e -> sinks.forEach(sink -> sink.accept(e)))
        .log(System.err)
        .hooks(ports.hooks())
        .realTime(ports::realTimeFor)
        .build();
  }

  private void printStart(StoreOptions.Opened store, Ports ports, String id) {
    out()
        .println(
            "snailtrail controller: provider "
                + describe(ports)
                + ", store "
                + store.where()
                + ", watch dir "
                + (watchDir == null ? "none" : watchDir.toAbsolutePath().normalize())
                + ", "
                + workers
                + " workers, resync "
                + Durations.format(resync)
                + ", controller id "
                + id
                + (events.events == null ? "" : ", woken by the events of " + events.events));
  }

  /** Starts the API when it has an address; null when it is off. */
  private ApiServer serve(Controller controller, MicrometerMetrics metrics, ApiAddress address)
      throws UsageError {
    if (address.bind() == null) {
      return null;
    }
    if (address.token() == null) {
      System.err.println(
          "snailtrail controller: no API token (--token-file or SNAILTRAIL_TOKEN): API"
              + " mutations will be refused");
    }
    ApiServer api;
    try {
      api =
          new ApiServer(
                  controller.controlPlane(),
                  new ApiServer.Settings(address.bind(), address.token())
                      .withOpenReads(openReads)
                      .withMetrics(metrics::scrape)
                      .withMetricsToken(address.metricsToken())
                      .withLimits(apiLimits.limits()))
              .start();
    } catch (UncheckedIOException | IllegalStateException e) {
      throw new UsageError("cannot listen on " + listen + ": " + e.getMessage());
    }
    out()
        .println(
            "snailtrail controller: API at http://"
                + address.bind().getHostString()
                + ":"
                + api.port()
                + " (/metrics, /healthz, /readyz, status page at /)");
    return api;
  }

  /** On SIGTERM or Ctrl-C: stops everything, says so, and ends the JVM with 0. */
  private static CountDownLatch stopOnShutdown(RunningController running) {
    CountDownLatch stopped = new CountDownLatch(1);
    PrintStream out = out();
    PrintStream err = System.err;
    Runnable stop =
        () -> {
          int inFlight = running.stop(err);
          out.println(
              "snailtrail controller: stopped after "
                  + running.controller().passes()
                  + " passes; "
                  + inFlight
                  + " in flight finished and wrote their status");
          out.flush();
          err.flush();
          stopped.countDown();
          // A signal would otherwise end the JVM with 128+signal: a clean stop is 0.
          Runtime.getRuntime().halt(0);
        };
    Runtime.getRuntime()
        .addShutdownHook(Thread.ofPlatform().name("snailtrail-shutdown").unstarted(stop));
    return stopped;
  }

  /** Reads {@code 30s}, {@code 5m} and the like. */
  static final class DurationOption implements ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
      return Durations.parse(value);
    }
  }

  private String describe(Ports ports) {
    return switch (ports.kind()) {
      case sim -> "sim (embedded ECS simulator, nothing touches AWS, speed " + fmt(speed) + "x)";
      case aws ->
          "aws (AWS SDK, settings from the environment"
              + ports.endpoint().map(e -> ", endpoint " + e).orElse("")
              + "; each rollout as its target.roleArn when it names one)";
    };
  }

  private static String fmt(double d) {
    return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
  }
}
