package dev.snailtrail.cli;

import dev.snailtrail.aws.AwsProviders;
import dev.snailtrail.aws.AwsSettings;
import dev.snailtrail.doctor.Preflight;
import dev.snailtrail.gate.GateEvaluator;
import dev.snailtrail.metrics.Metrics;
import dev.snailtrail.metrics.MetricsServer;
import dev.snailtrail.metrics.MicrometerMetrics;
import dev.snailtrail.provider.CallListener;
import dev.snailtrail.provider.Providers;
import dev.snailtrail.provider.decorate.OncePerPassEcs;
import dev.snailtrail.reconcile.Commands;
import dev.snailtrail.reconcile.Reconciler;
import dev.snailtrail.rollout.Condition;
import dev.snailtrail.rollout.RolloutStatus;
import dev.snailtrail.rollout.StatusPhase;
import dev.snailtrail.run.AwsCallTally;
import dev.snailtrail.run.PassListener;
import dev.snailtrail.run.RolloutDriver;
import dev.snailtrail.run.Sleeper;
import dev.snailtrail.sim.Seed;
import dev.snailtrail.sim.Simulator;
import dev.snailtrail.spec.Durations;
import dev.snailtrail.spec.Rollout;
import dev.snailtrail.spec.load.SpecException;
import dev.snailtrail.spec.load.SpecLoader;
import dev.snailtrail.spec.load.TaskDefinitionFile;
import dev.snailtrail.time.ScaledClock;
import dev.snailtrail.trail.ConsoleTrailSink;
import dev.snailtrail.trail.JsonlTrailSink;
import dev.snailtrail.trail.TrailEvent;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code snailtrail run}: one rollout, reconciled in this process until it settles. */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description = {
      "Reconcile one rollout in this process until it settles, printing the trail as it happens.",
      "With the default provider 'sim' it runs on the embedded ECS simulator: nothing touches AWS.",
      "With 'aws' it acts on the real service through the AWS SDK (default credential chain,"
          + " spec.target.roleArn assumed when set), in real time.",
    },
    footer = {
      "",
      "Exit codes: 0 Healthy, 1 rolled back (Degraded), Failed or Paused, 2 usage or invalid spec,",
      "  4 stopped by an internal error (a bug in snailtrail, not an outage; its stack trace is on"
          + " stderr).",
      "Examples:",
      "  snailtrail run spec-examples/snail-trail.yaml",
      "  snailtrail run spec-examples/drills/ml-down.yaml --speed 120",
      "  snailtrail run my-rollout.yaml --provider aws --aws-calls",
      "  snailtrail run my-rollout.yaml --provider aws --endpoint http://127.0.0.1:5000",
      "  snailtrail run spec-examples/drills/ml-down.yaml --metrics-port 9464 --linger 1m",
    })
final class RunCommand implements Callable<Integer> {

  /** The exit code of a run stopped by a bug in snailtrail (not an outage, not a rollback). */
  static final int INTERNAL_ERROR = 4;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Parameters(
      index = "0",
      paramLabel = "FILE",
      description = "The rollout YAML (its first document).")
  Path file;

  @Option(
      names = "--provider",
      defaultValue = "sim",
      description = "Where to act: sim (embedded simulator) or aws. Default: ${DEFAULT-VALUE}.")
  String provider;

  @Option(
      names = "--speed",
      defaultValue = "60",
      description =
          "Simulated seconds per real second on the simulator (aws runs in real time)."
              + " Default: ${DEFAULT-VALUE}.")
  double speed;

  @Option(
      names = "--scenario",
      paramLabel = "FILE",
      description = "A simulator scenario file (behaviours, alarms, faults).")
  Path scenario;

  @Option(
      names = "--existing-service",
      paramLabel = "TAG",
      description =
          "Simulator: start with the service already running this image tag (the baseline).")
  String existingServiceTag;

  @Option(
      names = "--trail-file",
      paramLabel = "PATH",
      description = "Also append the trail as JSON lines to PATH.")
  Path trailFile;

  @Option(
      names = "--endpoint",
      paramLabel = "URL",
      description =
          "aws: send every AWS request to this URL (an emulator such as moto or LocalStack)."
              + " Default: AWS_ENDPOINT_URL when set, else AWS itself.")
  String endpoint;

  @Option(
      names = "--aws-calls",
      description = "aws: print a table of AWS requests per phase and operation at the end.")
  boolean awsCalls;

  @Option(names = "--plain", description = "Print the trail without emoji.")
  boolean plain;

