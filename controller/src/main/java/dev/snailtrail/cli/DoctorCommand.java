package dev.snailtrail.cli;

import dev.snailtrail.doctor.CheckResult;
import dev.snailtrail.doctor.Checklist;
import dev.snailtrail.doctor.Preflight;
import dev.snailtrail.provider.CallListener;
import dev.snailtrail.provider.Providers;
import dev.snailtrail.sim.Seed;
import dev.snailtrail.spec.Rollout;
import dev.snailtrail.spec.load.SpecException;
import dev.snailtrail.spec.load.SpecLoader;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code snailtrail doctor}: the preflight checks of a rollout, as a checklist. */
@Command(
    name = "doctor",
    mixinStandardHelpOptions = true,
    description = {
      "Check, without changing anything, that a rollout can deploy: the service and cluster,"
          + " images in ECR, container port vs target group, network bindings, security group"
          + " rules, public IP routing, log groups and rollback readiness.",
      "Each failed check (✗) says what was seen and the fix. A check the provider could not answer"
          + " (no usable credentials, access denied, throttled, endpoint unreachable) is ? \"could"
          + " not check\" with the reason: never a pass.",
    },
    footer = {
      "",
      "Exit codes: 0 every check made and none failed, 1 a check failed, 2 usage or invalid spec,",
      "  3 no check failed but some could not be made (fix access or reach, and run doctor again).",
      "Examples:",
      "  snailtrail doctor -f spec-examples/snail-trail.yaml --provider aws",
      "  snailtrail doctor -f rollout.yaml --phase exploration",
      "  snailtrail doctor -f rollout.yaml --provider sim --scenario broken-sg.yaml",
    })
final class DoctorCommand implements Callable<Integer> {

  /** The exit code when no check failed but at least one could not be made. */
  static final int COULD_NOT_CHECK = 3;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(
      names = {"-f", "--file"},
      required = true,
      paramLabel = "FILE",
      description = "The rollout YAML (its first document).")
  Path file;

  @Option(
      names = "--phase",
      paramLabel = "NAME",
      description = "Check deploying this phase only (default: every phase).")
  String phase;

  @Mixin ProviderOptions where;

  @Option(
      names = "--scenario",
      paramLabel = "FILE",
      description = "sim: apply this scenario before checking, to rehearse a broken world.")
  Path scenario;

  @Option(names = "--plain", description = "[PASS]/[FAIL]/[WARN]/[SKIP] instead of ✓ ✗ ! –.")
  boolean plain;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Rollout rollout;
    try {
      rollout = new SpecLoader().load(file).get(0);
    } catch (SpecException e) {
      e.problems().forEach(p -> err.println(p.format()));
      err.flush();
      return 2;
    }
    int index = -1;
    if (phase != null) {
      index = rollout.spec().indexOf(phase);
      if (index < 0) {
        err.println(
            "snailtrail doctor: rollout "
                + rollout.name()
                + " has no phase '"
                + phase
                + "'; phases: "
                + rollout.spec().phases().stream().map(p -> p.name()).toList());
        err.flush();
        return 2;
      }
    }
    long start = System.nanoTime();
    List<CheckResult> results;
    try (Ports ports =
        Ports.forRollout(where, rollout, 1, Seed.defaults(), scenario, CallListener.NOOP)) {
      out.println(checkedAgainst(ports, rollout));
      results = run(ports.providers(), rollout, index);
    } catch (UsageError e) {
      err.println("snailtrail doctor: " + e.getMessage());
      err.flush();
      return 2;
    }
    Checklist.lines(results, plain).forEach(out::println);
    out.println();
    out.println(
        Checklist.tally(results)
            + String.format(Locale.ROOT, " (%.2f s)", (System.nanoTime() - start) / 1e9));
    List<CheckResult> unchecked = Preflight.unchecked(results);
    if (!unchecked.isEmpty()) {
      CheckResult first = unchecked.get(0);
      out.println(
          "snailtrail doctor: "
              + unchecked.size()
              + (unchecked.size() == 1 ? " check" : " checks")
              + " could not be made, so this is not a pass; the first: "
              + first.check().label()
              + ": "
              + first.title());
    }
    out.flush();
    return exitCode(results);
  }

  /** 1 when a check failed, else {@link #COULD_NOT_CHECK} when one could not be made, else 0. */
  static int exitCode(List<CheckResult> results) {
    if (Preflight.anyFailed(results)) {
      return 1;
    }
    return Preflight.unchecked(results).isEmpty() ? 0 : COULD_NOT_CHECK;
  }

  /** The first line: what the checks look at. */
  private String checkedAgainst(Ports ports, Rollout rollout) {
    String what =
        switch (ports.kind()) {
          case sim ->
              "the simulator seeded from "
                  + file
                  + (scenario == null ? "" : " with scenario " + scenario)
                  + ", not AWS";
          case aws ->
              "AWS "
                  + rollout.spec().target().region()
                  + ports.endpoint().map(e -> " at " + e).orElse("");
        };
    return "snailtrail doctor: rollout " + rollout.name() + " checked against " + what;
  }

  private static List<CheckResult> run(Providers providers, Rollout rollout, int index) {
    Preflight preflight = new Preflight(providers);
    return index < 0 ? preflight.checkAll(rollout) : preflight.check(rollout, index);
  }
}
