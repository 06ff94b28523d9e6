package dev.snailtrail.cli;

import dev.snailtrail.doctor.Preflight;
import dev.snailtrail.gate.GateEvaluator;
import dev.snailtrail.metrics.Metrics;
import dev.snailtrail.metrics.MetricsServer;
import dev.snailtrail.metrics.MicrometerMetrics;
import dev.snailtrail.provider.CallListener;
import dev.snailtrail.provider.Providers;
import dev.snailtrail.provider.decorate.OncePerPassEcs;
import dev.snailtrail.reconcile.Commands;
import dev.snailtrail.reconcile.Polling;
import dev.snailtrail.reconcile.Reconciler;
import dev.snailtrail.rollout.Condition;
import dev.snailtrail.rollout.RolloutStatus;
import dev.snailtrail.rollout.StatusPhase;
import dev.snailtrail.rollout.TrafficStatus;
import dev.snailtrail.run.AwsCallTally;
import dev.snailtrail.run.PassListener;
import dev.snailtrail.run.RolloutDriver;
import dev.snailtrail.sim.Seed;
import dev.snailtrail.spec.Durations;
import dev.snailtrail.spec.Rollout;
import dev.snailtrail.spec.load.SpecException;
import dev.snailtrail.spec.load.SpecLoader;
import dev.snailtrail.time.Sleeper;
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
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
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
      "A phase with approval: manual waits for a person: on a terminal run asks (y approves, as"
          + " your OS user); without one it stops there. --auto-approve approves every such phase"
          + " without asking, and the trail says so.",
      "",
      "Exit codes: 0 Healthy, 1 rolled back (Degraded), Failed or Paused, 2 usage or invalid spec,",
      "  3 stopped at a phase that awaits approval (not approved: no terminal, or the answer was"
          + " no),",
      "  4 stopped by an internal error (a bug in snailtrail, not an outage; its stack trace is on"
          + " stderr).",
      "Examples:",
      "  snailtrail run spec-examples/snail-trail.yaml --auto-approve",
      "  snailtrail run spec-examples/snail-trail.yaml           # asks before victory-lap",
      "  snailtrail run spec-examples/drills/ml-down.yaml --speed 120",
      "  snailtrail run my-rollout.yaml --provider aws --aws-calls",
      "  snailtrail run my-rollout.yaml --provider aws --endpoint http://127.0.0.1:5000",
      "  snailtrail run spec-examples/drills/ml-down.yaml --metrics-port 9464 --linger 1m",
    })
final class RunCommand implements Callable<Integer> {

  /**
   * Who {@code run} is, as the services it moves are tagged: a run of the same rollout again takes
   * up its own service, and a controller's rollout leaves it alone (unless it adopts it).
   */
  static final String RUN_CONTROLLER_ID = "snailtrail-run";

  /** The exit code of a run that stopped at a phase awaiting an approval nobody gave. */
  static final int AWAITING_APPROVAL = 3;

  /** The exit code of a run stopped by a bug in snailtrail (not an outage, not a rollback). */
  static final int INTERNAL_ERROR = 4;

  /** Where a person is asked to approve a phase; tests put a fake terminal here. */
  Prompt prompt = Prompt.console();

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Parameters(
      index = "0",
      paramLabel = "FILE",
      description = "The rollout YAML (its first document).")
  Path file;

  @Mixin ProviderOptions where;