  @Option(
      names = "--manual-approval",
      description = "Stop at phases that need approval instead of approving them automatically.")
  boolean manualApproval;

  @Option(
      names = "--metrics-port",
      paramLabel = "PORT",
      description =
          "Serve Prometheus metrics at http://127.0.0.1:PORT/metrics while the run lasts"
              + " (0 picks a free port; the URL is printed).")
  Integer metricsPort;

  @Option(
      names = "--linger",
      paramLabel = "DURATION",
      defaultValue = "0s",
      description =
          "With --metrics-port: keep serving metrics this long (real time) after the rollout"
              + " settles, so a scraper sees the end state. Default: ${DEFAULT-VALUE}.")
  String linger;

  @Override
  public Integer call() throws Exception {
    Duration lingerFor;
    try {
      lingerFor = Durations.parse(linger);
    } catch (RuntimeException e) {
      System.err.println("snailtrail run: --linger " + linger + ": " + e.getMessage());
      return 2;
    }
    if (metricsPort == null) {
      return run(Metrics.NOOP);
    }
    try (MicrometerMetrics metrics = new MicrometerMetrics();
        MetricsServer server = MetricsServer.start(metricsPort, metrics::scrape)) {
      System.out.println("snailtrail run: metrics at " + server.url());
      int code = run(metrics);
      if (lingerFor.isPositive()) {
        System.out.println(
            "snailtrail run: serving metrics for "
                + Durations.format(lingerFor)
                + " more at "
                + server.url());
        Thread.sleep(lingerFor.toMillis());
      }
      return code;
    }
  }

  private Integer run(Metrics metrics) throws Exception {
    PrintStream out = System.out;
    PrintStream err = System.err;
    Rollout rollout;
    try {
      List<Rollout> rollouts = new SpecLoader().load(file);
      rollout = rollouts.get(0);
    } catch (SpecException e) {
      e.problems().forEach(pr -> err.println(pr.format()));
      return 2;
    }
    return switch (provider) {
      case "sim" -> runOnSimulator(rollout, out, err, metrics);
      case AwsProviders.NAME -> runOnAws(rollout, out, err, metrics);
      default -> {
        err.println(
            "snailtrail run: unknown provider '" + provider + "'; use --provider sim or aws");
        yield 2;
      }
    };
  }

  private int runOnSimulator(Rollout rollout, PrintStream out, PrintStream err, Metrics metrics)
      throws Exception {
    if (endpoint != null || awsCalls) {
      err.println("snailtrail run: --endpoint and --aws-calls need --provider aws");
      return 2;
    }
    ScaledClock clock = new ScaledClock(Clock.systemUTC(), speed);
    out.println(
        "snailtrail run: provider sim (embedded ECS simulator, nothing touches AWS), speed "
            + fmt(speed)
            + "x, rollout "
            + rollout.name()
            + " from "
            + file);
    Instant simStart = clock.instant();
    long realStart = System.nanoTime();
    try (Simulator sim = new Simulator(clock)) {
      Seed seed =
          existingServiceTag == null ? Seed.defaults() : Seed.existingService(existingServiceTag);
      sim.seed(rollout, seed);
      if (scenario != null) {
        sim.applyScenario(scenario);
      }
      Finished end =
          drive(
              rollout,
              sim.providers(),
              clock,
              d -> Thread.sleep(clock.realTimeFor(d).toMillis()),
              PassListener.NOOP,
              metrics,
              out,
              err);
      summarize(out, rollout, end.status(), end.events());
      out.println(
          "  simulated time "
              + Durations.format(
                  Duration.ofSeconds(Duration.between(simStart, clock.instant()).toSeconds()))
              + " in "
              + String.format(Locale.ROOT, "%.1f", (System.nanoTime() - realStart) / 1e9)
              + " s of real time");
      return exitCode(end.status());
    }
  }

