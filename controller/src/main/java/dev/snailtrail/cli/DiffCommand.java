package dev.snailtrail.cli;

import dev.snailtrail.api.ApiClient;
import dev.snailtrail.api.ApiException;
import dev.snailtrail.api.ControllerUnreachable;
import dev.snailtrail.provider.ProviderException;
import dev.snailtrail.spec.Rollout;
import dev.snailtrail.spec.load.SpecException;
import dev.snailtrail.spec.load.SpecLoader;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code snailtrail diff -f FILE}: the live service against what the file says it should run now,
 * like {@code kubectl diff}.
 */
@Command(
    name = "diff",
    mixinStandardHelpOptions = true,
    description = {
      "Compare what a spec file says each rollout's service should run now with the live service:"
          + " the task definition (its revision and content, field by field) and the desired"
          + " count, shown as live → file.",
      "Which phase the service should be on comes from the controller's status when it is"
          + " reachable (the current phase; the stable one while a phase awaits approval; the"
          + " rollback target after a rollback), else from the file: its last phase, where a"
          + " finished rollout leaves the service.",
      "The live service is read through --provider: aws (the AWS SDK, as run and doctor), or sim"
          + " (the simulated world a `snailtrail controller --provider sim` saved in --store-dir).",
    },
    footer = {
      "",
      "Examples:",
      "  snailtrail diff -f rollout.yaml --provider aws",
      "  snailtrail diff -f rollout.yaml --provider aws --endpoint http://127.0.0.1:5000",
      "  snailtrail diff -f spec-examples/snail-trail.yaml --provider sim --store-dir"
          + " .snailtrail/store",
      "  snailtrail diff -f rollout.yaml --provider aws && echo 'the service is as the file says'",
      "",
      "Exit codes: 0 no difference, 1 a difference, 2 usage or an invalid file, 3 could not"
          + " compare (the provider could not be asked, or the controller refused to say).",
    })
final class DiffCommand extends ApiCommand {
  /** The exit code when the file and the live service differ. */
  static final int DIFFERS = 1;

  /** The exit code when a rollout could not be compared. */
  static final int COULD_NOT_COMPARE = 3;

  @Option(
      names = {"-f", "--filename"},
      paramLabel = "FILE",
      required = true,
      description = "The rollout YAML to compare with the live service.")
  Path file;

  @Mixin ProviderOptions where;

  @Option(
      names = "--store-dir",
      paramLabel = "DIR",
      defaultValue = ".snailtrail/store",
      description =
          "sim: the store of the `snailtrail controller --provider sim` whose simulated world to"
              + " read (its sim-state.json). Default: ${DEFAULT-VALUE}.")
  Path storeDir;

  @Override
  int run(ApiClient client) {
    List<Rollout> local;
    try {
      local = new SpecLoader().load(file);
    } catch (SpecException e) {
      e.problems().forEach(p -> err.println(p.format()));
      return USAGE;
    }
    int worst = OK;
    for (Rollout wanted : local) {
      int code = diff(client, wanted);
      if (code == USAGE) {
        return USAGE;
      }
      worst = Math.max(worst, code);
    }
    return worst;
  }

  /** Compares one rollout and prints what it found; returns its exit code. */
  private int diff(ApiClient client, Rollout wanted) {
    String name = wanted.name();
    Expected expected;
    try {
      expected = expected(client, wanted);
    } catch (ApiException e) {
      err.println(
          "rollout/"
              + name
              + ": could not compare: the controller at "
              + client.server()
              + " refused to say where it is (HTTP "
              + e.status()
              + "): "
              + e.getMessage());
      return COULD_NOT_COMPARE;
    }
    LiveDiff d;
    try (Ports ports = Ports.forInspection(where, wanted, storeDir.resolve("sim-state.json"))) {
      d = LiveDiff.of(ports.providers().ecs(), wanted, expected);
    } catch (UsageError e) {
      err.println("snailtrail diff: " + e.getMessage());
      return USAGE;
    } catch (ProviderException e) {
      err.println(
          "rollout/"
              + name
              + ": could not compare: the live service could not be read: "
              + e.describe());
      return COULD_NOT_COMPARE;
    }
    out.println(
        "rollout/"
            + name
            + (d.differs()
                ? ": differs from the live service (live → file)"
                : ": no difference from the live service"));
    out.println("  expected: " + expected.label() + " (" + expected.why() + ")");
    out.println("  live:     " + d.live());
    d.changes().forEach(c -> out.println("  " + c));
    return d.differs() ? DIFFERS : OK;
  }

  /** Where the service should be: by the controller's status when it has one, else the file. */
  private Expected expected(ApiClient client, Rollout wanted) {
    String source = file.toString();
    try {
      return Expected.fromStatus(wanted, source, client.get(wanted.name()).status());
    } catch (ControllerUnreachable e) {
      return Expected.lastPhase(
          wanted, source, "its last phase: no controller answers at " + client.server());
    } catch (ApiException e) {
      if (e.status() != 404) {
        throw e;
      }
      return Expected.lastPhase(
          wanted,
          source,
          "its last phase: the controller at " + client.server() + " has no such rollout");
    }
  }
}