  @Mixin EventOptions events;

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
      names = "--aws-calls",
      description = "aws: print a table of AWS requests per phase and operation at the end.")
  boolean awsCalls;

  @Option(names = "--plain", description = "Print the trail without emoji.")
  boolean plain;

  @Option(
      names = "--auto-approve",
      description =
          "Approve every phase that needs approval as soon as it is reached, without asking;"
              + " the trail records each as approved automatically.")
  boolean autoApprove;

  @Option(
      names = "--manual-approval",
      description =
          "Deprecated, no effect: run always waits for approval unless --auto-approve is given.")
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
    AwsCallTally tally = new AwsCallTally();
    CallListener calls =
        (service, operation, outcome, took) -> {
          tally.onCall(service, operation, outcome, took);
          metrics.awsCall(service, operation, outcome, took);
        };
    try (Ports ports = Ports.forRollout(where, rollout, speed, seed(), scenario, calls)) {
      checkOptionsFor(ports.kind());
      if (manualApproval) {
        err.println(
            "snailtrail run: --manual-approval is deprecated and has no effect: run waits for"
                + " approval unless --auto-approve is given");
      }
      out.println(startLine(ports, rollout));
      Instant simStart = ports.clock().instant();
      long realStart = System.nanoTime();
      RunApproval approval = new RunApproval(autoApprove, prompt, System.getProperty("user.name"));
      Finished end = drive(rollout, ports, approval, tally, metrics, out, err);
      RunReport.summarize(out, rollout, end.status(), end.events());
      if (exitCode(end.status()) == AWAITING_APPROVAL) {
        RunReport.howToGoOn(out, rollout, end.status(), approval.notApproved());
      }
      switch (ports.kind()) {
        case sim -> RunReport.simulatedTime(out, simStart, ports.clock().instant(), realStart);
        case aws -> RunReport.awsRequests(out, tally, realStart, awsCalls);
      }
      return exitCode(end.status());
    } catch (UsageError e) {
      err.println("snailtrail run: " + e.getMessage());
      return 2;
    }
  }

  private Seed seed() {
    return existingServiceTag == null ? Seed.defaults() : Seed.existingService(existingServiceTag);
  }

  private void checkOptionsFor(Ports.Kind kind) throws UsageError {
    if (manualApproval && autoApprove) {
      throw new UsageError("--manual-approval and --auto-approve contradict each other");
    }
    if (kind == Ports.Kind.sim && awsCalls) {
      throw new UsageError("--aws-calls needs --provider aws");
    }
    if (kind == Ports.Kind.aws && existingServiceTag != null) {
      throw new UsageError("--existing-service needs --provider sim");
    }
  }

  /** The first line: which provider, and on aws where requests go and as whom. */
  private String startLine(Ports ports, Rollout rollout) {
    String rest = "rollout " + rollout.name() + " from " + file;
    return switch (ports.kind()) {
      case sim ->
          "snailtrail run: provider sim (embedded ECS simulator, nothing touches AWS), speed "
              + fmt(speed)
              + "x, "
              + rest;
      case aws -> {
        String roleArn = rollout.spec().target().roleArn();
        yield "snailtrail run: provider aws, endpoint "
            + ports.endpoint().map(URI::toString).orElse("AWS (the SDK's own resolution)")
            + ", region "
            + rollout.spec().target().region()
            + (roleArn == null ? "" : ", role " + roleArn)
            + ", real time, "
            + rest;
      }
    };
  }

  private record Finished(RolloutStatus status, List<TrailEvent> events) {}

  /**
   * Runs the rollout to the end. On aws each pass describes the service once ({@link
   * OncePerPassEcs}) and the tally learns which phase each pass works on.
   */
  private Finished drive(
      Rollout rollout,
      Ports ports,
      RunApproval approval,
      AwsCallTally tally,
      Metrics metrics,
      PrintStream out,
      PrintStream err)
      throws Exception {
    Providers providers = ports.providers();
    // The dead-man's switch of a simulated blue/green deployment reads this run's verdict.
    AtomicReference<RolloutStatus> last = new AtomicReference<>();
    ports.answerHooksFrom(
        name ->
            Optional.ofNullable(last.get()).map(RolloutStatus::traffic).map(TrafficStatus::ecs));
    PassListener passes =
        new PassListener() {
          @Override
          public void afterPass(RolloutStatus status, List<TrailEvent> events) {
            last.set(status);
          }
        };
    if (ports.kind() == Ports.Kind.aws) {
      OncePerPassEcs ecs = new OncePerPassEcs(providers.ecs());
      providers = providers.withEcs(ecs);
      passes = PassListener.beforeEach(ecs::newPass).andThen(tally).andThen(passes);
    }
    Clock clock = ports.clock();
    ChangeSleeper woken =
        events.events == null
            ? null
            : new ChangeSleeper(ports.changeFeed(events.events), rollout, ports::realTimeFor, err);
    Sleeper sleeper = woken != null ? woken : d -> Thread.sleep(ports.realTimeFor(d).toMillis());
    Reconciler reconciler =
        new Reconciler(
            providers,
            GateEvaluator.withDefaults(),
            clock,
            new Preflight(providers).asHook(),
            woken == null ? Polling.ECS_PACED : Polling.woken(Duration.ofSeconds(30)),
            RUN_CONTROLLER_ID);
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
            .approval(approval)
            .warnings(err)
            .passes(passes)
            .metrics(metrics)
            .build();
    RolloutStatus end;
    try {
      end = driver.run(rollout, 1, RolloutStatus.initial());
    } finally {
      if (woken != null) {
        woken.close();
      }
    }
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
    if (RolloutDriver.awaitsApproval(s)) {
      return AWAITING_APPROVAL;
    }
    return s.phase() == StatusPhase.Healthy ? 0 : 1;
  }

  private static String fmt(double d) {
    return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
  }
}