  private int runOnAws(Rollout rollout, PrintStream out, PrintStream err, Metrics metrics)
      throws Exception {
    if (scenario != null || existingServiceTag != null) {
      err.println("snailtrail run: --scenario and --existing-service need --provider sim");
      return 2;
    }
    AwsSettings settings;
    try {
      settings = AwsSettings.fromEnvironment(java.time.Clock.systemUTC());
      if (endpoint != null) {
        settings = settings.withEndpointOverride(URI.create(endpoint));
      }
    } catch (IllegalArgumentException e) {
      err.println("snailtrail run: " + e.getMessage());
      return 2;
    }
    AwsCallTally tally = new AwsCallTally();
    settings =
        settings.withListener(
            (service, operation, outcome, took) -> {
              tally.onCall(service, operation, outcome, took);
              metrics.awsCall(service, operation, outcome, took);
            });
    String roleArn = rollout.spec().target().roleArn();
    out.println(
        "snailtrail run: provider aws, endpoint "
            + (settings.endpointOverride() == null
                ? "AWS (the SDK's own resolution)"
                : settings.endpointOverride().toString())
            + ", region "
            + rollout.spec().target().region()
            + (roleArn == null ? "" : ", role " + roleArn)
            + ", real time, rollout "
            + rollout.name()
            + " from "
            + file);
    long realStart = System.nanoTime();
    try (AwsProviders aws = AwsProviders.open(settings)) {
      Providers direct = aws.providers(roleArn);
      OncePerPassEcs ecs = new OncePerPassEcs(direct.ecs());
      Providers providers = direct.withEcs(ecs);
      Clock clock = Clock.systemUTC();
      Finished end =
          drive(
              rollout,
              providers,
              clock,
              d -> Thread.sleep(d.toMillis()),
              PassListener.beforeEach(ecs::newPass).andThen(tally),
              metrics,
              out,
              err);
      summarize(out, rollout, end.status(), end.events());
      out.println(
          "  "
              + String.format(Locale.ROOT, "%.1f", (System.nanoTime() - realStart) / 1e9)
              + " s, "
              + tally.passes()
              + " passes, "
              + tally.total(CallListener.SUCCESS)
              + " AWS requests answered, "
              + tally.total(CallListener.THROTTLED)
              + " throttled, "
              + tally.total(CallListener.ERROR)
              + " failed");
      if (awsCalls) {
        out.println();
        out.println("AWS requests per phase (each attempt; retries included):");
        out.print(tally.table());
      }
      return exitCode(end.status());
    }
  }

  private record Finished(RolloutStatus status, List<TrailEvent> events) {}

  private Finished drive(
      Rollout rollout,
      Providers providers,
      Clock clock,
      Sleeper sleeper,
      PassListener passes,
      Metrics metrics,
      PrintStream out,
      PrintStream err)
      throws Exception {
    Reconciler reconciler =
        new Reconciler(
            providers,
            GateEvaluator.withDefaults(),
            clock,
            TaskDefinitionFile::baseOf,
            new Preflight(providers, TaskDefinitionFile::baseOf).asHook());
    ConsoleTrailSink console = new ConsoleTrailSink(out, plain);
    JsonlTrailSink jsonl = trailFile == null ? null : new JsonlTrailSink(trailFile);
    RolloutDriver driver =
        RolloutDriver.builder(reconciler::reconcile, new Commands(clock), clock, sleeper)
            .sink(
                e -> {
                  console.accept(e);
                  if (jsonl != null) {
                    jsonl.accept(e);
                  }
                })
            .autoApprove(!manualApproval)
            .warnings(err)
            .passes(passes)
            .metrics(metrics)
            .build();
    RolloutStatus end = driver.run(rollout, 1, RolloutStatus.initial());
    if (jsonl != null) {
      jsonl.close();
    }
    if (exitCode(end) == INTERNAL_ERROR) {
      err.println(
          "snailtrail run: stopped by an internal error: a bug in snailtrail, not an outage or a"
              + " rollback (stack trace above). The service is as the last completed pass left it;"
              + " please report the trace.");
    }
    return new Finished(end, driver.events());
  }

  /** The exit code for how the run ended: {@link #INTERNAL_ERROR} before anything else. */
  static int exitCode(RolloutStatus s) {
    if (s.conditions().stream().anyMatch(c -> c.holds(Condition.Type.InternalError))) {
      return INTERNAL_ERROR;
    }
    return s.phase() == StatusPhase.Healthy ? 0 : 1;
  }

  private static void summarize(
      PrintStream out, Rollout rollout, RolloutStatus s, List<TrailEvent> events) {
    out.println();
    out.println("Rollout " + rollout.name() + ": " + s.phase() + " (" + s.progress() + "%)");
    out.println("  " + s.message());
    out.println(
        "  stable phase: "
            + s.stablePhase().name()
            + ", phases: "
            + rollout.spec().phases().size()
            + ", trail events: "
            + events.size());
    for (var phase : rollout.spec().phases()) {
      String arn = s.revisions().get(phase.name());
      if (arn != null) {
        out.println("  revision " + phase.name() + ": " + arn);
      }
    }
  }

  private static String fmt(double d) {
    return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
  }
}
